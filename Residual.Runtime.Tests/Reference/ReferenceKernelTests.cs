using System;
using System.Linq;
using Residual.Reference;
using Xunit;
using static Residual.Runtime.Tests.Reference.FiniteDifferences;

namespace Residual.Runtime.Tests.Reference;

/// <summary>
/// Every reference kernel's backward pass against central finite differences of its forward pass,
/// with the scalar loss <c>L = Σ output·R</c> for a fixed random <c>R</c>. Gradient buffers start
/// filled with random values, so the checks also prove that backward passes accumulate.
/// </summary>
public class ReferenceKernelTests
{
    /// <summary>(batch, time, width): B = 1 and 2, T = 1 and T &gt; 1, odd widths.</summary>
    public static TheoryData<int, int, int> Sizes => new()
    {
        { 1, 1, 5 },
        { 1, 3, 7 },
        { 2, 1, 5 },
        { 2, 4, 7 },
    };

    /// <summary>(batch, time, width, heads): one head, one column per head, and three columns per head.</summary>
    public static TheoryData<int, int, int, int> AttentionSizes => new()
    {
        { 1, 1, 5, 1 },
        { 1, 4, 5, 5 },
        { 2, 3, 7, 1 },
        { 2, 4, 9, 3 },
    };

    private static Rng RngFor(int batch, int time, int width, int salt = 0) => new((ulong)(salt * 100_000 + batch * 1000 + time * 10 + width));

    /// <summary>A gradient buffer that starts with random contents; <see cref="Delta"/> is what a backward pass added.</summary>
    private sealed class Accumulating
    {
        private readonly double[] _prior;

        public Accumulating(Rng rng, int count)
        {
            _prior = Normal(rng, count);
            Buffer = (double[])_prior.Clone();
        }

        public double[] Buffer { get; }

        public double[] Delta => Buffer.Select((v, i) => v - _prior[i]).ToArray();
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void MatMul_backward_matches_finite_differences_for_input_weight_and_bias(int batch, int time, int width)
    {
        var rng = RngFor(batch, time, width);
        int rows = batch * time, outF = 3;
        var input = Normal(rng, rows * width);
        var weight = Normal(rng, outF * width);
        var bias = Normal(rng, outF);
        var r = Normal(rng, rows * outF);
        double Loss()
        {
            var output = new double[rows * outF];
            ReferenceKernels.MatMulForward(output, input, weight, bias, rows, width, outF);
            return Dot(output, r);
        }

        var dInput = new Accumulating(rng, input.Length);
        var dWeight = new Accumulating(rng, weight.Length);
        var dBias = new Accumulating(rng, bias.Length);
        ReferenceKernels.MatMulBackwardInput(dInput.Buffer, r, weight, rows, width, outF);
        ReferenceKernels.MatMulBackwardWeight(dWeight.Buffer, r, input, rows, width, outF);
        ReferenceKernels.MatMulBackwardBias(dBias.Buffer, r, rows, outF);

        Check("input", Loss, input, dInput.Delta);
        Check("weight", Loss, weight, dWeight.Delta);
        Check("bias", Loss, bias, dBias.Delta);
    }

