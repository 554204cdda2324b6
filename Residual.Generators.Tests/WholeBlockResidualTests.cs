using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Residual.Generators.Tests.Infrastructure;
using Residual.Reference;
using Xunit;
using Xunit.Abstractions;

namespace Residual.Generators.Tests;

/// <summary>Blocks with one residual around all their sublayers (<c>[Residual]</c> on the class), compiled and loaded once.</summary>
public sealed class WholeBlockFixture : IDisposable
{
    /// <summary>Pre-norm and post-norm plain sublayers, fixed and learnable outer scales, and a sublayer with its own residual inside.</summary>
    public const string Source = """
        using Residual;

        #pragma warning disable RES0001 // one residual around each whole block, on purpose
        // x ← x + FeedForward(LayerNorm(Attention(LayerNorm(x))))
        [Block(Width = 32), Residual]
        public partial class WholePreBlock
        {
            [Plain, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(Attention), Heads = 4)]
            public partial Attention Attend { get; }

            [Plain, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(FeedForward), Hidden = 64)]
            public partial FeedForward Mix { get; }
        }

        // x ← 1.5·x + a·RMSNorm(FeedForward(RMSNorm(Attention(x))))
        [Block(Width = 20), Residual(Scale = 0.5, Learnable = true, Alpha = 1.5)]
        public partial class WholePostBlock
        {
            [Plain, PostNorm(Norm.RMSNorm)]
            [Sublayer(typeof(Attention), Heads = 2)]
            public partial Attention Attend { get; }

            [Plain, PostNorm(Norm.RMSNorm)]
            [Sublayer(typeof(FeedForward), Hidden = 24, Activation = Activation.Relu)]
            public partial FeedForward Mix { get; }
        }

        // A sublayer with its own residual inside the outer one: x ← x + 0.5·Mix(Attend(x))
        [Block(Width = 16), Residual(Scale = 0.5)]
        public partial class NestedResidualBlock
        {
            [Residual, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(Attention), Heads = 2)]
            public partial Attention Attend { get; }

            [Plain, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        #pragma warning restore RES0001

        [Model(Vocab = 13, Context = 8, Layers = 2)]
        public partial class WholeLm : Transformer<WholePreBlock>;
        """;

    public GeneratedAssembly Generated { get; } = new("Residual.Generated.WholeBlock", Source);

    public void Dispose() => Generated.Dispose();
}

/// <summary>
/// The generated code of a block-wide residual: forward and backward against the double-precision reference (which
/// <c>WholeBlockResidualReferenceTests</c> checks against finite differences), the layout against the runtime's,
/// the snapshot, and RES0001 as a warning that does not stop generation.
/// </summary>
public class WholeBlockResidualTests(WholeBlockFixture fixture, ITestOutputHelper output) : IClassFixture<WholeBlockFixture>
{
    private GeneratedAssembly Generated => fixture.Generated;

    [Theory]
    [InlineData("WholePreBlock")]
    [InlineData("WholePostBlock")]
    [InlineData("NestedResidualBlock")]
    public void Generated_whole_block_residual_matches_the_reference_forward_and_backward(string name)
    {
        const int batch = 2, time = 5;
        var block = Generated.CreateBlock(name, new ModelOptions { Seed = 3 });
        Assert.NotNull(block.Description.Residual);
        Numerics.Randomize(block.Parameters, block.Layout, seed: 1);
        int n = batch * time * block.Description.Width;
        var x = Numerics.Uniform(n, seed: 2);
        var dy = Numerics.Uniform(n, seed: 3);
        var y = Enumerable.Repeat(float.NaN, n).ToArray();
        var activations = Enumerable.Repeat(float.NaN, (int)block.ActivationFloats(batch, time)).ToArray();
        var scratch = Enumerable.Repeat(float.NaN, (int)block.ScratchFloats(batch, time)).ToArray();
        var dx = new float[n];

        block.Forward(x, y, activations, batch, time);
        block.Backward(x, dy, dx, activations, scratch, batch, time);

        var p = Numerics.ToDouble(block.Parameters);
        var saved = ReferenceBlock.Forward(block.Description, p, Numerics.ToDouble(x), batch, time);
        var expectedDx = new double[n];
        var expectedGradients = new double[p.Length];
        ReferenceBlock.Backward(block.Description, p, saved, Numerics.ToDouble(dy), expectedDx, expectedGradients);

        double worst = Numerics.AssertClose("y", y, saved.Output);
        worst = Math.Max(worst, Numerics.AssertClose("dx", dx, expectedDx));
        worst = Math.Max(worst, Numerics.AssertClose("dθ", block.Gradients, expectedGradients, block.Layout));
        output.WriteLine($"{name}: worst error {worst:G3}× its tolerance");
    }

