namespace Residual.Samples.Experiments.Models;

// Wiring 2 of 4: a residual around each sublayer, norm after the residual add (Vaswani et al. 2017). The
// identity path passes through a LayerNorm in every sublayer, so dL/dx is rescaled 2·Layers times on its way down.
// Each depth is its own [Model] declaration because Layers is a compile-time constant of the generated code;
// the block, the sizes and the final norm are the same in every wiring (see DepthModels).

/// <summary>Per-sublayer residual, post-norm (the 2017 Transformer's "Add &amp; Norm"): <c>x ← LayerNorm(x + Attention(x))</c>, then <c>x ← LayerNorm(x + FeedForward(x))</c>.</summary>
[Block(Width = DepthModels.Width)]
public partial class PostNormBlock
{
    /// <summary>Causal self-attention, <see cref="DepthModels.Heads"/> heads.</summary>
    [Residual, PostNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = DepthModels.Heads)]
    public partial Attention Attend { get; }

    /// <summary>Feed-forward network, Width → <see cref="DepthModels.Hidden"/> → Width with GELU.</summary>
    [Residual, PostNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = DepthModels.Hidden)]
    public partial FeedForward Mix { get; }
}

/// <summary>2 × <see cref="PostNormBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 2, FinalNorm = Norm.LayerNorm)]
public partial class PostNorm2 : Transformer<PostNormBlock>;

/// <summary>4 × <see cref="PostNormBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 4, FinalNorm = Norm.LayerNorm)]
public partial class PostNorm4 : Transformer<PostNormBlock>;

/// <summary>8 × <see cref="PostNormBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 8, FinalNorm = Norm.LayerNorm)]
public partial class PostNorm8 : Transformer<PostNormBlock>;

// RES0011 warns about post-norm stacks deeper than 12 layers with plain residuals: exactly what the experiment measures,
// so it is suppressed for the deep declarations below.
#pragma warning disable RES0011
/// <summary>16 × <see cref="PostNormBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 16, FinalNorm = Norm.LayerNorm)]
public partial class PostNorm16 : Transformer<PostNormBlock>;

/// <summary>32 × <see cref="PostNormBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 32, FinalNorm = Norm.LayerNorm)]
public partial class PostNorm32 : Transformer<PostNormBlock>;

/// <summary>64 × <see cref="PostNormBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 64, FinalNorm = Norm.LayerNorm)]
public partial class PostNorm64 : Transformer<PostNormBlock>;
#pragma warning restore RES0011
