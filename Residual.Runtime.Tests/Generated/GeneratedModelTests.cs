using System;
using System.Linq;
using Residual;
using Residual.Reference;
using Xunit;
using static Residual.Runtime.Tests.Generated.Numerics;

namespace Residual.Runtime.Tests.Generated;

public class GeneratedModelTests
{
    private static (int[] Tokens, int[] Targets) Data(int vocab, int n, ulong seed)
    {
        var rng = new Rng(seed);
        return (Enumerable.Range(0, n).Select(_ => rng.NextInt(vocab)).ToArray(), Enumerable.Range(0, n).Select(_ => rng.NextInt(vocab)).ToArray());
    }

    private static void CompareWithReference(LanguageModel model, int batch, int time, ulong seed)
    {
        Randomize(model.Parameters.Data, model.Parameters.Tensors, seed);
        var (tokens, targets) = Data(model.Description.Vocab, batch * time, seed + 1);
        model.ZeroGradients();
        float loss = model.Forward(tokens, targets, batch, time);
        model.Backward();

        var p = ToDouble(model.Parameters.Data);
        var saved = ReferenceModel.Forward(model.Description, p, tokens, targets, batch, time);
        var dp = new double[p.Length];
        ReferenceModel.Backward(model.Description, p, saved, dp);

        Assert.True(Math.Abs(loss - saved.Loss) <= 1e-5 * Math.Max(1, Math.Abs(saved.Loss)), $"loss {loss} vs reference {saved.Loss}");
        AssertClose(model.Logits, saved.Logits, "logits");
        foreach (var t in model.Parameters.Tensors)
            AssertClose(model.Gradients.Data.AsSpan(t.Offset, t.Count), dp.AsSpan(t.Offset, t.Count), "d" + t.Name);
    }

    [Fact]
    public void Gpt_model_loss_and_every_gradient_match_the_reference() =>
        CompareWithReference(new GptTestModel(new ModelOptions { Seed = 1 }), batch: 2, time: 8, seed: 31);

    [Fact]
    public void Post_norm_rmsnorm_model_loss_and_every_gradient_match_the_reference() =>
        CompareWithReference(new PostNormTestModel(new ModelOptions { Seed = 2 }), batch: 2, time: 5, seed: 32);

    [Fact]
    public void Model_layout_uses_gpt2_names_and_matches_the_runtime_layout()
    {
        var model = new GptTestModel();
        Assert.Equal(Layouts.Model(GptTestModel.Description).Select(t => (t.Name, t.Offset, t.ShapeText)), model.Parameters.Tensors.Select(t => (t.Name, t.Offset, t.ShapeText)));
        Assert.Equal(GptTestModel.ParameterCount, model.Parameters.Count);
        Assert.Equal(new[] { 96, 32 }, model.Parameters.Info("h.1.attn.c_attn.weight").Shape);
        Assert.Equal(GptTestModel.LnFWeightOffset, model.Parameters.Info("ln_f.weight").Offset);
        Assert.Equal(GptTestModel.FirstLayerOffset + GptTestModel.LayerStride + GptTestBlock.MlpCFcWeightOffset, model.Parameters.Info("h.1.mlp.c_fc.weight").Offset);
    }

    [Fact]
    public void Custom_sublayer_model_loss_gradient_matches_finite_differences_for_every_tensor()
    {
        // Float forward, double loss; see the custom-block test for the choice of h and the bound.
        const float h = 1e-2f;
        int batch = 2, time = 4;
        var model = new CustomTestModel(new ModelOptions { Seed = 3 });
        Randomize(model.Parameters.Data, model.Parameters.Tensors, 41);
        var (tokens, targets) = Data(CustomTestModel.Vocab, batch * time, 42);
        model.ZeroGradients();
        model.Forward(tokens, targets, batch, time);
        model.Backward();
        var p = model.Parameters.Data;
        foreach (var t in model.Parameters.Tensors)
            foreach (int i in Samples(t.Count, 3))
            {
                int at = t.Offset + i;
                float saved = p[at];
                p[at] = saved + h; double plus = model.Forward(tokens, targets, batch, time);
                p[at] = saved - h; double minus = model.Forward(tokens, targets, batch, time);
                p[at] = saved;
                double fd = (plus - minus) / (2 * h), analytic = model.Gradients.Data[at];
                Assert.True(Math.Abs(fd - analytic) <= 2e-2 * Math.Abs(analytic) + 2e-3, $"d{t.Name}[{i}]: finite difference {fd:G6}, backward {analytic:G6}");
            }
    }

