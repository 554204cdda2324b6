using System;
using Residual;
using Xunit;

namespace Residual.Runtime.Tests.Parameters;

public class InitializerTests
{
    private static ParameterArena Arena() => new([
        new TensorInfo("w", 0, [4, 3], ParameterInit.Normal),
        new TensorInfo("proj", 12, [3, 3], ParameterInit.ResidualOutput),
        new TensorInfo("b", 21, [3], ParameterInit.Ones),
    ]);

    [Fact]
    public void Same_seed_gives_the_same_weights_and_zero_output_init_clears_only_the_projection()
    {
        var a = Arena();
        var b = Arena();
        Initializer.Initialize(a, new ModelOptions { Seed = 7, OutputInit = OutputInit.Zero }, layers: 2);
        Initializer.Initialize(b, new ModelOptions { Seed = 7, OutputInit = OutputInit.Zero }, layers: 2);
        Assert.Equal(a.Data, b.Data);
        Assert.All(a["proj"].ToArray(), x => Assert.Equal(0f, x));
        Assert.Contains(a["w"].ToArray(), x => x != 0f);
        Assert.All(a["b"].ToArray(), x => Assert.Equal(1f, x));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(-0.02f)]
    [InlineData(float.PositiveInfinity)]
    public void A_bad_standard_deviation_is_refused_before_anything_is_written(float std)
    {
        var arena = Arena();
        arena.Data.AsSpan().Fill(5f);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Initializer.Initialize(arena, new ModelOptions { InitStd = std }, layers: 2));
        Assert.Contains("InitStd", ex.Message);
        Assert.All(arena.Data, x => Assert.Equal(5f, x));
    }

    [Fact]
    public void An_unknown_output_init_is_refused_before_anything_is_written()
    {
        var arena = Arena();
        arena.Data.AsSpan().Fill(5f);
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializer.Initialize(arena, new ModelOptions { OutputInit = (OutputInit)9 }, layers: 2));
        Assert.All(arena.Data, x => Assert.Equal(5f, x));
    }
}
