using System;
using Residual.Kernels;
using Xunit;
using static Residual.Runtime.Tests.Kernels.TestData;

namespace Residual.Runtime.Tests.Kernels;

/// <summary>
/// Kernels split outputs, never sums, between threads: the same inputs give the same bits for any
/// <see cref="Parallelism.MaxThreads"/>. (Resuming a run, or comparing a run on another machine with
/// another core count, relies on it.)
/// </summary>
[Collection(nameof(SerialCollection))]
public sealed class ThreadCountTests : IDisposable
{
    private readonly int _threads = Parallelism.MaxThreads;

    public void Dispose() => Parallelism.MaxThreads = _threads;

    public static TheoryData<int, int, int> ParallelShapes => new()
    {
        { 256, 128, 384 },  // block S's QKV projection: threads split columns
        { 600, 64, 40 },    // tall and narrow: threads split rows
        { 64, 200, 1100 },  // wide: columns, several depth blocks in backward
        { 301, 97, 131 },   // ragged everywhere
    };

    [Theory, MemberData(nameof(ParallelShapes))]
    public void MatMul_gives_the_same_bits_for_one_two_and_three_threads(int rows, int inF, int outF)
    {
        var x = Uniform(rows * inF, 1);
        var w = Uniform(outF * inF, 2);
        var b = Uniform(outF, 3);
        var dy = Uniform(rows * outF, 4);
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            Parallelism.MaxThreads = threads;
            var y = new float[rows * outF];
            var dx = Uniform(rows * inF, 5);
            var dw = Uniform(outF * inF, 6);
            var db = Uniform(outF, 7);
            MatMul.Forward(y, x, w, b, rows, inF, outF);
            MatMul.BackwardInput(dx, dy, w, rows, inF, outF);
            MatMul.BackwardWeight(dw, dy, x, rows, inF, outF);
            MatMul.BackwardBias(db, dy, rows, outF);
            float[] all = [.. y, .. dx, .. dw, .. db];
            if (first is null) first = all;
            else AssertSameBits(first, all, $"MatMul {rows}×{inF}→{outF} with {threads} threads");
        }
        Close(ScalarReference.MatMulForward(x, w, b, rows, inF, outF), first.AsSpan(0, rows * outF), 1e-4, "output");
    }

    [Fact]
    public void Bias_gradient_gives_the_same_bits_for_one_two_and_three_threads()
    {
        const int rows = 700, outF = 1100; // enough floats for three threads, ragged column chunks
        var dy = Uniform(rows * outF, 1);
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            Parallelism.MaxThreads = threads;
            var db = Uniform(outF, 2);
            MatMul.BackwardBias(db, dy, rows, outF);
            if (first is null) first = db;
            else AssertSameBits(first, db, $"bias gradient with {threads} threads");
        }
        Close(Plus(Uniform(outF, 2), ScalarReference.MatMulBackwardBias(dy, rows, outF)), first, 1e-4, "dBias");
    }

    [Fact]
    public void Attention_gives_the_same_bits_for_one_two_and_three_threads()
    {
        const int batch = 3, time = 64, width = 48, heads = 4;
        var qkv = Uniform(batch * time * 3 * width, 1);
        var dOut = Uniform(batch * time * width, 2);
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            Parallelism.MaxThreads = threads;
            var output = new float[batch * time * width];
            var att = new float[batch * heads * time * time];
            var dQkv = Uniform(qkv.Length, 3);
            var dAtt = new float[att.Length];
            CausalAttention.Forward(output, att, qkv, batch, time, width, heads);
            CausalAttention.Backward(dQkv, dAtt, dOut, qkv, att, batch, time, width, heads);
            float[] all = [.. output, .. att, .. dQkv];
            if (first is null) first = all;
            else AssertSameBits(first, all, $"attention with {threads} threads");
        }
    }

    [Fact]
    public void Gelu_gives_the_same_bits_for_one_two_and_three_threads()
    {
        const int n = 100_003; // several chunks and a tail that is not a whole vector
        var x = Uniform(n, 1, -6f, 6f);
        var dy = Uniform(n, 2);
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            Parallelism.MaxThreads = threads;
            var y = new float[n];
            var dx = Uniform(n, 3);
            Gelu.Forward(y, x);
            Gelu.Backward(dx, dy, x);
            float[] all = [.. y, .. dx];
            if (first is null) first = all;
            else AssertSameBits(first, all, $"GELU with {threads} threads");
        }
    }

    [Fact]
    public void MaxThreads_refuses_values_below_one()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Parallelism.MaxThreads = 0);
        Assert.Equal("value", e.ParamName);
    }

    internal static void AssertSameBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, with one thread {expected[i]:R}.");
        }
    }
}
