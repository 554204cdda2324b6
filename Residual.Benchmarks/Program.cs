using System;
using BenchmarkDotNet.Running;
using Residual.Benchmarks;

// dotnet run --project Residual.Benchmarks -c Release -- --filter '*'          BenchmarkDotNet (GEMM, kernels, configs)
// dotnet run --project Residual.Benchmarks -c Release -- --compare [options]   JSON lines for bench/compare.sh
if (args.Length > 0 && args[0] == "--compare")
    return CompareMode.Run(args);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
