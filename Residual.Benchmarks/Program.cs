using BenchmarkDotNet.Running;

// dotnet run --project Residual.Benchmarks -c Release -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
