using System;
using Residual;
using Residual.Training;
using Xunit;

namespace Residual.Runtime.Tests.Training;

public class OptimizerTests
{
    // A two-tensor arena: "w" is a [1, 2] matrix (decayed), "b" a [2] vector (never decayed).
    // Both start at (1, -0.5) and get the same gradients, so any difference between them is weight decay.
    private static (ParameterArena Parameters, ParameterArena Gradients) TinyArenas()
    {
        TensorInfo[] layout =
        [
            new("w", 0, [1, 2], ParameterInit.Normal),
            new("b", 2, [2], ParameterInit.Zeros),
        ];
        var parameters = new ParameterArena(layout);
        float[] start = [1f, -0.5f, 1f, -0.5f];
        start.CopyTo(parameters.Data, 0);
        return (parameters, new ParameterArena(layout));
    }

    // Per step: the gradient of the first float of each tensor, then of the second.
    private static readonly float[][] Gradients3 = [[1f, -0.5f], [-1f, -0.5f], [2f, -0.5f]];

    private static void SetGradients(ParameterArena gradients, float[] step)
    {
        gradients["w"][0] = step[0]; gradients["w"][1] = step[1];
        gradients["b"][0] = step[0]; gradients["b"][1] = step[1];
    }

    private static void AssertClose(float expected, float actual) => Assert.Equal(expected, actual, 2e-6f);

    [Fact]
    public void AdamW_matches_hand_computed_steps_with_bias_correction_and_decay_only_on_matrices()
    {
        var (p, g) = TinyArenas();
        var adam = new AdamW(p, g, new AdamWOptions { LearningRate = 0.1f, Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f, WeightDecay = 0.5f });

        // Step 1. m = 0.1·g, v = 0.001·g²; bias correction divides by 0.1 and 0.001, so m̂ = g, v̂ = g² and the
        // update is lr·g/|g| = ±0.1. Decay first scales w by 1 − lr·λ = 0.95.
        //   b = (1 − 0.1, −0.5 + 0.1) = (0.9, −0.4);  w = (0.95 − 0.1, −0.475 + 0.1) = (0.85, −0.375)
        SetGradients(g, Gradients3[0]);
        adam.Step();
        Assert.Equal(1, adam.StepCount);
        AssertClose(0.9f, p["b"][0]); AssertClose(-0.4f, p["b"][1]);
        AssertClose(0.85f, p["w"][0]); AssertClose(-0.375f, p["w"][1]);

        // Step 2, first float: g = −1. m = 0.9·0.1 − 0.1 = −0.01, m̂ = −0.01/(1 − 0.81) = −0.0526316;
        // v = 0.999·0.001 + 0.001 = 0.001999, v̂ = 0.001999/(1 − 0.999²) = 1; update = −0.00526316.
        //   b0 = 0.9 + 0.00526316 = 0.90526316;  w0 = 0.85·0.95 + 0.00526316 = 0.81276316
        // Second float: the gradient is constant, so m̂ = g and v̂ = g² again: another +0.1.
        //   b1 = −0.3;  w1 = −0.375·0.95 + 0.1 = −0.25625
        SetGradients(g, Gradients3[1]);
        adam.Step();
        AssertClose(0.90526316f, p["b"][0]); AssertClose(-0.3f, p["b"][1]);
        AssertClose(0.81276316f, p["w"][0]); AssertClose(-0.25625f, p["w"][1]);

        // Step 3, first float: g = 2. m = 0.9·(−0.01) + 0.2 = 0.191, m̂ = 0.191/(1 − 0.729) = 0.70479705;
        // v = 0.999·0.001999 + 0.004 = 0.005997001, v̂ = 0.005997001/(1 − 0.999³) = 2.0010007, √v̂ = 1.4145673;
        // update = −0.1·0.70479705/1.4145673 = −0.04982421.
        //   b0 = 0.90526316 − 0.04982421 = 0.85543894;  w0 = 0.81276316·0.95 − 0.04982421 = 0.72230079
        //   b1 = −0.2;  w1 = −0.25625·0.95 + 0.1 = −0.14343750
        SetGradients(g, Gradients3[2]);
        adam.Step();
        Assert.Equal(3, adam.StepCount);
        AssertClose(0.85543894f, p["b"][0]); AssertClose(-0.2f, p["b"][1]);
        AssertClose(0.72230079f, p["w"][0]); AssertClose(-0.1434375f, p["w"][1]);
    }

