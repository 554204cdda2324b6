using System.Linq;
using Residual.Generators.Tests.Infrastructure;
using Xunit;

namespace Residual.Generators.Tests;

/// <summary>
/// What the generator writes for representative declarations, pinned as snapshots (see <see cref="Snapshot"/>
/// for the file names and how to accept a change). Each test also requires the generated code to compile
/// without a single error or warning: users build with warnings as errors.
/// </summary>
public class GeneratedSourceSnapshotTests
{
    private static void Verify(string source, string[] expectedHints, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var run = GeneratorHarness.Run(source);
        run.AssertNoGeneratorException();
        Assert.Equal(expectedHints, run.Sources.Keys.Order());
        run.AssertCleanCompilation();
        // Snapshot.Match takes the caller's file from its own [CallerFilePath]: this file.
        Snapshot.Match(run.SourcesAndHelpers, testMethod: test);
    }

    [Fact]
    public void Gpt_pre_norm_layer_norm_block_and_model() =>
        Verify(Declarations.Gpt, ["GptBlock.Residual.g.cs", "TinyGpt.Residual.g.cs"]);

    [Fact]
    public void Post_norm_rms_norm_block_and_model_without_final_norm() =>
        Verify(Declarations.PostNorm, ["PostNormBlock.Residual.g.cs", "PostNormLm.Residual.g.cs"]);

    [Fact]
    public void Fixed_and_learnable_residual_scales_and_plain_sublayers() =>
        Verify(Declarations.ResidualOptions, ["PlainBlock.Residual.g.cs", "ScaledBlock.Residual.g.cs"]);

    [Fact]
    public void Custom_sublayer_block_and_model() =>
        Verify(Declarations.Custom, ["CustomBlock.Residual.g.cs", "CustomLm.Residual.g.cs"]);

    [Fact]
    public void Width_20_emits_vector_loops_with_scalar_tails() =>
        Verify(Declarations.OddWidth, ["OddBlock.Residual.g.cs", "OddLm.Residual.g.cs"]);
}
