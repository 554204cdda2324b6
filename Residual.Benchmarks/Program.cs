using BenchmarkDotNet.Running;
using Residual.Benchmarks;

// dotnet run --project Residual.Benchmarks -c Release -- --filter '*'          BenchmarkDotNet (GEMM, kernels, configs, analyzers)
// dotnet run --project Residual.Benchmarks -c Release -- --compare [options]   JSON lines for bench/compare.sh
// dotnet run --project Residual.Benchmarks -c Release -- --profile [options]   kernel-by-kernel time of a config's step, see ProfileMode
// dotnet run --project Residual.Benchmarks -c Release -- analyzer-cost         per-analyzer times, see AnalyzerCostBenchmarks
// dotnet run --project Residual.Benchmarks -c Release -- generator-cost        cold/incremental generator times, see GeneratorCostBenchmarks
// dotnet run --project Residual.Benchmarks -c Release -- generator-cost breakdown 200 new|bound|comment|comment-bound   time per pipeline step
// dotnet run --project Residual.Benchmarks -c Release -- generator-cost read 200   DeclarationReader alone, µs per declaration
if (args.Length > 0 && args[0] == "--compare")
    return CompareMode.Run(args);
if (args.Length > 0 && args[0] == "--profile")
    return ProfileMode.Run(args);
if (args is ["analyzer-cost"])
{
    await AnalyzerCostBenchmarks.ReportAsync();
    return 0;
}
if (args is ["generator-cost"])
{
    GeneratorCostBenchmarks.Report();
    return 0;
}
if (args is ["generator-cost", "breakdown", var blocks, var mode])
{
    GeneratorCostBenchmarks.Breakdown(int.Parse(blocks), mode);
    return 0;
}
if (args is ["generator-cost", "read", var readBlocks])
{
    GeneratorCostBenchmarks.ReadProfile(int.Parse(readBlocks));
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
