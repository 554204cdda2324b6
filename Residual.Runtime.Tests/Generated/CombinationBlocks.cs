// One single-sublayer block per combination of sublayer kind × norm placement × norm × residual
// wiring, each checked against the double-precision reference in GeneratedBlockTests.
// Written by make_combinations.py (the combinations are data): edit its lists, not the classes.
using System;
using System.Collections.Generic;
using Residual;

namespace Residual.Runtime.Tests.Generated;

[Block(Width = 20)]
public partial class AttentionPreLayerNormResidualBlock
{
    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention F { get; }
}

[Block(Width = 20)]
public partial class AttentionPreLayerNormPlainBlock
{
    [Plain, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention F { get; }
}

[Block(Width = 20)]
public partial class AttentionPreLayerNormScaledBlock
{
    [Residual(Scale = 0.5, Alpha = 1.3), PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention F { get; }
}

[Block(Width = 20)]
public partial class AttentionPreLayerNormLearnableBlock
{
    [Residual(Scale = 0.7, Learnable = true), PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention F { get; }
}

[Block(Width = 20)]
public partial class AttentionPreRmsNormResidualBlock
{
    [Residual, PreNorm(Norm.RMSNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention F { get; }
}

[Block(Width = 20)]
public partial class AttentionPreRmsNormPlainBlock
{
    [Plain, PreNorm(Norm.RMSNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention F { get; }
}

[Block(Width = 20)]
public partial class AttentionPreRmsNormScaledBlock
{
    [Residual(Scale = 0.5, Alpha = 1.3), PreNorm(Norm.RMSNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention F { get; }
}

[Block(Width = 20)]
public partial class AttentionPreRmsNormLearnableBlock
{
    [Residual(Scale = 0.7, Learnable = true), PreNorm(Norm.RMSNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention F { get; }
}

[Block(Width = 20)]
public partial class AttentionPostLayerNormResidualBlock
{
    [Residual, PostNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention F { get; }
}

[Block(Width = 20)]
public partial class AttentionPostLayerNormPlainBlock
{
    [Plain, PostNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention F { get; }
}

[Block(Width = 20)]
public partial class AttentionPostLayerNormScaledBlock
{
    [Residual(Scale = 0.5, Alpha = 1.3), PostNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention F { get; }
}

[Block(Width = 20)]
public partial class AttentionPostLayerNormLearnableBlock
{
    [Residual(Scale = 0.7, Learnable = true), PostNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention F { get; }
}

[Block(Width = 20)]
public partial class AttentionPostRmsNormResidualBlock
{
    [Residual, PostNorm(Norm.RMSNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention F { get; }
}

[Block(Width = 20)]
public partial class AttentionPostRmsNormPlainBlock
{
    [Plain, PostNorm(Norm.RMSNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention F { get; }
}

[Block(Width = 20)]
public partial class AttentionPostRmsNormScaledBlock
{
    [Residual(Scale = 0.5, Alpha = 1.3), PostNorm(Norm.RMSNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention F { get; }
}

[Block(Width = 20)]
public partial class AttentionPostRmsNormLearnableBlock
{
    [Residual(Scale = 0.7, Learnable = true), PostNorm(Norm.RMSNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention F { get; }
}

[Block(Width = 20)]
public partial class AttentionNoNormResidualBlock
{
    [Residual]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention F { get; }
}

[Block(Width = 20)]
public partial class AttentionNoNormPlainBlock
{
    [Plain]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention F { get; }
}

[Block(Width = 20)]
public partial class AttentionNoNormScaledBlock
{
    [Residual(Scale = 0.5, Alpha = 1.3)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention F { get; }
}

[Block(Width = 20)]
public partial class AttentionNoNormLearnableBlock
{
    [Residual(Scale = 0.7, Learnable = true)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention F { get; }
}

[Block(Width = 20)]
public partial class GeluPreLayerNormResidualBlock
{
    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class GeluPreLayerNormPlainBlock
{
    [Plain, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class GeluPreLayerNormScaledBlock
{
    [Residual(Scale = 0.5, Alpha = 1.3), PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class GeluPreLayerNormLearnableBlock
{
    [Residual(Scale = 0.7, Learnable = true), PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class GeluPreRmsNormResidualBlock
{
    [Residual, PreNorm(Norm.RMSNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class GeluPreRmsNormPlainBlock
{
    [Plain, PreNorm(Norm.RMSNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class GeluPreRmsNormScaledBlock
{
    [Residual(Scale = 0.5, Alpha = 1.3), PreNorm(Norm.RMSNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class GeluPreRmsNormLearnableBlock
{
    [Residual(Scale = 0.7, Learnable = true), PreNorm(Norm.RMSNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class GeluPostLayerNormResidualBlock
{
    [Residual, PostNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class GeluPostLayerNormPlainBlock
{
    [Plain, PostNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class GeluPostLayerNormScaledBlock
{
    [Residual(Scale = 0.5, Alpha = 1.3), PostNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class GeluPostLayerNormLearnableBlock
{
    [Residual(Scale = 0.7, Learnable = true), PostNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class GeluPostRmsNormResidualBlock
{
    [Residual, PostNorm(Norm.RMSNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class GeluPostRmsNormPlainBlock
{
    [Plain, PostNorm(Norm.RMSNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class GeluPostRmsNormScaledBlock
{
    [Residual(Scale = 0.5, Alpha = 1.3), PostNorm(Norm.RMSNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class GeluPostRmsNormLearnableBlock
{
    [Residual(Scale = 0.7, Learnable = true), PostNorm(Norm.RMSNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class GeluNoNormResidualBlock
{
    [Residual]
    [Sublayer(typeof(FeedForward), Hidden = 36)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class GeluNoNormPlainBlock
{
    [Plain]
    [Sublayer(typeof(FeedForward), Hidden = 36)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class GeluNoNormScaledBlock
{
    [Residual(Scale = 0.5, Alpha = 1.3)]
    [Sublayer(typeof(FeedForward), Hidden = 36)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class GeluNoNormLearnableBlock
{
    [Residual(Scale = 0.7, Learnable = true)]
    [Sublayer(typeof(FeedForward), Hidden = 36)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class ReluPreLayerNormResidualBlock
{
    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class ReluPreLayerNormPlainBlock
{
    [Plain, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class ReluPreLayerNormScaledBlock
{
    [Residual(Scale = 0.5, Alpha = 1.3), PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class ReluPreLayerNormLearnableBlock
{
    [Residual(Scale = 0.7, Learnable = true), PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class ReluPreRmsNormResidualBlock
{
    [Residual, PreNorm(Norm.RMSNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class ReluPreRmsNormPlainBlock
{
    [Plain, PreNorm(Norm.RMSNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class ReluPreRmsNormScaledBlock
{
    [Residual(Scale = 0.5, Alpha = 1.3), PreNorm(Norm.RMSNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class ReluPreRmsNormLearnableBlock
{
    [Residual(Scale = 0.7, Learnable = true), PreNorm(Norm.RMSNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class ReluPostLayerNormResidualBlock
{
    [Residual, PostNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class ReluPostLayerNormPlainBlock
{
    [Plain, PostNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class ReluPostLayerNormScaledBlock
{
    [Residual(Scale = 0.5, Alpha = 1.3), PostNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class ReluPostLayerNormLearnableBlock
{
    [Residual(Scale = 0.7, Learnable = true), PostNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class ReluPostRmsNormResidualBlock
{
    [Residual, PostNorm(Norm.RMSNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class ReluPostRmsNormPlainBlock
{
    [Plain, PostNorm(Norm.RMSNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class ReluPostRmsNormScaledBlock
{
    [Residual(Scale = 0.5, Alpha = 1.3), PostNorm(Norm.RMSNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class ReluPostRmsNormLearnableBlock
{
    [Residual(Scale = 0.7, Learnable = true), PostNorm(Norm.RMSNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class ReluNoNormResidualBlock
{
    [Residual]
    [Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class ReluNoNormPlainBlock
{
    [Plain]
    [Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class ReluNoNormScaledBlock
{
    [Residual(Scale = 0.5, Alpha = 1.3)]
    [Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]
    public partial FeedForward F { get; }
}

[Block(Width = 20)]
public partial class ReluNoNormLearnableBlock
{
    [Residual(Scale = 0.7, Learnable = true)]
    [Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]
    public partial FeedForward F { get; }
}

/// <summary>Factories for every combination, by name.</summary>
public static class Combinations
{
    public static readonly IReadOnlyDictionary<string, Func<ModelOptions, IBlock>> Blocks = new Dictionary<string, Func<ModelOptions, IBlock>>
    {
        [nameof(AttentionPreLayerNormResidualBlock)] = o => new AttentionPreLayerNormResidualBlock(o),
        [nameof(AttentionPreLayerNormPlainBlock)] = o => new AttentionPreLayerNormPlainBlock(o),
        [nameof(AttentionPreLayerNormScaledBlock)] = o => new AttentionPreLayerNormScaledBlock(o),
        [nameof(AttentionPreLayerNormLearnableBlock)] = o => new AttentionPreLayerNormLearnableBlock(o),
        [nameof(AttentionPreRmsNormResidualBlock)] = o => new AttentionPreRmsNormResidualBlock(o),
        [nameof(AttentionPreRmsNormPlainBlock)] = o => new AttentionPreRmsNormPlainBlock(o),
        [nameof(AttentionPreRmsNormScaledBlock)] = o => new AttentionPreRmsNormScaledBlock(o),
        [nameof(AttentionPreRmsNormLearnableBlock)] = o => new AttentionPreRmsNormLearnableBlock(o),
        [nameof(AttentionPostLayerNormResidualBlock)] = o => new AttentionPostLayerNormResidualBlock(o),
        [nameof(AttentionPostLayerNormPlainBlock)] = o => new AttentionPostLayerNormPlainBlock(o),
        [nameof(AttentionPostLayerNormScaledBlock)] = o => new AttentionPostLayerNormScaledBlock(o),
        [nameof(AttentionPostLayerNormLearnableBlock)] = o => new AttentionPostLayerNormLearnableBlock(o),
        [nameof(AttentionPostRmsNormResidualBlock)] = o => new AttentionPostRmsNormResidualBlock(o),
        [nameof(AttentionPostRmsNormPlainBlock)] = o => new AttentionPostRmsNormPlainBlock(o),
        [nameof(AttentionPostRmsNormScaledBlock)] = o => new AttentionPostRmsNormScaledBlock(o),
        [nameof(AttentionPostRmsNormLearnableBlock)] = o => new AttentionPostRmsNormLearnableBlock(o),
        [nameof(AttentionNoNormResidualBlock)] = o => new AttentionNoNormResidualBlock(o),
        [nameof(AttentionNoNormPlainBlock)] = o => new AttentionNoNormPlainBlock(o),
        [nameof(AttentionNoNormScaledBlock)] = o => new AttentionNoNormScaledBlock(o),
        [nameof(AttentionNoNormLearnableBlock)] = o => new AttentionNoNormLearnableBlock(o),
        [nameof(GeluPreLayerNormResidualBlock)] = o => new GeluPreLayerNormResidualBlock(o),
        [nameof(GeluPreLayerNormPlainBlock)] = o => new GeluPreLayerNormPlainBlock(o),
        [nameof(GeluPreLayerNormScaledBlock)] = o => new GeluPreLayerNormScaledBlock(o),
        [nameof(GeluPreLayerNormLearnableBlock)] = o => new GeluPreLayerNormLearnableBlock(o),
        [nameof(GeluPreRmsNormResidualBlock)] = o => new GeluPreRmsNormResidualBlock(o),
        [nameof(GeluPreRmsNormPlainBlock)] = o => new GeluPreRmsNormPlainBlock(o),
        [nameof(GeluPreRmsNormScaledBlock)] = o => new GeluPreRmsNormScaledBlock(o),
        [nameof(GeluPreRmsNormLearnableBlock)] = o => new GeluPreRmsNormLearnableBlock(o),
        [nameof(GeluPostLayerNormResidualBlock)] = o => new GeluPostLayerNormResidualBlock(o),
        [nameof(GeluPostLayerNormPlainBlock)] = o => new GeluPostLayerNormPlainBlock(o),
        [nameof(GeluPostLayerNormScaledBlock)] = o => new GeluPostLayerNormScaledBlock(o),
        [nameof(GeluPostLayerNormLearnableBlock)] = o => new GeluPostLayerNormLearnableBlock(o),
        [nameof(GeluPostRmsNormResidualBlock)] = o => new GeluPostRmsNormResidualBlock(o),
        [nameof(GeluPostRmsNormPlainBlock)] = o => new GeluPostRmsNormPlainBlock(o),
        [nameof(GeluPostRmsNormScaledBlock)] = o => new GeluPostRmsNormScaledBlock(o),
        [nameof(GeluPostRmsNormLearnableBlock)] = o => new GeluPostRmsNormLearnableBlock(o),
        [nameof(GeluNoNormResidualBlock)] = o => new GeluNoNormResidualBlock(o),
        [nameof(GeluNoNormPlainBlock)] = o => new GeluNoNormPlainBlock(o),
        [nameof(GeluNoNormScaledBlock)] = o => new GeluNoNormScaledBlock(o),
        [nameof(GeluNoNormLearnableBlock)] = o => new GeluNoNormLearnableBlock(o),
        [nameof(ReluPreLayerNormResidualBlock)] = o => new ReluPreLayerNormResidualBlock(o),
        [nameof(ReluPreLayerNormPlainBlock)] = o => new ReluPreLayerNormPlainBlock(o),
        [nameof(ReluPreLayerNormScaledBlock)] = o => new ReluPreLayerNormScaledBlock(o),
        [nameof(ReluPreLayerNormLearnableBlock)] = o => new ReluPreLayerNormLearnableBlock(o),
        [nameof(ReluPreRmsNormResidualBlock)] = o => new ReluPreRmsNormResidualBlock(o),
        [nameof(ReluPreRmsNormPlainBlock)] = o => new ReluPreRmsNormPlainBlock(o),
        [nameof(ReluPreRmsNormScaledBlock)] = o => new ReluPreRmsNormScaledBlock(o),
        [nameof(ReluPreRmsNormLearnableBlock)] = o => new ReluPreRmsNormLearnableBlock(o),
        [nameof(ReluPostLayerNormResidualBlock)] = o => new ReluPostLayerNormResidualBlock(o),
        [nameof(ReluPostLayerNormPlainBlock)] = o => new ReluPostLayerNormPlainBlock(o),
        [nameof(ReluPostLayerNormScaledBlock)] = o => new ReluPostLayerNormScaledBlock(o),
        [nameof(ReluPostLayerNormLearnableBlock)] = o => new ReluPostLayerNormLearnableBlock(o),
        [nameof(ReluPostRmsNormResidualBlock)] = o => new ReluPostRmsNormResidualBlock(o),
        [nameof(ReluPostRmsNormPlainBlock)] = o => new ReluPostRmsNormPlainBlock(o),
        [nameof(ReluPostRmsNormScaledBlock)] = o => new ReluPostRmsNormScaledBlock(o),
        [nameof(ReluPostRmsNormLearnableBlock)] = o => new ReluPostRmsNormLearnableBlock(o),
        [nameof(ReluNoNormResidualBlock)] = o => new ReluNoNormResidualBlock(o),
        [nameof(ReluNoNormPlainBlock)] = o => new ReluNoNormPlainBlock(o),
        [nameof(ReluNoNormScaledBlock)] = o => new ReluNoNormScaledBlock(o),
        [nameof(ReluNoNormLearnableBlock)] = o => new ReluNoNormLearnableBlock(o),
    };
}
