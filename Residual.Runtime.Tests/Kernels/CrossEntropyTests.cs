using System;
using System.Linq;
using Residual.Kernels;
using Xunit;
using static Residual.Runtime.Tests.Kernels.TestData;

namespace Residual.Runtime.Tests.Kernels;

public class CrossEntropyTests
{
    // Softmax: one float32 exp per entry (a few ulps) and a float32 sum of ≤ 1000 positive terms
    // (relative error ≲ 1e-6 even with sequential accumulation); 1e-5 of the largest value is ample.
    private const double Rtol = 1e-5;

    public static TheoryData<int, int> Shapes => new()
    {
        { 1, 1 }, { 1, 3 }, { 3, 7 }, { 2, 17 }, { 4, 33 }, { 3, 64 }, { 2, 65 }, { 2, 1000 },
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Softmax_matches_scalar_reference(int rows, int vocab)
    {
        var logits = Uniform(rows * vocab, 1, -8f, 8f);
        var probs = Uniform(rows * vocab, 2);
        CrossEntropy.Softmax(probs, logits, rows, vocab);
        Close(ScalarReference.Softmax(logits, rows, vocab), probs, Rtol, "probs");
    }

    [Fact]
    public void Softmax_is_stable_for_huge_logits_and_can_run_in_place()
    {
        const int rows = 2, vocab = 19;
        var logits = Uniform(rows * vocab, 1, -8f, 8f);
        var shifted = logits.Select(v => v + 1e4f).ToArray(); // exp(1e4) overflows without the max shift
        var expected = ScalarReference.Softmax(shifted, rows, vocab);
        CrossEntropy.Softmax(shifted, shifted, rows, vocab);
        Assert.All(shifted, p => Assert.True(float.IsFinite(p)));
        Close(expected, shifted, 1e-4, "probs");
    }

    [Theory, MemberData(nameof(Shapes))]
    public void CrossEntropy_forward_matches_scalar_reference(int rows, int vocab)
    {
        var probs = new float[rows * vocab];
        CrossEntropy.Softmax(probs, Uniform(rows * vocab, 1, -8f, 8f), rows, vocab);
        var targets = Ints(rows, 3, vocab);
        var losses = Uniform(rows, 4);
        CrossEntropy.Forward(losses, probs, targets, rows, vocab);
        // -ln(p) of the same float probabilities: the only error is MathF.Log's (≤ 1 ulp-ish).
        Close(ScalarReference.CrossEntropyForward(probs, targets, rows, vocab), losses, 1e-6, "losses");
    }

    [Theory, MemberData(nameof(Shapes))]
    public void CrossEntropy_forward_from_logits_matches_double_log_sum_exp(int rows, int vocab)
    {
        var logits = Uniform(rows * vocab, 1, -8f, 8f);
        var probs = new float[rows * vocab];
        CrossEntropy.Softmax(probs, logits, rows, vocab);
        var targets = Ints(rows, 3, vocab);
        var losses = Uniform(rows, 4);
        CrossEntropy.Forward(losses, probs, logits, targets, rows, vocab);
        var expected = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double max = logits.Skip(r * vocab).Take(vocab).Max(), sum = 0;
            for (int v = 0; v < vocab; v++) sum += Math.Exp(logits[r * vocab + v] - max);
            expected[r] = max + Math.Log(sum) - logits[r * vocab + targets[r]];
        }
        Close(expected, losses, 1e-5, "losses");
    }

    [Fact]
    public void CrossEntropy_forward_from_logits_stays_finite_when_the_target_probability_underflows()
    {
        float[] logits = [0f, 120f, 3f];
        var probs = new float[3];
        CrossEntropy.Softmax(probs, logits, 1, 3);
        Assert.Equal(0f, probs[0]); // the case: exp(-120) underflows in float

        var fromProbs = new float[1];
        CrossEntropy.Forward(fromProbs, probs, [0], 1, 3);
        Assert.True(float.IsPositiveInfinity(fromProbs[0]));

        var losses = new float[1];
        CrossEntropy.Forward(losses, probs, logits, [0], 1, 3);
        Assert.Equal(120.0, losses[0], 4);
    }

