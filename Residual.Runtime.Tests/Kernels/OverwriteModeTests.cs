using System;
using Residual.Kernels;
using Xunit;
using static Residual.Runtime.Tests.Kernels.TestData;

namespace Residual.Runtime.Tests.Kernels;

/// <summary>
/// The backward kernels' <c>accumulate: false</c> mode, which the generated backward passes use for a gradient with
/// one source instead of clearing it first: it must give exactly the bits of accumulating into zeros, and never read
/// what the buffer held (it starts filled with NaN here, which would poison any sum that read it).
/// </summary>
public class OverwriteModeTests
{
    public static TheoryData<int, int, int> MatMulShapes => new()
    {
        { 1, 1, 1 },
        { 13, 35, 70 },    // row and column tiles plus leftovers on every side
        { 24, 64, 48 },    // whole tiles in one block: W read in place
        { 5, 33, 1100 },   // depth 1100: three depth blocks, so only the first may overwrite
        { 97, 2049, 13 },  // three column panels, the last one float wide
    };

    [Theory, MemberData(nameof(MatMulShapes))]
    public void MatMul_backward_input_overwrite_gives_the_bits_of_accumulating_into_zeros(int rows, int inF, int outF)
    {
        var dy = Uniform(rows * outF, 5);
        var w = Uniform(outF * inF, 2);
        var expected = new float[rows * inF];
        MatMul.BackwardInput(expected, dy, w, rows, inF, outF);
        var actual = NaNs(rows * inF);

        MatMul.BackwardInput(actual, dy, w, rows, inF, outF, accumulate: false);

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 7, 12, 3)]
    [InlineData(2, 100, 24, 2)] // three tiles of 48 query rows, the last one ragged
    [InlineData(1, 97, 64, 1)]
    [InlineData(2, 130, 96, 3)] // dk and dv products deeper than one tile
    public void Attention_backward_overwrite_gives_the_bits_of_accumulating_into_zeros(int batch, int time, int width, int heads)
    {
        var qkv = Uniform(batch * time * 3 * width, 1, -2f, 2f);
        var dy = Uniform(batch * time * width, 4);
        var att = new float[batch * heads * time * time];
        CausalAttention.Forward(new float[batch * time * width], att, qkv, batch, time, width, heads);
        var expected = new float[qkv.Length];
        CausalAttention.Backward(expected, new float[att.Length], dy, qkv, att, batch, time, width, heads);
        var actual = NaNs(qkv.Length);

        CausalAttention.Backward(actual, new float[att.Length], dy, qkv, att, batch, time, width, heads, accumulate: false);

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]      // vector loops plus a scalar tail
    [InlineData(100_000)] // split between threads
    public void Activation_backward_overwrite_gives_the_bits_of_accumulating_into_zeros(int n)
    {
        var x = Uniform(n, 1, -4f, 4f);
        var dy = Uniform(n, 2);

        var expected = new float[n];
        Gelu.Backward(expected, dy, x);
        var actual = NaNs(n);
        Gelu.Backward(actual, dy, x, accumulate: false);
        Assert.Equal(expected, actual);

        expected = new float[n];
        Relu.Backward(expected, dy, x);
        actual = NaNs(n);
        Relu.Backward(actual, dy, x, accumulate: false);
        Assert.Equal(expected, actual);
    }

    private static float[] NaNs(int count)
    {
        var a = new float[count];
        Array.Fill(a, float.NaN);
        return a;
    }
}
