using System;
using Residual.Kernels;
using Xunit;
using static Residual.Runtime.Tests.Kernels.TestData;

namespace Residual.Runtime.Tests.Kernels;

/// <summary>
/// Kernels that read one span while writing another refuse overlapping spans (a custom sublayer that passes
/// the same buffer twice would otherwise get silently wrong numbers), naming the written span, and write nothing.
/// </summary>
public class AliasingTests
{
    private const int Rows = 3, In = 4, Out = 4;

    private static void Refused(string expectedName, float[] buffer, Action call)
    {
        var before = (float[])buffer.Clone();
        var ex = Assert.Throws<ArgumentException>(call);
        Assert.Equal(expectedName, ex.ParamName);
        Assert.Contains("must not overlap", ex.Message);
        Assert.Equal(before, buffer);
    }

    [Fact]
    public void MatMul_forward_refuses_an_output_that_is_its_input()
    {
        var x = Uniform(Rows * In, 1);
        var w = Uniform(Out * In, 2);
        Refused("output", x, () => MatMul.Forward(x, x, w, [], Rows, In, Out));
    }

    [Fact]
    public void MatMul_backward_refuses_an_input_gradient_that_is_the_output_gradient()
    {
        var d = Uniform(Rows * Out, 1);
        var w = Uniform(Out * In, 2);
        Refused("dInput", d, () => MatMul.BackwardInput(d, d, w, Rows, In, Out));
    }

    [Fact]
    public void MatMul_backward_refuses_a_weight_gradient_overlapping_the_input()
    {
        var buffer = Uniform(Rows * In + Out * In, 1);
        var dy = Uniform(Rows * Out, 2);
        Refused("dWeight", buffer, () => MatMul.BackwardWeight(buffer.AsSpan(Rows * In - 2, Out * In), dy, buffer.AsSpan(0, Rows * In), Rows, In, Out));
    }

    [Fact]
    public void Attention_forward_refuses_an_output_inside_qkv()
    {
        const int b = 1, t = 2, c = 4, h = 2;
        var qkv = Uniform(b * t * 3 * c, 1);
        var att = new float[b * h * t * t];
        Refused("output", qkv, () => CausalAttention.Forward(qkv.AsSpan(0, b * t * c), att, qkv, b, t, c, h));
    }

    [Fact]
    public void Disjoint_spans_of_one_array_are_accepted()
    {
        var buffer = Uniform(Rows * In + Out * In + Rows * Out, 1);
        var x = buffer.AsSpan(0, Rows * In);
        var w = buffer.AsSpan(Rows * In, Out * In);
        var y = buffer.AsSpan(Rows * In + Out * In, Rows * Out);
        MatMul.Forward(y, x, w, [], Rows, In, Out);
    }
}