    [Fact]
    public void Generated_model_of_whole_block_residuals_matches_the_reference_loss_and_gradients()
    {
        const int batch = 2, time = 6;
        var model = Generated.CreateModel("WholeLm", new ModelOptions { Seed = 3 });
        Numerics.Randomize(model.Parameters.Data, model.Parameters.Tensors, seed: 4);
        var random = new Random(5);
        var tokens = Enumerable.Range(0, batch * time).Select(_ => random.Next(13)).ToArray();
        var targets = Enumerable.Range(0, batch * time).Select(_ => random.Next(13)).ToArray();

        float loss = model.Forward(tokens, targets, batch, time);
        model.ZeroGradients();
        model.Backward();

        var p = Numerics.ToDouble(model.Parameters.Data);
        var saved = ReferenceModel.Forward(model.Description, p, tokens, targets, batch, time);
        var expected = new double[p.Length];
        ReferenceModel.Backward(model.Description, p, saved, expected);
        Numerics.AssertClose("loss", new[] { loss }, new[] { saved.Loss });
        Numerics.AssertClose("dθ", model.Gradients.Data, expected, model.Parameters.Tensors);
    }

    [Theory]
    [InlineData("WholePreBlock")]
    [InlineData("WholePostBlock")]
    [InlineData("NestedResidualBlock")]
    public void Generated_layout_matches_the_runtime_canonical_layout(string name)
    {
        var block = Generated.CreateBlock(name);
        static string Show(TensorInfo t) => $"{t.Name} @{t.Offset} {t.ShapeText} {t.Init} {t.Value:R}";
        Assert.Equal(Layouts.Block(block.Description).Select(Show), block.Layout.Select(Show));
    }

    [Fact]
    public void Description_carries_the_class_level_residual_arguments()
    {
        var block = Generated.CreateBlock("WholePostBlock");
        Assert.Equal(new BlockResidualDescription(0.5, true, 1.5), block.Description.Residual);
        Assert.Contains(block.Layout, t => t.Name == "res.scale" && t.Init == ParameterInit.Constant && t.Value == 0.5f);
    }

    [Fact]
    public void Header_restates_the_whole_block_formula()
    {
        var sources = Generated.Run.Sources;
        Assert.Contains("//        x ← x + FeedForward(LayerNorm(Attention(LayerNorm(x))))", sources["WholePreBlock.Residual.g.cs"]);
        Assert.Contains("//        x ← 1.5·x + a·RMSNorm(FeedForward(RMSNorm(Attention(x))))", sources["WholePostBlock.Residual.g.cs"]);
        Assert.Contains("//        x ← x + 0.5·Mix(Attend(x))", sources["NestedResidualBlock.Residual.g.cs"]);
    }

    [Fact]
    public void RES0001_is_a_warning_on_the_attribute_and_the_block_is_still_generated()
    {
        var run = GeneratorHarness.Run(WholeBlockFixture.Source.Replace("#pragma warning disable RES0001", "").Replace("#pragma warning restore RES0001", ""));
        run.AssertNoGeneratorException();
        var diagnostics = AnalyzerHarness.Analyze(run);
        Assert.Equal(3, diagnostics.Length);
        Assert.All(diagnostics, d =>
        {
            Assert.Equal("RES0001", d.Id);
            Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
            Assert.StartsWith("Residual", AnalyzerHarness.SpanText(d));
        });
        Assert.Equal("Residual(Scale = 0.5, Learnable = true, Alpha = 1.5)", AnalyzerHarness.SpanText(diagnostics[1]));
        Assert.Contains("WholePreBlock.Residual.g.cs", run.Sources.Keys);
        run.AssertCleanCompilation();
    }

    [Fact]
    public void Whole_block_residual_snapshot()
    {
        var run = GeneratorHarness.Run("""
            using Residual;

            #pragma warning disable RES0001
            [Block(Width = 32), Residual]
            public partial class WholeBlock
            {
                [Plain, PreNorm(Norm.LayerNorm)]
                [Sublayer(typeof(Attention), Heads = 4)]
                public partial Attention Attend { get; }

                [Plain, PreNorm(Norm.LayerNorm)]
                [Sublayer(typeof(FeedForward), Hidden = 64)]
                public partial FeedForward Mix { get; }
            }
            """);
        run.AssertNoGeneratorException();
        run.AssertCleanCompilation();
        Snapshot.Match(run.SourcesAndHelpers);
    }
}
