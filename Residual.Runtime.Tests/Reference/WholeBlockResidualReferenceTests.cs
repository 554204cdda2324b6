using System;
using System.Linq;
using Residual.Reference;
using Xunit;
using static Residual.Runtime.Tests.Reference.FiniteDifferences;
using static Residual.Runtime.Tests.Reference.ReferenceBlockTests;

namespace Residual.Runtime.Tests.Reference;

/// <summary>
/// The reference path's block-wide residual (<c>[Residual]</c> on a block class): <c>y = α·x + s·B(x)</c> around the
/// chain of sublayers <c>B</c>, each wired as declared. Backward against finite differences, forward against the
/// same block without the outer residual.
/// </summary>
public class WholeBlockResidualReferenceTests
{
    private const int Width = 6, Batch = 2, Time = 3;

    private static BlockDescription Whole(string name, NormPlacement placement, Norm norm, ResidualMode inner, BlockResidualDescription residual) =>
        new BlockDescription(name, Width,
        [
            Sublayer(SublayerKind.Attention, Activation.Gelu, placement, norm, inner, member: "Attend"),
            Sublayer(SublayerKind.FeedForward, Activation.Gelu, placement, norm, inner, member: "Mix"),
        ]) { Residual = residual };

    public static TheoryData<NormPlacement, Norm, ResidualMode, double, bool, double> Cases => new()
    {
        { NormPlacement.Pre, Norm.LayerNorm, ResidualMode.Plain, 1.0, false, 1.0 },
        { NormPlacement.Post, Norm.LayerNorm, ResidualMode.Plain, 1.0, false, 1.0 },
        { NormPlacement.Pre, Norm.RMSNorm, ResidualMode.Plain, 0.5, false, 1.3 },
        { NormPlacement.Post, Norm.RMSNorm, ResidualMode.Plain, 0.7, true, 1.3 },
        { NormPlacement.Pre, Norm.LayerNorm, ResidualMode.Residual, 0.7, true, 1.0 },
        { NormPlacement.None, Norm.None, ResidualMode.Plain, 1.0, false, 1.0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_matches_finite_differences_for_a_whole_block_residual(NormPlacement placement, Norm norm, ResidualMode inner, double scale, bool learnable, double alpha)
    {
        var block = Whole("Whole", placement, norm, inner, new BlockResidualDescription(scale, learnable, alpha));
        CheckBlock(block, 500 + (ulong)placement * 10 + (ulong)inner);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_adds_the_input_once_around_the_whole_chain(NormPlacement placement, Norm norm, ResidualMode inner, double scale, bool learnable, double alpha)
    {
        var whole = Whole("Whole", placement, norm, inner, new BlockResidualDescription(scale, learnable, alpha));
        var chain = whole with { Residual = null };
        var layout = Layouts.Block(whole);
        var p = InitialParameters(layout, 31);
        // The chain's layout is the whole block's without res.scale, which comes last.
        var chainParameters = p.AsSpan(0, Layouts.Block(chain).Sum(t => t.Count)).ToArray();
        double s = learnable ? p[layout.Single(t => t.Name == "res.scale").Offset] : scale;
        if (learnable) Assert.Equal((float)scale, layout.Single(t => t.Name == "res.scale").Value);
        var x = Normal(new Rng(32), Batch * Time * Width);

        var b = ReferenceBlock.Forward(chain, chainParameters, x, Batch, Time).Output.ToArray();
        var y = ReferenceBlock.Forward(whole, p, x, Batch, Time).Output.ToArray();

        Assert.Equal(x.Select((v, i) => alpha * v + s * b[i]), y);
    }

    [Fact]
    public void Last_output_projection_starts_as_a_residual_branch_output_unless_a_post_norm_follows()
    {
        var residual = new BlockResidualDescription(1.0, false, 1.0);
        var pre = Layouts.Block(Whole("Pre", NormPlacement.Pre, Norm.LayerNorm, ResidualMode.Plain, residual));
        Assert.Equal(ParameterInit.Normal, pre.Single(t => t.Name == "attn.c_proj.weight").Init);
        Assert.Equal(ParameterInit.ResidualOutput, pre.Single(t => t.Name == "mlp.c_proj.weight").Init);
        var post = Layouts.Block(Whole("Post", NormPlacement.Post, Norm.LayerNorm, ResidualMode.Plain, residual));
        Assert.Equal(ParameterInit.Normal, post.Single(t => t.Name == "mlp.c_proj.weight").Init);
    }
}
