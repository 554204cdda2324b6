using System;
using System.Linq;
using Residual.Reference;
using Xunit;
using static Residual.Runtime.Tests.Reference.FiniteDifferences;

namespace Residual.Runtime.Tests.Reference;

/// <summary>
/// <see cref="ReferenceModel"/> against finite differences of its mean cross-entropy loss, for every
/// parameter tensor (embeddings included), on two-layer models.
/// </summary>
public class ReferenceModelTests
{
    private const int Vocab = 7, Context = 5, Width = 6, Heads = 2, Hidden = 8, Batch = 2, Time = 4;

    private static ModelDescription GptModel() =>
        new("TinyGpt", Vocab, Context, 2, Norm.LayerNorm, ReferenceBlockTests.GptBlock(Width, Heads, Hidden));

    private static ModelDescription PostNormModel() =>
        new("PostNorm", Vocab, Context, 2, Norm.None, ReferenceBlockTests.GptBlock(Width, Heads, Hidden, NormPlacement.Post, Norm.RMSNorm, Activation.Relu));

    private static (int[] Tokens, int[] Targets) Data(ulong seed, int batch = Batch, int time = Time)
    {
        var rng = new Rng(seed);
        var tokens = Enumerable.Range(0, batch * time).Select(_ => rng.NextInt(Vocab)).ToArray();
        var targets = Enumerable.Range(0, batch * time).Select(_ => rng.NextInt(Vocab)).ToArray();
        return (tokens, targets);
    }

    public static TheoryData<string> Models => new() { "gpt-pre-layernorm", "post-rmsnorm-relu-no-final-norm" };

    [Theory]
    [MemberData(nameof(Models))]
    public void Loss_gradient_matches_finite_differences_for_every_parameter_tensor(string name)
    {
        var model = name.StartsWith("gpt", StringComparison.Ordinal) ? GptModel() : PostNormModel();
        var layout = Layouts.Model(model);
        var parameters = InitialParameters(layout, 41, layers: model.Layers);
        var (tokens, targets) = Data(42);
        double Loss() => ReferenceModel.Forward(model, parameters, tokens, targets, Batch, Time).Loss;

        var activations = ReferenceModel.Forward(model, parameters, tokens, targets, Batch, Time);
        Assert.InRange(activations.Loss, 0.5, 10);
        var dP = new double[parameters.Length];
        ReferenceModel.Backward(model, parameters, activations, dP);

        // Embeddings: every entry (wte also feeds the tied head, so every row of it has a gradient).
        // Other tensors: a handful of entries spread over each tensor, always including its first and last.
        foreach (var t in layout)
        {
            bool embedding = t.Name is "wte.weight" or "wpe.weight";
            var indices = embedding ? Enumerable.Range(0, t.Count) : Sample(t.Count, 7);
            Check(t.Name, Loss, parameters, dP, t.Offset, t.Count, indices);
            AssertNonTrivial(t.Name, dP.AsSpan(t.Offset, t.Count));
        }

        var wpe = layout.Single(t => t.Name == "wpe.weight");
        Assert.All(dP.AsSpan(wpe.Offset + Time * Width, (Context - Time) * Width).ToArray(), g => Assert.Equal(0.0, g));
    }

    private static int[] Sample(int count, int samples) =>
        Enumerable.Range(0, samples).Select(i => (int)((long)i * (count - 1) / (samples - 1))).Distinct().ToArray();

    [Fact]
    public void Backward_accumulates_into_the_gradient()
    {
        var model = GptModel();
        var parameters = InitialParameters(Layouts.Model(model), 3, layers: model.Layers);
        var (tokens, targets) = Data(4);
        var activations = ReferenceModel.Forward(model, parameters, tokens, targets, Batch, Time);
        var once = new double[parameters.Length];
        ReferenceModel.Backward(model, parameters, activations, once);
        var twice = (double[])once.Clone();
        ReferenceModel.Backward(model, parameters, activations, twice);
        for (int i = 0; i < once.Length; i++) Assert.Equal(2 * once[i], twice[i], 14);
    }

    [Fact]
    public void Forward_computes_tied_logits_and_the_mean_cross_entropy_and_accepts_time_up_to_the_context()
    {
        var model = GptModel();
        var parameters = InitialParameters(Layouts.Model(model), 8, layers: model.Layers);
        var (tokens, targets) = Data(9, 1, Context);
        var a = ReferenceModel.Forward(model, parameters, tokens, targets, 1, Context);
        var probs = a.Probabilities.ToArray();
        double expected = 0;
        for (int r = 0; r < Context; r++)
        {
            Assert.Equal(1.0, probs.Skip(r * Vocab).Take(Vocab).Sum(), 14);
            expected -= Math.Log(probs[r * Vocab + targets[r]]);
        }
        Assert.Equal(expected / Context, a.Loss, 14);

        var noTargets = ReferenceModel.Forward(model, parameters, tokens, ReadOnlySpan<int>.Empty, 1, Context);
        Assert.True(double.IsNaN(noTargets.Loss));
        Assert.Equal(a.Logits.ToArray(), noTargets.Logits.ToArray());
        Assert.Throws<InvalidOperationException>(() => ReferenceModel.Backward(model, parameters, noTargets, new double[parameters.Length]));
    }

