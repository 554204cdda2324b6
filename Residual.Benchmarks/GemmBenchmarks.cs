using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using Residual;
using Residual.Kernels;

namespace Residual.Benchmarks;

/// <summary>
/// The three products of a linear layer at the shapes the configs' blocks use (rows = B·T), single-threaded
/// (the "≥ 85 % of one core's FMA ceiling" target) and on every core. FLOPs per call = 2·rows·in·out.
/// </summary>
public class GemmBenchmarks
{
    private float[] _x = null!, _w = null!, _b = null!, _y = null!, _dx = null!, _dw = null!;

    /// <summary>
    /// rows × in → out: QKV, attention output, MLP up and down of every config (S, M, L, XL). Each shape runs all three
    /// products, so the backward shapes (dx: rows × out → in, dW: out × rows → in) of every block are covered too.
    /// </summary>
    public static IEnumerable<GemmShape> Shapes =>
    [
        new(256, 128, 384), new(256, 128, 128), new(256, 128, 512), new(256, 512, 128),
        new(1024, 256, 768), new(1024, 256, 256), new(1024, 256, 1024), new(1024, 1024, 256),
        new(1024, 512, 1536), new(1024, 512, 512), new(1024, 512, 2048), new(1024, 2048, 512),
        new(1024, 768, 2304), new(1024, 768, 768), new(1024, 768, 3072), new(1024, 3072, 768),
    ];

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = new(256, 128, 384);

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Parallelism.MaxThreads = Threads;
        var (rows, inF, outF) = (Shape.Rows, Shape.In, Shape.Out);
        var rng = new Rng(1);
        _x = Fill(rows * inF, rng);
        _w = Fill(outF * inF, rng);
        _b = Fill(outF, rng);
        _y = new float[rows * outF];
        _dx = new float[rows * inF];
        _dw = new float[outF * inF];
    }

    private static float[] Fill(int n, Rng rng)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)rng.NextNormal();
        return a;
    }

    /// <summary>y = x·Wᵀ + b.</summary>
    [Benchmark]
    public void Forward() => MatMul.Forward(_y, _x, _w, _b, Shape.Rows, Shape.In, Shape.Out);

    /// <summary>dx += dy·W.</summary>
    [Benchmark]
    public void BackwardInput() => MatMul.BackwardInput(_dx, _y, _w, Shape.Rows, Shape.In, Shape.Out);

    /// <summary>dx = dy·W (overwrite: what the generated backward pass does when dx has one source).</summary>
    [Benchmark]
    public void BackwardInputOverwrite() => MatMul.BackwardInput(_dx, _y, _w, Shape.Rows, Shape.In, Shape.Out, accumulate: false);

    /// <summary>dW += dyᵀ·x.</summary>
    [Benchmark]
    public void BackwardWeight() => MatMul.BackwardWeight(_dw, _y, _x, Shape.Rows, Shape.In, Shape.Out);
}

/// <summary>A product's shape: <c>[Rows, In] → [Rows, Out]</c>.</summary>
public sealed record GemmShape(int Rows, int In, int Out)
{
    public double Flops => 2.0 * Rows * In * Out;

    public override string ToString() => $"{Rows}x{In}->{Out}";
}