    [Fact]
    public void CrossEntropy_forward_from_logits_rejects_a_short_logits_span_and_writes_nothing()
    {
        var probs = new float[6];
        CrossEntropy.Softmax(probs, Uniform(6, 1), 2, 3);
        var losses = Uniform(2, 2);
        var before = (float[])losses.Clone();
        var ex = Assert.Throws<ArgumentException>(() => CrossEntropy.Forward(losses, probs, new float[5], [0, 1], 2, 3));
        Assert.Equal("logits", ex.ParamName);
        Assert.Equal(before, losses);
    }

    [Theory, MemberData(nameof(Shapes))]
    public void CrossEntropy_backward_accumulates_scalar_reference(int rows, int vocab)
    {
        var probs = new float[rows * vocab];
        CrossEntropy.Softmax(probs, Uniform(rows * vocab, 1, -8f, 8f), rows, vocab);
        var targets = Ints(rows, 3, vocab);
        float scale = 1f / rows;
        var d = Uniform(rows * vocab, 5);
        var start = (float[])d.Clone();
        CrossEntropy.Backward(d, probs, targets, scale, rows, vocab);
        Close(Plus(start, ScalarReference.CrossEntropyBackward(probs, targets, scale, rows, vocab)), d, 1e-6, "dLogits");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(2, 33)]
    [InlineData(2, 64)]
    public void CrossEntropy_backward_matches_finite_differences_of_softmax_then_forward(int rows, int vocab)
    {
        // L = scale·Σ_r losses[r] (scale plays the role of R); dL/dlogits is what Backward returns.
        var logits = Uniform(rows * vocab, 1, -3f, 3f);
        var targets = Ints(rows, 3, vocab);
        const float scale = 0.7f;
        var probs = new float[rows * vocab];
        var losses = new float[rows];
        var r = Enumerable.Repeat(scale, rows).ToArray();
        float[] Forward()
        {
            CrossEntropy.Softmax(probs, logits, rows, vocab);
            CrossEntropy.Forward(losses, probs, targets, rows, vocab);
            return losses;
        }
        Forward();
        var d = new float[rows * vocab];
        CrossEntropy.Backward(d, probs, targets, scale, rows, vocab);
        GradCheck.Check("dLogits", logits, d, Forward, r, samples: 48);
    }

    [Fact]
    public void CrossEntropy_backward_called_twice_doubles_the_gradient()
    {
        const int rows = 3, vocab = 21;
        var probs = new float[rows * vocab];
        CrossEntropy.Softmax(probs, Uniform(rows * vocab, 1, -8f, 8f), rows, vocab);
        var targets = Ints(rows, 3, vocab);
        var once = new float[probs.Length];
        var twice = new float[probs.Length];
        CrossEntropy.Backward(once, probs, targets, 0.25f, rows, vocab);
        CrossEntropy.Backward(twice, probs, targets, 0.25f, rows, vocab);
        CrossEntropy.Backward(twice, probs, targets, 0.25f, rows, vocab);
        Close(Twice(once), twice, 1e-7, "dLogits");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(7)]
    public void CrossEntropy_rejects_a_target_outside_the_vocabulary_and_writes_nothing(int bad)
    {
        const int rows = 3, vocab = 7;
        var probs = new float[rows * vocab];
        CrossEntropy.Softmax(probs, Uniform(rows * vocab, 1), rows, vocab);
        int[] targets = [0, bad, 6];

        var losses = Uniform(rows, 2);
        var losses0 = (float[])losses.Clone();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => CrossEntropy.Forward(losses, probs, targets, rows, vocab));
        Assert.Equal("targets", ex.ParamName);
        Assert.Contains($"targets[1] = {bad}", ex.Message);
        Assert.Equal(losses0, losses);

        var d = Uniform(rows * vocab, 3);
        var d0 = (float[])d.Clone();
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => CrossEntropy.Backward(d, probs, targets, 1f, rows, vocab));
        Assert.Equal("targets", ex.ParamName);
        Assert.Equal(d0, d);
    }
}
