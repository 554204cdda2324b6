using System;
using Residual;
using Residual.Training;
using Xunit;

namespace Residual.Runtime.Tests.Training;

public class GradientClippingTests
{
    private static ParameterArena Arena(params float[] values)
    {
        var arena = new ParameterArena([new TensorInfo("w", 0, [1, 2], ParameterInit.Normal), new TensorInfo("b", 2, [values.Length - 2], ParameterInit.Zeros)]);
        values.CopyTo(arena.Data, 0);
        return arena;
    }

    [Fact]
    public void Clipping_scales_all_tensors_together_down_to_the_max_norm()
    {
        var g = Arena(3f, 0f, 0f, 4f); // norm 5 across two tensors
        Assert.Equal(5f, GradientClipping.ClipGlobalNorm(g, 1f));
        Assert.Equal(new[] { 0.6f, 0f, 0f, 0.8f }, g.Data);
        Assert.Equal(1f, GradientClipping.GlobalNorm(g), 6);
    }

    [Fact]
    public void Norms_at_or_below_the_limit_are_left_alone()
    {
        var g = Arena(3f, 0f, 0f, 4f);
        Assert.Equal(5f, GradientClipping.ClipGlobalNorm(g, 5f));
        Assert.Equal(new[] { 3f, 0f, 0f, 4f }, g.Data);
        Assert.Equal(5f, GradientClipping.ClipGlobalNorm(g, 100f));
        Assert.Equal(new[] { 3f, 0f, 0f, 4f }, g.Data);
    }

    [Fact]
    public void Non_finite_gradients_are_reported_not_scaled()
    {
        var g = Arena(3f, float.NaN, 0f, 4f);
        Assert.True(float.IsNaN(GradientClipping.ClipGlobalNorm(g, 1f)));
        Assert.Equal(3f, g.Data[0]);
    }

    [Fact]
    public void Bad_arguments_throw()
    {
        Assert.Throws<ArgumentNullException>(() => GradientClipping.ClipGlobalNorm(null!, 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGlobalNorm(Arena(1f, 1f, 1f), 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGlobalNorm(Arena(1f, 1f, 1f), float.NaN));
    }
}
