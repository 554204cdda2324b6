using BenchmarkDotNet.Running;

// dotnet run --project Residual.Benchmarks -c Release -- --filter '*'
// dotnet run --project Residual.Benchmarks -c Release -- analyzer-cost   (per-analyzer times, see AnalyzerCostBenchmarks)
if (args is ["analyzer-cost"]) { await Residual.Benchmarks.AnalyzerCostBenchmarks.ReportAsync(); return; }
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