    [Fact]
    public void AdamW_step_with_explicit_rate_uses_that_rate()
    {
        var (p, g) = TinyArenas();
        var adam = new AdamW(p, g, new AdamWOptions { LearningRate = 0.1f, WeightDecay = 0f });
        SetGradients(g, Gradients3[0]);
        adam.Step(0.01f);
        // First step moves by the learning rate against the gradient's sign.
        AssertClose(0.99f, p["b"][0]);
        AssertClose(-0.49f, p["w"][1]);
    }

    [Fact]
    public void Sgd_with_momentum_and_weight_decay_matches_hand_computed_steps()
    {
        var (p, g) = TinyArenas();
        var sgd = new Sgd(p, g, new SgdOptions { LearningRate = 0.1f, Momentum = 0.9f, WeightDecay = 0.5f });

        // w0 (decayed, d = g + 0.5·p):
        //   1: d = 1 + 0.5 = 1.5,             buf = 1.5,                p = 1 − 0.15 = 0.85
        //   2: d = −1 + 0.425 = −0.575,       buf = 1.35 − 0.575 = 0.775, p = 0.85 − 0.0775 = 0.7725
        //   3: d = 2 + 0.38625 = 2.38625,     buf = 0.6975 + 2.38625 = 3.08375, p = 0.7725 − 0.308375 = 0.464125
        // b0 (not decayed, d = g):
        //   1: buf = 1,    p = 0.9
        //   2: buf = −0.1, p = 0.91
        //   3: buf = 1.91, p = 0.719
        // w1, b1: g = −0.5 every step.
        //   w1 1: d = −0.75, buf = −0.75, p = −0.425;  2: d = −0.7125, buf = −1.3875, p = −0.28625
        //      3: d = −0.643125, buf = −1.891875, p = −0.0970625
        //   b1 1: buf = −0.5, p = −0.45;  2: buf = −0.95, p = −0.355;  3: buf = −1.355, p = −0.2195
        float[][] w0b0w1b1 =
        [
            [0.85f, 0.9f, -0.425f, -0.45f],
            [0.7725f, 0.91f, -0.28625f, -0.355f],
            [0.464125f, 0.719f, -0.0970625f, -0.2195f],
        ];
        for (int step = 0; step < 3; step++)
        {
            SetGradients(g, Gradients3[step]);
            sgd.Step();
            AssertClose(w0b0w1b1[step][0], p["w"][0]);
            AssertClose(w0b0w1b1[step][1], p["b"][0]);
            AssertClose(w0b0w1b1[step][2], p["w"][1]);
            AssertClose(w0b0w1b1[step][3], p["b"][1]);
        }
        Assert.Equal(3, sgd.StepCount);
    }

    [Fact]
    public void Plain_sgd_subtracts_rate_times_gradient()
    {
        var (p, g) = TinyArenas();
        var sgd = new Sgd(p, g, new SgdOptions { LearningRate = 0.5f });
        SetGradients(g, Gradients3[2]);
        sgd.Step();
        Assert.Equal(new[] { 0f, -0.25f, 0f, -0.25f }, p.Data);
        Assert.True(sgd.Velocity.IsEmpty);
    }