    // Composes the model by hand from the embedding kernel, ReferenceBlock on each layer's h.{l}.* tensors
    // (contiguous in the layout), the final norm and the tied head, independently of the interpreter.
    [Theory]
    [MemberData(nameof(Models))]
    public void Forward_embeds_runs_each_layer_on_its_own_tensors_normalises_and_applies_the_tied_head(string name)
    {
        var model = name.StartsWith("gpt", StringComparison.Ordinal) ? GptModel() : PostNormModel();
        var layout = Layouts.Model(model);
        var p = InitialParameters(layout, 51, layers: model.Layers);
        var (tokens, targets) = Data(52);
        double[] T(string tensor)
        {
            var t = layout.Single(x => x.Name == tensor);
            return p.AsSpan(t.Offset, t.Count).ToArray();
        }

        int rows = Batch * Time;
        var x = new double[rows * Width];
        ReferenceKernels.EmbeddingForward(x, tokens, T("wte.weight"), T("wpe.weight"), Batch, Time, Width);
        for (int l = 0; l < model.Layers; l++)
        {
            var mine = layout.Where(t => t.Name.StartsWith($"h.{l}.", StringComparison.Ordinal)).ToArray();
            var slice = p.AsSpan(mine[0].Offset, mine.Sum(t => t.Count));
            x = ReferenceBlock.Forward(model.Block, slice, x, Batch, Time).Output.ToArray();
        }
        if (model.FinalNorm == Norm.LayerNorm)
            ReferenceKernels.LayerNormForward(x, new double[rows], new double[rows], x, T("ln_f.weight"), T("ln_f.bias"), rows, Width);
        var logits = new double[rows * Vocab];
        ReferenceKernels.MatMulForward(logits, x, T("wte.weight"), ReadOnlySpan<double>.Empty, rows, Width, Vocab);

        var a = ReferenceModel.Forward(model, p, tokens, targets, Batch, Time);
        Assert.Equal(logits, a.Logits.ToArray());
    }

    [Fact]
    public void Forward_rejects_time_beyond_the_context_tokens_outside_the_vocabulary_and_wrong_lengths()
    {
        var model = GptModel();
        var parameters = new double[Layouts.Model(model).Sum(t => t.Count)];

        var time = Assert.Throws<ArgumentOutOfRangeException>(() => ReferenceModel.Forward(model, parameters, new int[Context + 1], new int[Context + 1], 1, Context + 1));
        Assert.Equal("time", time.ParamName);
        Assert.Contains("context", time.Message);

        var token = Assert.Throws<ArgumentOutOfRangeException>(() => ReferenceModel.Forward(model, parameters, [0, Vocab], [0, 0], 1, 2));
        Assert.Equal("tokens", token.ParamName);
        Assert.Contains($"tokens[1] = {Vocab}", token.Message);

        var target = Assert.Throws<ArgumentOutOfRangeException>(() => ReferenceModel.Forward(model, parameters, [0, 1], [0, -3], 1, 2));
        Assert.Equal("targets", target.ParamName);

        var length = Assert.Throws<ArgumentException>(() => ReferenceModel.Forward(model, parameters.AsSpan(0, 10), [0, 1], [0, 1], 1, 2));
        Assert.Equal("parameters", length.ParamName);
        Assert.Contains("expected", length.Message);

        var tokens = Assert.Throws<ArgumentException>(() => ReferenceModel.Forward(model, parameters, [0, 1, 2], [0, 1], 1, 2));
        Assert.Equal("tokens", tokens.ParamName);
    }

    [Fact]
    public void Float_arena_round_trips_through_double()
    {
        var layout = Layouts.Model(GptModel());
        var arena = new ParameterArena(layout);
        Initializer.Initialize(arena, new ModelOptions { Seed = 12 }, 2);
        var wide = ReferenceConvert.ToDouble(arena);
        Assert.Equal(arena.Count, wide.Length);
        var back = new ParameterArena(layout);
        ReferenceConvert.CopyToSingle(wide, back.Data);
        Assert.Equal(arena.Data, back.Data);
        Assert.Equal(arena.Data, ReferenceConvert.ToSingle(wide));
    }
}
