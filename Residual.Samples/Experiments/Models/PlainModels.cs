namespace Residual.Samples.Experiments.Models;

// Wiring 4 of 4: the same pre-norm sublayers without any identity path, declared [Plain] on purpose (without it
// each sublayer would get RES0002). A stack of these is the "plain" network of He et al. (2016).
// Each depth is its own [Model] declaration because Layers is a compile-time constant of the generated code;
// the block, the sizes and the final norm are the same in every wiring (see DepthModels).

/// <summary>No residual at all (deliberately <c>[Plain]</c>): <c>x ← Attention(LayerNorm(x))</c>, then <c>x ← FeedForward(LayerNorm(x))</c>.</summary>
[Block(Width = DepthModels.Width)]
public partial class PlainBlock
{
    /// <summary>Causal self-attention, <see cref="DepthModels.Heads"/> heads.</summary>
    [Plain, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = DepthModels.Heads)]
    public partial Attention Attend { get; }

    /// <summary>Feed-forward network, Width → <see cref="DepthModels.Hidden"/> → Width with GELU.</summary>
    [Plain, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = DepthModels.Hidden)]
    public partial FeedForward Mix { get; }
}

/// <summary>2 × <see cref="PlainBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 2, FinalNorm = Norm.LayerNorm)]
public partial class Plain2 : Transformer<PlainBlock>;

/// <summary>4 × <see cref="PlainBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 4, FinalNorm = Norm.LayerNorm)]
public partial class Plain4 : Transformer<PlainBlock>;

/// <summary>8 × <see cref="PlainBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 8, FinalNorm = Norm.LayerNorm)]
public partial class Plain8 : Transformer<PlainBlock>;

/// <summary>16 × <see cref="PlainBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 16, FinalNorm = Norm.LayerNorm)]
public partial class Plain16 : Transformer<PlainBlock>;

/// <summary>32 × <see cref="PlainBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 32, FinalNorm = Norm.LayerNorm)]
public partial class Plain32 : Transformer<PlainBlock>;

/// <summary>64 × <see cref="PlainBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 64, FinalNorm = Norm.LayerNorm)]
public partial class Plain64 : Transformer<PlainBlock>;
