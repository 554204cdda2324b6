using System;
using System.Collections.Generic;
using System.Linq;
using Residual.Generators.Tests.Infrastructure;
using Residual.Reference;
using Xunit;
using Xunit.Abstractions;

namespace Residual.Generators.Tests;

/// <summary>All of <see cref="Declarations"/>, compiled with the generator, emitted and loaded once for the class.</summary>
public sealed class GeneratedDeclarationsFixture : IDisposable
{
    public GeneratedAssembly Generated { get; } = new("Residual.Generated.RunTests", Declarations.All);

    public void Dispose() => Generated.Dispose();
}

/// <summary>
/// Runs the generated Forward and Backward and compares them with the double-precision reference
/// interpreter (<see cref="ReferenceBlock"/>, <see cref="ReferenceModel"/>) on the same parameters:
/// output, input gradient and every parameter gradient.
/// </summary>
/// <remarks>
/// The generated helpers branch on Vector512, then Vector256, then scalar code. On an AVX-512 machine the
/// widths 20, 12 and 4 reach all three (see <see cref="Declarations.NarrowWidths"/>); to force the fallbacks
/// for every width run the tests with <c>DOTNET_EnableAVX512=0</c> (Vector256) or
/// <c>DOTNET_EnableHWIntrinsic=0</c> (scalar).
/// </remarks>
public class GeneratedCodeRunsTests(GeneratedDeclarationsFixture fixture, ITestOutputHelper output) : IClassFixture<GeneratedDeclarationsFixture>
{
    private const int Batch = 2, Time = 5;

    private GeneratedAssembly Generated => fixture.Generated;

    [Fact]
    public void Generated_gpt_block_matches_reference_forward_and_backward() => BlockMatchesReference("Demo.GptBlock");

    [Fact]
    public void Generated_post_norm_rms_norm_block_matches_reference_forward_and_backward() => BlockMatchesReference("PostNormBlock");

    [Fact]
    public void Generated_block_with_fixed_and_learnable_residual_scales_matches_reference() => BlockMatchesReference("ScaledBlock");

    [Fact]
    public void Generated_block_with_plain_sublayers_matches_reference() => BlockMatchesReference("PlainBlock");

    [Fact]
    public void Generated_width_20_block_matches_reference_through_vector512_loops_and_scalar_tails() => BlockMatchesReference("OddBlock");

    [Fact]
    public void Generated_width_12_block_matches_reference_through_vector256_loops_and_scalar_tails() => BlockMatchesReference("Width12Block");

    [Fact]
    public void Generated_width_4_block_matches_reference_through_scalar_loops() => BlockMatchesReference("Width4Block");

