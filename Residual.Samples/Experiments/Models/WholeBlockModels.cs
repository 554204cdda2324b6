namespace Residual.Samples.Experiments.Models;

// Wiring 3 of 4: ONE residual around the whole block, x ← x + M(LN(A(LN(x)))), with the same pre-norm sublayers
// marked [Plain] inside it. This is the mistake RES0001 reports (a [Residual] moved off the sublayers onto the block);
// here it is built on purpose, so the warning is suppressed for this declaration only. Each block keeps one identity
// path instead of two, and inside it the gradient crosses the feed-forward and the attention as in a plain network.
// Each depth is its own [Model] declaration because Layers is a compile-time constant of the generated code;
// the block, the sizes and the final norm are the same in every wiring (see DepthModels).

/// <summary>One residual around the whole block (deliberately; RES0001 suppressed): <c>x ← x + FeedForward(LayerNorm(Attention(LayerNorm(x))))</c>.</summary>
#pragma warning disable RES0001 // deliberate: the experiment measures what the per-sublayer residuals add
[Block(Width = DepthModels.Width), Residual]
#pragma warning restore RES0001
public partial class WholeBlockBlock
{
    /// <summary>Causal self-attention, <see cref="DepthModels.Heads"/> heads, inside the block's residual.</summary>
    [Plain, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = DepthModels.Heads)]
    public partial Attention Attend { get; }

    /// <summary>Feed-forward network, Width → <see cref="DepthModels.Hidden"/> → Width with GELU; its output is the block's residual branch.</summary>
    [Plain, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = DepthModels.Hidden)]
    public partial FeedForward Mix { get; }
}

/// <summary>2 × <see cref="WholeBlockBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 2, FinalNorm = Norm.LayerNorm)]
public partial class WholeBlock2 : Transformer<WholeBlockBlock>;

/// <summary>4 × <see cref="WholeBlockBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 4, FinalNorm = Norm.LayerNorm)]
public partial class WholeBlock4 : Transformer<WholeBlockBlock>;

/// <summary>8 × <see cref="WholeBlockBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 8, FinalNorm = Norm.LayerNorm)]
public partial class WholeBlock8 : Transformer<WholeBlockBlock>;

/// <summary>16 × <see cref="WholeBlockBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 16, FinalNorm = Norm.LayerNorm)]
public partial class WholeBlock16 : Transformer<WholeBlockBlock>;

/// <summary>32 × <see cref="WholeBlockBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 32, FinalNorm = Norm.LayerNorm)]
public partial class WholeBlock32 : Transformer<WholeBlockBlock>;

/// <summary>64 × <see cref="WholeBlockBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 64, FinalNorm = Norm.LayerNorm)]
public partial class WholeBlock64 : Transformer<WholeBlockBlock>;
