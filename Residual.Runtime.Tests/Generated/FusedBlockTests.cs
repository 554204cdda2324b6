using Residual;
using Xunit;

namespace Residual.Runtime.Tests.Generated;

/// <summary>RMSNorm on both sides of a fused residual add (forward) and a fused norm backward.</summary>
[Block(Width = 24)]
public partial class RmsFusionBlock
{
    [Residual, PreNorm(Norm.RMSNorm)]
    [Sublayer(typeof(Attention), Heads = 2)]
    public partial Attention Attend { get; }

    [Residual, PreNorm(Norm.RMSNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 40, Activation = Activation.Relu)]
    public partial FeedForward Mix { get; }
}

/// <summary>
/// Fusions next to wirings that do not fuse: a plain add fused with an RMSNorm, a scaled residual whose add and
/// backward stay separate, then a plain residual whose backward fuses again.
/// </summary>
[Block(Width = 24)]
public partial class MixedFusionBlock
{
    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 32)]
    public partial FeedForward First { get; }

    [Residual(Scale = 0.5), PreNorm(Norm.RMSNorm)]
    [Sublayer(typeof(Attention), Heads = 3)]
    public partial Attention Second { get; }

    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 48)]
    public partial FeedForward Third { get; }
}

/// <summary>The generator's fused helpers (add + next norm, norm backward + identity path) against the reference.</summary>
public sealed class FusedBlockTests
{
    [Fact]
    public void Block_with_fused_rms_norms_matches_reference_forward_and_backward() =>
        GeneratedBlockTests.CompareWithReference(new RmsFusionBlock(new ModelOptions { Seed = 21 }), batch: 2, time: 5, seed: 31);

    [Fact]
    public void Block_mixing_fused_and_unfused_residuals_matches_reference_forward_and_backward() =>
        GeneratedBlockTests.CompareWithReference(new MixedFusionBlock(new ModelOptions { Seed = 22 }), batch: 3, time: 4, seed: 32);
}