    [Fact]
    public void MatMul_forward_computes_input_times_weight_transposed_plus_bias_and_treats_empty_bias_as_none()
    {
        // input [2, 3], weight [2 out, 3 in].
        double[] input = [1, 2, 3, 4, 5, 6];
        double[] weight = [1, 0, -1, 0.5, 0.5, 0.5];
        double[] bias = [10, 20];
        var output = new double[4];
        ReferenceKernels.MatMulForward(output, input, weight, bias, 2, 3, 2);
        Assert.Equal(new double[] { 10 - 2, 20 + 3, 10 - 2, 20 + 7.5 }, output);
        ReferenceKernels.MatMulForward(output, input, weight, ReadOnlySpan<double>.Empty, 2, 3, 2);
        Assert.Equal(new double[] { -2, 3, -2, 7.5 }, output);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void LayerNorm_backward_matches_finite_differences_for_input_weight_and_bias(int batch, int time, int width)
    {
        var rng = RngFor(batch, time, width, 1);
        int rows = batch * time;
        var input = Normal(rng, rows * width, 2.0);
        var weight = Normal(rng, width);
        var bias = Normal(rng, width);
        var r = Normal(rng, rows * width);
        var mean = new double[rows];
        var rstd = new double[rows];
        double Loss()
        {
            var output = new double[rows * width];
            ReferenceKernels.LayerNormForward(output, new double[rows], new double[rows], input, weight, bias, rows, width);
            return Dot(output, r);
        }

        ReferenceKernels.LayerNormForward(new double[rows * width], mean, rstd, input, weight, bias, rows, width);
        var dInput = new Accumulating(rng, input.Length);
        var dWeight = new Accumulating(rng, width);
        var dBias = new Accumulating(rng, width);
        ReferenceKernels.LayerNormBackward(dInput.Buffer, dWeight.Buffer, dBias.Buffer, r, input, weight, mean, rstd, rows, width);

        Check("input", Loss, input, dInput.Delta);
        Check("weight", Loss, weight, dWeight.Delta);
        Check("bias", Loss, bias, dBias.Delta);
    }

    [Fact]
    public void LayerNorm_forward_centres_and_scales_each_row_and_may_run_in_place()
    {
        double[] x = [1, 2, 3, 4, 10, 10, 10, 13];
        double[] ones = [1, 1, 1, 1], zeros = [0, 0, 0, 0];
        var mean = new double[2];
        var rstd = new double[2];
        var y = (double[])x.Clone();
        ReferenceKernels.LayerNormForward(y, mean, rstd, y, ones, zeros, 2, 4);
        Assert.Equal(new[] { 2.5, 10.75 }, mean);
        Assert.Equal(1 / Math.Sqrt(1.25 + 1e-5), rstd[0], 15);
        Assert.Equal(1 / Math.Sqrt(1.6875 + 1e-5), rstd[1], 15);
        for (int r = 0; r < 2; r++)
        {
            var row = y.AsSpan(r * 4, 4).ToArray();
            Assert.Equal(0, row.Average(), 12);
            Assert.Equal(1, row.Select(v => v * v).Average(), 4); // ε makes the variance slightly below one
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void RmsNorm_backward_matches_finite_differences_for_input_and_weight(int batch, int time, int width)
    {
        var rng = RngFor(batch, time, width, 2);
        int rows = batch * time;
        var input = Normal(rng, rows * width, 2.0);
        var weight = Normal(rng, width);
        var r = Normal(rng, rows * width);
        double Loss()
        {
            var output = new double[rows * width];
            ReferenceKernels.RmsNormForward(output, new double[rows], input, weight, rows, width);
            return Dot(output, r);
        }

        var rstd = new double[rows];
        ReferenceKernels.RmsNormForward(new double[rows * width], rstd, input, weight, rows, width);
        var dInput = new Accumulating(rng, input.Length);
        var dWeight = new Accumulating(rng, width);
        ReferenceKernels.RmsNormBackward(dInput.Buffer, dWeight.Buffer, r, input, weight, rstd, rows, width);

        Check("input", Loss, input, dInput.Delta);
        Check("weight", Loss, weight, dWeight.Delta);
    }

    [Fact]
    public void RmsNorm_forward_divides_by_root_mean_square_without_centring()
    {
        double[] x = [3, 4];
        var y = new double[2];
        var rstd = new double[1];
        ReferenceKernels.RmsNormForward(y, rstd, x, [1, 2], 1, 2);
        double s = 1 / Math.Sqrt(12.5 + 1e-5);
        Assert.Equal(s, rstd[0], 15);
        Assert.Equal(3 * s, y[0], 15);
        Assert.Equal(8 * s, y[1], 15);
    }

    [Theory]
    [MemberData(nameof(AttentionSizes))]
    public void Attention_backward_matches_finite_differences_for_qkv_whatever_the_scratch_holds(int batch, int time, int width, int heads)
    {
        var rng = RngFor(batch, time, width, 3 + heads);
        var qkv = Normal(rng, batch * time * 3 * width);
        var r = Normal(rng, batch * time * width);
        int attLength = batch * heads * time * time;
        double Loss()
        {
            var output = new double[batch * time * width];
            ReferenceKernels.AttentionForward(output, new double[attLength], qkv, batch, time, width, heads);
            return Dot(output, r);
        }

        var att = new double[attLength];
        ReferenceKernels.AttentionForward(new double[batch * time * width], att, qkv, batch, time, width, heads);
        var scratch = Enumerable.Repeat(double.NaN, attLength).ToArray();
        var dQkv = new Accumulating(rng, qkv.Length);
        ReferenceKernels.AttentionBackward(dQkv.Buffer, scratch, r, qkv, att, batch, time, width, heads);

        Check("qkv", Loss, qkv, dQkv.Delta);
        AssertNonTrivial("qkv", dQkv.Delta);
    }

    [Fact]
    public void Attention_forward_is_causal_and_each_row_of_probabilities_sums_to_one()
    {
        const int batch = 2, time = 4, width = 6, heads = 2;
        var rng = new Rng(17);
        var qkv = Normal(rng, batch * time * 3 * width);
        var att = new double[batch * heads * time * time];
        var output = new double[batch * time * width];
        ReferenceKernels.AttentionForward(output, att, qkv, batch, time, width, heads);
        for (int row = 0; row < batch * heads * time; row++)
        {
            int t = row % time;
            var p = att.AsSpan(row * time, time);
            for (int t2 = t + 1; t2 < time; t2++) Assert.Equal(0.0, p[t2]);
            Assert.Equal(1.0, p.ToArray().Sum(), 14);
        }

        // The first position attends only to itself: its output is its own value vector.
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < width; i++)
                Assert.Equal(qkv[b * time * 3 * width + 2 * width + i], output[b * time * width + i], 15);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Gelu_backward_matches_finite_differences(int batch, int time, int width)
    {
        var rng = RngFor(batch, time, width, 4);
        var input = Normal(rng, batch * time * width, 2.0);
        var r = Normal(rng, input.Length);
        double Loss()
        {
            var output = new double[input.Length];
            ReferenceKernels.GeluForward(output, input);
            return Dot(output, r);
        }

        var dInput = new Accumulating(rng, input.Length);
        ReferenceKernels.GeluBackward(dInput.Buffer, r, input);
        Check("input", Loss, input, dInput.Delta);
    }

    [Fact]
    public void Gelu_forward_uses_the_tanh_approximation()
    {
        var y = new double[3];
        ReferenceKernels.GeluForward(y, [0.0, 1.0, -2.0]);
        Assert.Equal(0.0, y[0]);
        Assert.Equal(0.5 * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * 1.044715)), y[1], 15);
        Assert.Equal(-(1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * -2.35772)), y[2], 15);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Relu_backward_matches_finite_differences_away_from_the_kink(int batch, int time, int width)
    {
        var rng = RngFor(batch, time, width, 5);
        // Keep inputs well away from 0, where ReLU is not differentiable and a difference quotient straddles the kink.
        var input = Normal(rng, batch * time * width).Select(v => Math.Abs(v) < 1e-2 ? v + 0.5 : v).ToArray();
        var r = Normal(rng, input.Length);
        double Loss()
        {
            var output = new double[input.Length];
            ReferenceKernels.ReluForward(output, input);
            return Dot(output, r);
        }

        var dInput = new Accumulating(rng, input.Length);
        ReferenceKernels.ReluBackward(dInput.Buffer, r, input);
        Check("input", Loss, input, dInput.Delta);
    }

    [Fact]
    public void Relu_derivative_is_zero_at_and_below_zero()
    {
        var d = new double[3];
        ReferenceKernels.ReluBackward(d, [5.0, 5.0, 5.0], [-1.0, 0.0, 1e-300]);
        Assert.Equal(new[] { 0.0, 0.0, 5.0 }, d);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Embedding_backward_matches_finite_differences_with_repeated_tokens_and_a_longer_position_table(int batch, int time, int width)
    {
        var rng = RngFor(batch, time, width, 6);
        const int vocab = 3;
        int context = time + 2; // the whole table is passed; rows past `time` get no gradient
        var tokens = Enumerable.Range(0, batch * time).Select(_ => rng.NextInt(vocab)).ToArray();
        var wte = Normal(rng, vocab * width);
        var wpe = Normal(rng, context * width);
        var r = Normal(rng, batch * time * width);
        double Loss()
        {
            var output = new double[batch * time * width];
            ReferenceKernels.EmbeddingForward(output, tokens, wte, wpe, batch, time, width);
            return Dot(output, r);
        }

        var dWte = new Accumulating(rng, wte.Length);
        var dWpe = new Accumulating(rng, wpe.Length);
        ReferenceKernels.EmbeddingBackward(dWte.Buffer, dWpe.Buffer, r, tokens, batch, time, width);

        Check("wte", Loss, wte, dWte.Delta);
        Check("wpe", Loss, wpe, dWpe.Delta);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void CrossEntropy_backward_matches_finite_differences_of_scaled_softmax_cross_entropy(int batch, int time, int width)
    {
        var rng = RngFor(batch, time, width, 7);
        int rows = batch * time, vocab = width;
        var logits = Normal(rng, rows * vocab, 2.0);
        var targets = Enumerable.Range(0, rows).Select(_ => rng.NextInt(vocab)).ToArray();
        double scale = 1.0 / rows + 0.25;
        double Loss()
        {
            var probs = new double[rows * vocab];
            var losses = new double[rows];
            ReferenceKernels.SoftmaxForward(probs, logits, rows, vocab);
            ReferenceKernels.CrossEntropyForward(losses, probs, targets, rows, vocab);
            return scale * losses.Sum();
        }

        var p = new double[rows * vocab];
        ReferenceKernels.SoftmaxForward(p, logits, rows, vocab);
        var dLogits = new Accumulating(rng, logits.Length);
        ReferenceKernels.CrossEntropyBackward(dLogits.Buffer, p, targets, scale, rows, vocab);
        Check("logits", Loss, logits, dLogits.Delta);
    }

    [Fact]
    public void Softmax_rows_sum_to_one_and_cross_entropy_is_minus_log_probability_of_the_target()
    {
        double[] logits = [1000, 1001, 1002, 0, 0, 0];
        var probs = new double[6];
        ReferenceKernels.SoftmaxForward(probs, logits, 2, 3);
        Assert.Equal(1.0, probs[0] + probs[1] + probs[2], 15);
        Assert.Equal(1.0 / 3, probs[4], 15);
        var losses = new double[2];
        ReferenceKernels.CrossEntropyForward(losses, probs, [2, 1], 2, 3);
        Assert.Equal(-Math.Log(probs[2]), losses[0]);
        Assert.Equal(Math.Log(3), losses[1], 14);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Residual_backward_matches_finite_differences_for_both_paths(int batch, int time, int width)
    {
        var rng = RngFor(batch, time, width, 8);
        const double alpha = 1.3, scale = -0.7;
        var x = Normal(rng, batch * time * width);
        var branch = Normal(rng, x.Length);
        var r = Normal(rng, x.Length);
        double Loss()
        {
            var output = new double[x.Length];
            ReferenceKernels.ResidualForward(output, x, branch, alpha, scale);
            return Dot(output, r);
        }

        var dX = new Accumulating(rng, x.Length);
        var dBranch = new Accumulating(rng, x.Length);
        ReferenceKernels.ResidualBackward(dX.Buffer, dBranch.Buffer, r, alpha, scale);
        Check("x", Loss, x, dX.Delta);
        Check("branch", Loss, branch, dBranch.Delta);
    }

    [Fact]
    public void Wrong_span_length_names_the_argument_the_expected_and_the_actual_length()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            ReferenceKernels.MatMulForward(new double[5], new double[6], new double[6], ReadOnlySpan<double>.Empty, 2, 3, 2));
        Assert.Equal("output", e.ParamName);
        Assert.Contains("length 5", e.Message);
        Assert.Contains("expected 4", e.Message);

        var b = Assert.Throws<ArgumentException>(() =>
            ReferenceKernels.MatMulForward(new double[4], new double[6], new double[6], new double[3], 2, 3, 2));
        Assert.Equal("bias", b.ParamName);
    }

    [Fact]
    public void Attention_rejects_heads_that_do_not_divide_the_width()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            ReferenceKernels.AttentionForward(new double[7], new double[2], new double[21], 1, 1, 7, 2));
        Assert.Equal("heads", e.ParamName);
    }

    [Fact]
    public void Token_and_target_ids_outside_the_vocabulary_are_rejected_with_their_position()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ReferenceKernels.EmbeddingForward(new double[4], [0, 2], new double[4], new double[4], 1, 2, 2));
        Assert.Equal("tokens", e.ParamName);
        Assert.Contains("tokens[1] = 2", e.Message);

        var t = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ReferenceKernels.CrossEntropyForward(new double[1], new double[3], [-1], 1, 3));
        Assert.Equal("targets", t.ParamName);
    }
}
