using System;
using Residual.Kernels;
using Xunit;
using static Residual.Runtime.Tests.Kernels.TestData;

namespace Residual.Runtime.Tests.Kernels;

public class CausalAttentionTests
{
    // Scores are float32 dot products over hs ≤ 32 terms, exp is accurate to a few ulps, and outputs are
    // convex combinations of values in [-1, 1]: errors are ~1e-6 of the largest value, well under 1e-4.
    private const double Rtol = 1e-4;

    public static TheoryData<int, int, int, int> Shapes => new()
    {
        { 1, 1, 1, 1 },     // B = 1, T = 1, one head of size 1
        { 1, 5, 3, 1 },
        { 2, 1, 6, 2 },     // T = 1
        { 2, 7, 12, 3 },    // hs = 4
        { 2, 9, 34, 2 },    // hs = 17
        { 1, 6, 21, 3 },    // hs = 7
        { 1, 17, 64, 4 },   // hs = 16
        { 2, 5, 96, 3 },    // hs = 32
        { 1, 6, 160, 2 },   // hs = 80: four 16-lane vectors plus one
        { 2, 100, 24, 2 },  // three tiles of 48 query rows, the last one ragged
        { 1, 97, 64, 1 },   // hs = 64, tiles of 48, 48 and 1 rows
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Attention_forward_matches_scalar_reference(int batch, int time, int width, int heads)
    {
        var qkv = Uniform(batch * time * 3 * width, 1, -2f, 2f);
        var y = Uniform(batch * time * width, 2);
        var att = Uniform(batch * heads * time * time, 3); // garbage, including above the diagonal
        CausalAttention.Forward(y, att, qkv, batch, time, width, heads);
        var expected = ScalarReference.AttentionForward(qkv, batch, time, width, heads);
        Close(expected.Output, y, Rtol, "output");
        Close(expected.Att, att, Rtol, "att");
    }

    [Theory, MemberData(nameof(Shapes))]
    public void Attention_forward_writes_zero_above_the_diagonal_and_rows_that_sum_to_one(int batch, int time, int width, int heads)
    {
        var qkv = Uniform(batch * time * 3 * width, 1, -2f, 2f);
        var att = Uniform(batch * heads * time * time, 3);
        CausalAttention.Forward(new float[batch * time * width], att, qkv, batch, time, width, heads);
        for (int row = 0; row < batch * heads * time; row++)
        {
            int t = row % time;
            double sum = 0;
            for (int t2 = 0; t2 < time; t2++)
            {
                float a = att[row * time + t2];
                if (t2 > t) Assert.Equal(0f, a);
                else Assert.InRange(a, 0f, 1f);
                sum += a;
            }
            Assert.Equal(1.0, sum, 1e-5);
        }
    }

    [Theory, MemberData(nameof(Shapes))]
    public void Attention_backward_accumulates_scalar_reference(int batch, int time, int width, int heads)
    {
        var qkv = Uniform(batch * time * 3 * width, 1, -2f, 2f);
        var dy = Uniform(batch * time * width, 4);
        var y = new float[batch * time * width];
        var att = new float[batch * heads * time * time];
        CausalAttention.Forward(y, att, qkv, batch, time, width, heads);
        var dqkv = Uniform(qkv.Length, 5);
        var start = (float[])dqkv.Clone();
        var scratch = Uniform(att.Length, 6); // contents on entry must not matter

        CausalAttention.Backward(dqkv, scratch, dy, qkv, att, batch, time, width, heads);

        Close(Plus(start, ScalarReference.AttentionBackward(dy, qkv, batch, time, width, heads)), dqkv, Rtol, "dQkv");
    }

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(1, 5, 3, 1)]
    [InlineData(2, 7, 12, 3)]
    [InlineData(1, 6, 34, 2)]
    [InlineData(1, 4, 64, 2)]
    public void Attention_backward_matches_finite_differences_of_forward(int batch, int time, int width, int heads)
    {
        var qkv = Uniform(batch * time * 3 * width, 1, -2f, 2f);
        var r = Uniform(batch * time * width, 7);
        var y = new float[batch * time * width];
        var att = new float[batch * heads * time * time];
        float[] Forward() { CausalAttention.Forward(y, att, qkv, batch, time, width, heads); return y; }
        Forward();
        var dqkv = new float[qkv.Length];
        CausalAttention.Backward(dqkv, new float[att.Length], r, qkv, att, batch, time, width, heads);
        GradCheck.Check("dQkv", qkv, dqkv, Forward, r, samples: 48);
    }