    [Fact]
    public void Optimizers_are_deterministic_and_do_not_allocate_while_stepping()
    {
        TensorInfo[] layout = [new("a", 0, [7, 5], ParameterInit.Normal), new("b", 35, [5], ParameterInit.Zeros), new("c", 40, [], ParameterInit.Constant, 1f)];
        float[] Run(Func<ParameterArena, ParameterArena, Optimizer> create)
        {
            var p = new ParameterArena(layout);
            var g = new ParameterArena(layout);
            Initializer.Initialize(p, new ModelOptions { Seed = 3 }, 1);
            var optimizer = create(p, g);
            var rng = new Rng(11);
            for (int step = 0; step < 5; step++)
            {
                for (int i = 0; i < g.Count; i++) g.Data[i] = (float)rng.NextNormal();
                long before = GC.GetAllocatedBytesForCurrentThread();
                optimizer.Step(1e-2f);
                if (step > 0) Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
            }
            return p.Data;
        }

        Func<ParameterArena, ParameterArena, Optimizer> adam = (p, g) => new AdamW(p, g, new AdamWOptions { WeightDecay = 0.1f });
        Func<ParameterArena, ParameterArena, Optimizer> sgd = (p, g) => new Sgd(p, g, new SgdOptions { Momentum = 0.9f, WeightDecay = 0.1f });
        Assert.Equal(Run(adam), Run(adam));
        Assert.Equal(Run(sgd), Run(sgd));
        Assert.NotEqual(Run(adam), Run(sgd));
    }

    [Fact]
    public void Only_tensors_with_two_or_more_dimensions_are_decayed()
    {
        Assert.True(Optimizer.IsDecayed(new TensorInfo("wte.weight", 0, [65, 64], ParameterInit.Normal)));
        Assert.False(Optimizer.IsDecayed(new TensorInfo("h.0.ln_1.weight", 0, [64], ParameterInit.Ones)));
        Assert.False(Optimizer.IsDecayed(new TensorInfo("h.0.attn.scale", 0, [], ParameterInit.Constant, 0f)));

        // With a zero gradient, AdamW moves only the decayed tensor.
        TensorInfo[] layout = [new("w", 0, [2, 1], ParameterInit.Normal), new("s", 2, [1], ParameterInit.Constant)];
        var p = new ParameterArena(layout);
        p.Data.AsSpan().Fill(2f);
        new AdamW(p, new ParameterArena(layout), new AdamWOptions { LearningRate = 0.1f, WeightDecay = 1f }).Step();
        Assert.Equal(new[] { 1.8f, 1.8f, 2f }, p.Data);
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_clear_messages()
    {
        var (p, g) = TinyArenas();
        var other = new ParameterArena([new TensorInfo("w", 0, [3], ParameterInit.Zeros)]);
        var renamed = new ParameterArena([new TensorInfo("w", 0, [1, 2], ParameterInit.Zeros), new TensorInfo("bias", 2, [2], ParameterInit.Zeros)]);

        Assert.Throws<ArgumentNullException>(() => new AdamW(null!, g));
        Assert.Throws<ArgumentNullException>(() => new Sgd(p, null!));
        var sizes = Assert.Throws<ArgumentException>(() => new AdamW(p, other));
        Assert.Contains("3 floats", sizes.Message);
        Assert.Contains("4", sizes.Message);
        var layout = Assert.Throws<ArgumentException>(() => new Sgd(p, renamed));
        Assert.Contains("'bias'", layout.Message);
        Assert.Throws<ArgumentException>(() => new AdamW(p, p));

        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(p, g, new AdamWOptions { LearningRate = 0f }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(p, g, new AdamWOptions { LearningRate = float.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(p, g, new AdamWOptions { Beta1 = 1f }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(p, g, new AdamWOptions { Beta2 = -0.1f }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(p, g, new AdamWOptions { Epsilon = 0f }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(p, g, new AdamWOptions { WeightDecay = -1f }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(p, g, new SgdOptions { LearningRate = -1f }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(p, g, new SgdOptions { Momentum = 1f }));

        var adam = new AdamW(p, g);
        var rate = Assert.Throws<ArgumentOutOfRangeException>(() => adam.Step(0f));
        Assert.Equal("learningRate", rate.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.Step(float.PositiveInfinity));
        Assert.Equal(0, adam.StepCount);
        Assert.Equal(new[] { 1f, -0.5f, 1f, -0.5f }, p.Data);
    }
}