    [Fact]
    public void Generated_block_runs_a_custom_sublayer_through_the_sublayer_contract() =>
        BlockMatchesReference("CustomBlock", AsFeedForward);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 8)]
    [InlineData(3, 2)]
    public void Generated_gpt_block_matches_reference_for_other_batch_sizes_and_sequence_lengths(int batch, int time) =>
        BlockMatchesReference("Demo.GptBlock", batch: batch, time: time);

    [Theory]
    [InlineData("Demo.TinyGpt")]
    [InlineData("PostNormLm")]
    [InlineData("OddLm")]
    public void Generated_model_matches_reference_loss_logits_and_gradients(string model) => ModelMatchesReference(model);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 8)]
    public void Generated_model_matches_reference_from_one_token_up_to_the_full_context(int batch, int time) =>
        ModelMatchesReference("Demo.TinyGpt", batch: batch, time: time);

    [Fact]
    public void Generated_block_rejects_buffers_of_the_wrong_size_before_writing()
    {
        var block = Generated.CreateBlock("OddBlock");
        int n = Batch * Time * block.Description.Width;
        var activations = new float[block.ActivationFloats(Batch, Time)];
        var scratch = new float[block.ScratchFloats(Batch, Time)];
        var y = new float[n];

        Assert.Throws<ArgumentException>(() => block.Forward(new float[n - 1], y, activations, Batch, Time));
        Assert.Throws<ArgumentException>(() => block.Forward(new float[n], new float[n + 1], activations, Batch, Time));
        Assert.Throws<ArgumentException>(() => block.Forward(new float[n], y, new float[activations.Length - 1], Batch, Time));
        Assert.Throws<ArgumentOutOfRangeException>(() => block.Forward(new float[n], y, activations, 0, Time));
        Assert.All(y, v => Assert.Equal(0f, v));

        block.Forward(new float[n], y, activations, Batch, Time);
        Assert.Throws<ArgumentException>(() => block.Backward(new float[n], new float[n], new float[n - 1], activations, scratch, Batch, Time));
        Assert.Throws<ArgumentException>(() => block.Backward(new float[n], new float[n], new float[n], activations, new float[scratch.Length - 1], Batch, Time));
        Assert.All(block.Gradients.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Generated_model_with_custom_sublayers_matches_reference_loss_and_gradients() =>
        ModelMatchesReference("CustomLm", d => d with { Block = AsFeedForward(d.Block) });

    [Theory]
    [InlineData("Demo.GptBlock")]
    [InlineData("PostNormBlock")]
    [InlineData("ScaledBlock")]
    [InlineData("PlainBlock")]
    [InlineData("CustomBlock")]
    [InlineData("OddBlock")]
    public void Generated_block_layout_matches_the_runtime_canonical_layout(string block)
    {
        var generated = Generated.CreateBlock(block);
        var description = generated.Description;
        AssertSameLayout(Layouts.Block(description, CustomShapes(description.Width)), generated.Layout);
        Assert.Equal(Layouts.Block(description, CustomShapes(description.Width)).Sum(t => t.Count), generated.Parameters.Length);
    }

    [Theory]
    [InlineData("Demo.TinyGpt")]
    [InlineData("PostNormLm")]
    [InlineData("CustomLm")]
    [InlineData("OddLm")]
    public void Generated_model_layout_matches_the_runtime_canonical_layout(string model)
    {
        var generated = Generated.CreateModel(model);
        AssertSameLayout(Layouts.Model(generated.Description, CustomShapes(generated.Description.Block.Width)), generated.Parameters.Tensors);
    }

    [Fact]
    public void Generated_backward_accumulates_into_dx_and_gradients()
    {
        var block = Generated.CreateBlock("ScaledBlock", new ModelOptions { Seed = 5 });
        Numerics.Randomize(block.Parameters, block.Layout, seed: 21);
        int n = Batch * Time * block.Description.Width;
        var x = Numerics.Uniform(n, seed: 22);
        var dy = Numerics.Uniform(n, seed: 23);
        var activations = new float[block.ActivationFloats(Batch, Time)];
        var scratch = new float[block.ScratchFloats(Batch, Time)];
        block.Forward(x, new float[n], activations, Batch, Time);

        var dx = new float[n];
        block.Backward(x, dy, dx, activations, scratch, Batch, Time);
        var once = Numerics.ToDouble(dx);
        var gradientsOnce = Numerics.ToDouble(block.Gradients);
        block.Backward(x, dy, dx, activations, scratch, Batch, Time);

        Numerics.AssertClose("dx after two backward passes", dx, once.Select(v => 2 * v).ToArray());
        Numerics.AssertClose("dθ after two backward passes", block.Gradients, gradientsOnce.Select(v => 2 * v).ToArray(), block.Layout);
    }

    // ───────────────────────────── helpers ─────────────────────────────

    private void BlockMatchesReference(string typeName, Func<BlockDescription, BlockDescription>? referenceView = null, int batch = Batch, int time = Time)
    {
        var block = Generated.CreateBlock(typeName, new ModelOptions { Seed = 3 });
        Numerics.Randomize(block.Parameters, block.Layout, seed: 1);
        int n = batch * time * block.Description.Width;
        var x = Numerics.Uniform(n, seed: 2);
        var dy = Numerics.Uniform(n, seed: 3);
        // NaN everywhere the block may only write before it reads: a read of stale memory shows up as NaN.
        var y = Filled(n, float.NaN);
        var activations = Filled(block.ActivationFloats(batch, time), float.NaN);
        var scratch = Filled(block.ScratchFloats(batch, time), float.NaN);
        var dx = new float[n];

        block.Forward(x, y, activations, batch, time);
        block.Backward(x, dy, dx, activations, scratch, batch, time);

        var description = referenceView?.Invoke(block.Description) ?? block.Description;
        var p = Numerics.ToDouble(block.Parameters);
        var saved = ReferenceBlock.Forward(description, p, Numerics.ToDouble(x), batch, time);
        var expectedDx = new double[n];
        var expectedGradients = new double[p.Length];
        ReferenceBlock.Backward(description, p, saved, Numerics.ToDouble(dy), expectedDx, expectedGradients);

        double worst = Numerics.AssertClose("y", y, saved.Output);
        worst = Math.Max(worst, Numerics.AssertClose("dx", dx, expectedDx));
        worst = Math.Max(worst, Numerics.AssertClose("dθ", block.Gradients, expectedGradients, block.Layout));
        output.WriteLine($"{typeName}: worst error {worst:G3}× its tolerance " +
            $"(Vector512 {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "on" : "off")}, Vector256 {(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "on" : "off")})");
    }

    private void ModelMatchesReference(string typeName, Func<ModelDescription, ModelDescription>? referenceView = null, int batch = Batch, int time = Time)
    {
        var model = Generated.CreateModel(typeName, new ModelOptions { Seed = 3 });
        var layout = model.Parameters.Tensors;
        Numerics.Randomize(model.Parameters.Data, layout, seed: 4);
        int vocab = model.Description.Vocab;
        var random = new Random(5);
        var tokens = Enumerable.Range(0, batch * time).Select(_ => random.Next(vocab)).ToArray();
        var targets = Enumerable.Range(0, batch * time).Select(_ => random.Next(vocab)).ToArray();

        float loss = model.Forward(tokens, targets, batch, time);
        model.ZeroGradients();
        model.Backward();

        var description = referenceView?.Invoke(model.Description) ?? model.Description;
        var p = Numerics.ToDouble(model.Parameters.Data);
        var saved = ReferenceModel.Forward(description, p, tokens, targets, batch, time);
        var expectedGradients = new double[p.Length];
        ReferenceModel.Backward(description, p, saved, expectedGradients);

        double worst = Numerics.AssertClose("loss", new[] { loss }, new[] { saved.Loss });
        worst = Math.Max(worst, Numerics.AssertClose("logits", model.Logits, saved.Logits));
        worst = Math.Max(worst, Numerics.AssertClose("dθ", model.Gradients.Data, expectedGradients, layout));
        output.WriteLine($"{typeName}: loss {loss} (reference {saved.Loss}); worst error {worst:G3}× its tolerance");
    }

    /// <summary>
    /// The reference path does not interpret custom sublayers. <c>WrappedMlp</c> computes a GELU feed-forward
    /// through the Sublayer contract with the same tensors under the same prefix, so the reference reads it as one.
    /// </summary>
    private static BlockDescription AsFeedForward(BlockDescription block) => block with
    {
        Sublayers = block.Sublayers
            .Select(s => s.Kind != SublayerKind.Custom ? s : s with { Kind = SublayerKind.FeedForward, Hidden = Declarations.WrappedMlpHidden, Activation = Activation.Gelu })
            .ToArray(),
    };

    /// <summary>Parameter shapes of custom sublayers, from an instance of the user's type in the generated assembly.</summary>
    private Func<SublayerDescription, IReadOnlyList<ParameterShape>> CustomShapes(int width) => s =>
    {
        Assert.Equal("gated_mlp", s.Prefix);
        var sublayer = (Sublayer)Activator.CreateInstance(Generated.Type("WrappedMlp"))!;
        return sublayer.DescribeParameters(width);
    };

    private static void AssertSameLayout(IReadOnlyList<TensorInfo> expected, IReadOnlyList<TensorInfo> actual)
    {
        static string Show(TensorInfo t) => $"{t.Name} @{t.Offset} {t.ShapeText} {t.Init} {t.Value:R}";
        Assert.Equal(expected.Select(Show), actual.Select(Show));
    }

    private static float[] Filled(long count, float value)
    {
        var array = new float[count];
        Array.Fill(array, value);
        return array;
    }
}
