namespace Residual.Samples.Experiments.Models;

// Wiring 1 of 4: a residual around each sublayer, norm before the sublayer (GPT-2). The rules the analyzers
// enforce are all satisfied: every sublayer has its identity path and the stack ends in a final norm (ln_f).
// Each depth is its own [Model] declaration because Layers is a compile-time constant of the generated code;
// the block, the sizes and the final norm are the same in every wiring (see DepthModels).

/// <summary>Per-sublayer residual, pre-norm (GPT-2, the library's default): <c>x ← x + Attention(LayerNorm(x))</c>, then <c>x ← x + FeedForward(LayerNorm(x))</c>.</summary>
[Block(Width = DepthModels.Width)]
public partial class PreNormBlock
{
    /// <summary>Causal self-attention, <see cref="DepthModels.Heads"/> heads.</summary>
    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = DepthModels.Heads)]
    public partial Attention Attend { get; }

    /// <summary>Feed-forward network, Width → <see cref="DepthModels.Hidden"/> → Width with GELU.</summary>
    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = DepthModels.Hidden)]
    public partial FeedForward Mix { get; }
}

/// <summary>2 × <see cref="PreNormBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 2, FinalNorm = Norm.LayerNorm)]
public partial class PreNorm2 : Transformer<PreNormBlock>;

/// <summary>4 × <see cref="PreNormBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 4, FinalNorm = Norm.LayerNorm)]
public partial class PreNorm4 : Transformer<PreNormBlock>;

/// <summary>8 × <see cref="PreNormBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 8, FinalNorm = Norm.LayerNorm)]
public partial class PreNorm8 : Transformer<PreNormBlock>;

/// <summary>16 × <see cref="PreNormBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 16, FinalNorm = Norm.LayerNorm)]
public partial class PreNorm16 : Transformer<PreNormBlock>;

/// <summary>32 × <see cref="PreNormBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 32, FinalNorm = Norm.LayerNorm)]
public partial class PreNorm32 : Transformer<PreNormBlock>;

/// <summary>64 × <see cref="PreNormBlock"/>.</summary>
[Model(Vocab = CharVocabulary.Size, Context = DepthModels.Context, Layers = 64, FinalNorm = Norm.LayerNorm)]
public partial class PreNorm64 : Transformer<PreNormBlock>;
