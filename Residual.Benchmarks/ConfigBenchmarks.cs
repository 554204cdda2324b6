using BenchmarkDotNet.Attributes;
using Residual;

namespace Residual.Benchmarks;

/// <summary>
/// One forward + backward of each config's stack of blocks (S, M, L, XL), on 1 thread and on every core.
/// GFLOP/s = <see cref="BenchConfig.FlopsPerStep"/> / time; <c>bench/compare.sh</c> prints that next to PyTorch.
/// </summary>
[MemoryDiagnoser]
public class ConfigBenchmarks
{
    private BlockStack _stack = null!;

    [Params("S", "M", "L", "XL")]
    public string Config { get; set; } = "S";

    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    public static int[] ThreadCounts => System.Environment.ProcessorCount > 1 ? [1, System.Environment.ProcessorCount] : [1];

    [GlobalSetup]
    public void Setup()
    {
        Parallelism.MaxThreads = Threads;
        _stack = BenchConfig.Named(Config).CreateStack();
    }

    [Benchmark]
    public void ForwardBackward() => _stack.ForwardBackward();
}