    [Fact]
    public void Zero_initialised_branches_give_the_embedding_only_loss_at_step_zero()
    {
        var model = new GptTestModel(new ModelOptions { Seed = 4, OutputInit = OutputInit.Zero });
        var (tokens, targets) = Data(GptTestModel.Vocab, 2 * 6, 43);
        float loss = model.Forward(tokens, targets, 2, 6);
        // Every block is the identity, so the logits are ln_f(wte[token] + wpe[t])·wteᵀ; compute that directly.
        var p = ToDouble(model.Parameters.Data);
        var embeddingOnly = new ModelDescription("E", GptTestModel.Vocab, GptTestModel.Context, 1, Norm.LayerNorm, new BlockDescription("Empty", 32, []));
        var q = new double[Layouts.Model(embeddingOnly).Sum(t => t.Count)];
        foreach (var t in Layouts.Model(embeddingOnly))
        {
            var source = model.Parameters.Info(t.Name);
            p.AsSpan(source.Offset, source.Count).CopyTo(q.AsSpan(t.Offset, t.Count));
        }
        var reference = ReferenceModel.Forward(embeddingOnly, q, tokens, targets, 2, 6);
        Assert.True(Math.Abs(loss - reference.Loss) < 1e-5, $"loss {loss} vs embedding-only {reference.Loss}");
    }

    [Fact]
    public void Bad_tokens_lengths_and_times_are_refused_before_the_model_changes()
    {
        var model = new GptTestModel();
        var before = model.Parameters.Data.ToArray();
        var ok = new int[2 * 4];
        model.Forward(ok, ok, 2, 4);
        var logits = model.Logits.ToArray();

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(new[] { 1, 2, 11, 3 }, new int[4], 1, 4));
        Assert.Equal("tokens", ex.ParamName);
        Assert.Contains("tokens[2] = 11 is outside the vocabulary [0, 11)", ex.Message);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(new int[9], new int[9], 1, 9));
        Assert.Equal("time", ex.ParamName);
        Assert.Contains("1..8", ex.Message);
        var lengthError = Assert.Throws<ArgumentException>(() => model.Forward(new int[7], new int[8], 2, 4));
        Assert.Equal("tokens", lengthError.ParamName);
        Assert.Contains("expected batch·time = 2·4 = 8", lengthError.Message);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(ok, new[] { 0, 0, 0, 0, 0, 0, 0, -1 }, 2, 4));
        Assert.Equal("targets", ex.ParamName);

        Assert.Equal(before, model.Parameters.Data);
        Assert.Equal(2, model.Batch);
        Assert.Equal(logits, model.Logits.ToArray());
    }

    [Fact]
    public void Generation_is_deterministic_for_a_seed_and_stays_in_the_vocabulary()
    {
        var model = new GptTestModel(new ModelOptions { Seed = 5 });
        var a = model.Generate(new[] { 1, 2, 3 }, 12, temperature: 0.8f, topK: 5, seed: 9);
        var b = model.Generate(new[] { 1, 2, 3 }, 12, temperature: 0.8f, topK: 5, seed: 9);
        Assert.Equal(a, b);
        Assert.All(a, t => Assert.InRange(t, 0, GptTestModel.Vocab - 1));
    }

    [Fact]
    public void Generation_beyond_the_context_slides_the_window_and_greedy_sampling_follows_the_logits()
    {
        var model = new GptTestModel(new ModelOptions { Seed = 5 });
        int[] prompt = [1, 2, 3];
        // topK = 1 is greedy: each token must be the arg-max of a forward pass over the last Context tokens.
        var generated = model.Generate(prompt, GptTestModel.Context + 3, temperature: 1f, topK: 1, seed: 3);
        var sequence = prompt.Concat(generated).ToArray();
        for (int length = prompt.Length; length < sequence.Length; length++)
        {
            int time = Math.Min(length, GptTestModel.Context);
            model.Forward(sequence.AsSpan(length - time, time), 1, time);
            var last = model.Logits.Slice((time - 1) * GptTestModel.Vocab, GptTestModel.Vocab).ToArray();
            Assert.Equal(Array.IndexOf(last, last.Max()), sequence[length]);
        }
    }

    [Theory]
    [InlineData(0f, 0)]
    [InlineData(float.PositiveInfinity, 0)]
    [InlineData(float.NaN, 0)]
    [InlineData(1f, -1)]
    public void Generation_refuses_a_bad_temperature_or_top_k(float temperature, int topK)
    {
        var model = new GptTestModel(new ModelOptions { Seed = 5 });
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => model.Generate(new[] { 1 }, 3, temperature, topK));
        Assert.Equal(topK < 0 ? "topK" : "temperature", ex.ParamName);
    }

    [Fact]
    public void Activation_memory_refuses_a_time_beyond_the_context()
    {
        var model = new GptTestModel(new ModelOptions { Seed = 5 });
        Assert.True(model.ActivationMemory(2, GptTestModel.Context) > 0);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => model.ActivationMemory(2, GptTestModel.Context + 1));
        Assert.Equal("time", ex.ParamName);
    }
}