    [Fact]
    public void Attention_backward_called_twice_doubles_the_gradient()
    {
        const int batch = 2, time = 5, width = 12, heads = 3;
        var qkv = Uniform(batch * time * 3 * width, 1, -2f, 2f);
        var dy = Uniform(batch * time * width, 4);
        var att = new float[batch * heads * time * time];
        CausalAttention.Forward(new float[batch * time * width], att, qkv, batch, time, width, heads);
        var once = new float[qkv.Length];
        var twice = new float[qkv.Length];
        CausalAttention.Backward(once, new float[att.Length], dy, qkv, att, batch, time, width, heads);
        CausalAttention.Backward(twice, new float[att.Length], dy, qkv, att, batch, time, width, heads);
        CausalAttention.Backward(twice, new float[att.Length], dy, qkv, att, batch, time, width, heads);
        Close(Twice(once), twice, 1e-6, "dQkv");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(6)]
    public void Attention_output_before_a_changed_token_is_unchanged(int changed)
    {
        const int batch = 2, time = 7, width = 12, heads = 3;
        var qkv = Uniform(batch * time * 3 * width, 1, -2f, 2f);
        var y1 = new float[batch * time * width];
        var att1 = new float[batch * heads * time * time];
        CausalAttention.Forward(y1, att1, qkv, batch, time, width, heads);

        // Replace q, k and v of token `changed` in batch 1.
        var other = Uniform(3 * width, 42, -2f, 2f);
        other.CopyTo(qkv, (1 * time + changed) * 3 * width);
        var y2 = new float[y1.Length];
        var att2 = new float[att1.Length];
        CausalAttention.Forward(y2, att2, qkv, batch, time, width, heads);

        for (int b = 0; b < batch; b++)
            for (int t = 0; t < time; t++)
            {
                var before = y1.AsSpan((b * time + t) * width, width);
                var after = y2.AsSpan((b * time + t) * width, width);
                bool mustMatch = b == 0 || t < changed;
                if (mustMatch)
                    Assert.True(before.SequenceEqual(after), $"output[{b},{t}] changed although only token {changed} of batch 1 did.");
                else
                    Assert.False(before.SequenceEqual(after), $"output[{b},{t}] did not react to token {changed}.");
            }
    }

    [Fact]
    public void Attention_backward_sends_no_gradient_to_tokens_after_the_last_nonzero_output_gradient()
    {
        const int batch = 1, time = 6, width = 8, heads = 2, last = 2;
        var qkv = Uniform(batch * time * 3 * width, 1, -2f, 2f);
        var att = new float[batch * heads * time * time];
        CausalAttention.Forward(new float[batch * time * width], att, qkv, batch, time, width, heads);
        var dy = Uniform(batch * time * width, 4);
        Array.Clear(dy, (last + 1) * width, (time - last - 1) * width);
        var dqkv = new float[qkv.Length];
        CausalAttention.Backward(dqkv, new float[att.Length], dy, qkv, att, batch, time, width, heads);
        for (int i = (last + 1) * 3 * width; i < dqkv.Length; i++)
            Assert.Equal(0f, dqkv[i]);
        Assert.Contains(dqkv[..((last + 1) * 3 * width)], g => g != 0f);
    }
}
