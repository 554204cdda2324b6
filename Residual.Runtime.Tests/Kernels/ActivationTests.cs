using System;
using System.Linq;
using Residual.Kernels;
using Xunit;
using static Residual.Runtime.Tests.Kernels.TestData;

namespace Residual.Runtime.Tests.Kernels;

public class ActivationTests
{
    // Elementwise, no accumulation: the only float32 error is in tanh/exp and a handful of products,
    // a few ulps (≈ 1e-6 relative); 1e-5 of the largest magnitude leaves a wide margin.
    private const double Rtol = 1e-5;

    public static TheoryData<int> Lengths => new() { 1, 3, 7, 16, 17, 33, 64, 100, 1000 };

    [Theory, MemberData(nameof(Lengths))]
    public void Gelu_forward_matches_scalar_reference(int n)
    {
        var x = Uniform(n, 1, -6f, 6f);
        var y = Uniform(n, 2);
        Gelu.Forward(y, x);
        Close(x.Select(v => ScalarReference.GeluForward(v)).ToArray(), y, Rtol, "output");
    }

    [Fact]
    public void Gelu_forward_is_finite_and_saturates_for_large_inputs()
    {
        float[] x = [-1e30f, -200f, -20f, 0f, 20f, 200f, 1e30f, float.MaxValue, float.MinValue];
        var y = new float[x.Length];
        Gelu.Forward(y, x);
        Assert.All(y, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(0f, y[0]); Assert.Equal(0f, y[1]); Assert.Equal(0f, y[3]);
        Assert.Equal(20f, y[4]); Assert.Equal(200f, y[5]); Assert.Equal(1e30f, y[6]);
        var dx = new float[x.Length];
        Gelu.Backward(dx, Enumerable.Repeat(1f, x.Length).ToArray(), x);
        Assert.Equal(new[] { 0f, 0f, 0f, 0.5f, 1f, 1f, 1f, 1f, 0f }, dx);
    }

    [Theory, MemberData(nameof(Lengths))]
    public void Gelu_backward_accumulates_scalar_reference(int n)
    {
        var x = Uniform(n, 1, -6f, 6f);
        var dy = Uniform(n, 3);
        var dx = Uniform(n, 4);
        var start = (float[])dx.Clone();
        Gelu.Backward(dx, dy, x);
        Close(start.Select((s, i) => s + dy[i] * ScalarReference.GeluDerivative(x[i])).ToArray(), dx, Rtol, "dInput");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(64)]
    public void Gelu_backward_matches_finite_differences_of_forward(int n)
    {
        var x = Uniform(n, 1, -4f, 4f);
        var r = Uniform(n, 5);
        var y = new float[n];
        float[] Forward() { Gelu.Forward(y, x); return y; }
        var dx = new float[n];
        Gelu.Backward(dx, r, x);
        GradCheck.Check("dInput", x, dx, Forward, r);
    }

    [Fact]
    public void Gelu_backward_called_twice_doubles_the_gradient()
    {
        var x = Uniform(37, 1, -4f, 4f);
        var dy = Uniform(37, 3);
        var once = new float[37];
        var twice = new float[37];
        Gelu.Backward(once, dy, x);
        Gelu.Backward(twice, dy, x);
        Gelu.Backward(twice, dy, x);
        Close(Twice(once), twice, 1e-7, "dInput");
    }

    [Theory, MemberData(nameof(Lengths))]
    public void Relu_forward_matches_scalar_reference(int n)
    {
        var x = Uniform(n, 1);
        if (n > 2) x[2] = 0f;
        var y = Uniform(n, 2);
        Relu.Forward(y, x);
        Close(x.Select(v => Math.Max((double)v, 0)).ToArray(), y, 0, "output");
    }

    [Theory, MemberData(nameof(Lengths))]
    public void Relu_backward_accumulates_dOutput_where_input_is_positive(int n)
    {
        var x = Uniform(n, 1);
        if (n > 2) x[2] = 0f; // derivative at 0 is 0
        var dy = Uniform(n, 3);
        var dx = Uniform(n, 4);
        var start = (float[])dx.Clone();
        Relu.Backward(dx, dy, x);
        Close(start.Select((s, i) => x[i] > 0 ? (double)(s + dy[i]) : s).ToArray(), dx, 0, "dInput");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(64)]
    public void Relu_backward_matches_finite_differences_of_forward(int n)
    {
        var x = AwayFromZero(n, 1, 0.05f); // |x| > h keeps the kink at 0 out of every difference
        var r = Uniform(n, 5);
        var y = new float[n];
        float[] Forward() { Relu.Forward(y, x); return y; }
        var dx = new float[n];
        Relu.Backward(dx, r, x);
        GradCheck.Check("dInput", x, dx, Forward, r);
    }

    [Fact]
    public void Relu_backward_called_twice_doubles_the_gradient()
    {
        var x = Uniform(37, 1);
        var dy = Uniform(37, 3);
        var once = new float[37];
        var twice = new float[37];
        Relu.Backward(once, dy, x);
        Relu.Backward(twice, dy, x);
        Relu.Backward(twice, dy, x);
        Close(Twice(once), twice, 0, "dInput");
    }

    [Fact]
    public void Activations_may_run_in_place()
    {
        var x = Uniform(35, 1, -3f, 3f);
        var expected = new float[x.Length];
        Gelu.Forward(expected, x);
        var inPlace = (float[])x.Clone();
        Gelu.Forward(inPlace, inPlace);
        Assert.Equal(expected, inPlace);

        Relu.Forward(expected, x);
        inPlace = (float[])x.Clone();
        Relu.Forward(inPlace, inPlace);
        Assert.Equal(expected, inPlace);
    }
}
