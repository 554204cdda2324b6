using System;
using Residual.Kernels;
using Xunit;
using static Residual.Runtime.Tests.Kernels.TestData;

namespace Residual.Runtime.Tests.Kernels;

public class EmbeddingTests
{
    // Forward is one float32 addition per element (exact to half an ulp); backward sums at most
    // batch·time ≤ 40 terms per entry. 1e-5 of the largest magnitude is ample.
    private const double Rtol = 1e-5;

    public static TheoryData<int, int, int, int, int> Shapes => new()
    {
        // batch, time, width, vocab, context
        { 1, 1, 1, 1, 1 },
        { 1, 5, 3, 4, 5 },
        { 2, 3, 7, 11, 8 },
        { 3, 4, 17, 5, 4 },   // repeated tokens: several rows scatter into the same table row
        { 2, 5, 33, 9, 6 },
        { 2, 4, 64, 13, 10 },
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Embedding_forward_matches_scalar_reference(int batch, int time, int width, int vocab, int context)
    {
        var tokens = Ints(batch * time, 1, vocab);
        var wte = Uniform(vocab * width, 2);
        var wpe = Uniform(context * width, 3);
        var y = Uniform(batch * time * width, 4);
        Embedding.Forward(y, tokens, wte, wpe, batch, time, width);
        Close(ScalarReference.EmbeddingForward(tokens, wte, wpe, batch, time, width), y, Rtol, "output");
    }

    [Theory, MemberData(nameof(Shapes))]
    public void Embedding_backward_accumulates_scalar_reference(int batch, int time, int width, int vocab, int context)
    {
        var tokens = Ints(batch * time, 1, vocab);
        var dy = Uniform(batch * time * width, 5);
        var dwte = Uniform(vocab * width, 6);
        var dwpe = Uniform(context * width, 7);
        var (dwte0, dwpe0) = ((float[])dwte.Clone(), (float[])dwpe.Clone());
        Embedding.Backward(dwte, dwpe, dy, tokens, batch, time, width);
        var expected = ScalarReference.EmbeddingBackward(dy, tokens, vocab, context, batch, time, width);
        Close(Plus(dwte0, expected.DToken), dwte, Rtol, "dTokenEmbedding");
        Close(Plus(dwpe0, expected.DPosition), dwpe, Rtol, "dPositionEmbedding");
    }

    [Theory]
    [InlineData(1, 1, 1, 1, 1)]
    [InlineData(2, 3, 7, 4, 5)]
    [InlineData(1, 4, 17, 3, 4)]
    public void Embedding_backward_matches_finite_differences_of_forward(int batch, int time, int width, int vocab, int context)
    {
        var tokens = Ints(batch * time, 1, vocab);
        var wte = Uniform(vocab * width, 2);
        var wpe = Uniform(context * width, 3);
        var r = Uniform(batch * time * width, 8);
        var y = new float[batch * time * width];
        float[] Forward() { Embedding.Forward(y, tokens, wte, wpe, batch, time, width); return y; }
        var (dwte, dwpe) = (new float[wte.Length], new float[wpe.Length]);
        Embedding.Backward(dwte, dwpe, r, tokens, batch, time, width);
        GradCheck.Check("dTokenEmbedding", wte, dwte, Forward, r, samples: 64);
        GradCheck.Check("dPositionEmbedding", wpe, dwpe, Forward, r, samples: 64);
    }

    [Fact]
    public void Embedding_backward_called_twice_doubles_the_gradients()
    {
        const int batch = 2, time = 3, width = 9, vocab = 4;
        var tokens = Ints(batch * time, 1, vocab);
        var dy = Uniform(batch * time * width, 5);
        var (t1, p1) = (new float[vocab * width], new float[time * width]);
        var (t2, p2) = (new float[vocab * width], new float[time * width]);
        Embedding.Backward(t1, p1, dy, tokens, batch, time, width);
        Embedding.Backward(t2, p2, dy, tokens, batch, time, width);
        Embedding.Backward(t2, p2, dy, tokens, batch, time, width);
        Close(Twice(t1), t2, 1e-6, "dTokenEmbedding");
        Close(Twice(p1), p2, 1e-6, "dPositionEmbedding");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(5)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void Embedding_forward_rejects_a_token_outside_the_vocabulary_and_writes_nothing(int bad)
    {
        const int batch = 2, time = 3, width = 4, vocab = 5;
        int[] tokens = [0, 1, 2, 3, bad, 4];
        var y = Uniform(batch * time * width, 4);
        var before = (float[])y.Clone();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Embedding.Forward(y, tokens, Uniform(vocab * width, 2), Uniform(time * width, 3), batch, time, width));
        Assert.Equal("tokens", ex.ParamName);
        Assert.Contains("tokens[4]", ex.Message);
        Assert.Contains(bad.ToString(), ex.Message);
        Assert.Contains("vocab = 5", ex.Message);
        Assert.Equal(before, y);
    }

    [Fact]
    public void Embedding_backward_rejects_a_token_outside_the_vocabulary_and_writes_nothing()
    {
        const int batch = 1, time = 3, width = 4, vocab = 5;
        var dwte = Uniform(vocab * width, 2);
        var dwpe = Uniform(time * width, 3);
        var (dwte0, dwpe0) = ((float[])dwte.Clone(), (float[])dwpe.Clone());
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Embedding.Backward(dwte, dwpe, Uniform(batch * time * width, 4), [1, 2, 7], batch, time, width));
        Assert.Equal("tokens", ex.ParamName);
        Assert.Contains("tokens[2] = 7", ex.Message);
        Assert.Equal(dwte0, dwte);
        Assert.Equal(dwpe0, dwpe);
    }

    [Fact]
    public void Embedding_accepts_a_position_table_longer_than_the_sequence()
    {
        const int batch = 1, time = 2, width = 3;
        var y = new float[batch * time * width];
        Embedding.Forward(y, [1, 0], [1, 2, 3, 10, 20, 30], [100, 200, 300, 400, 500, 600, 7, 8, 9], batch, time, width);
        Assert.Equal(new float[] { 110, 220, 330, 401, 502, 603 }, y);
    }
}
