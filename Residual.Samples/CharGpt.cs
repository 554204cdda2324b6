namespace Residual.Samples;

// The model, declared with the DSL. The generator reads these attributes at build time and writes the
// parameter layout, Forward and Backward (see obj/**/generated/ with EmitCompilerGeneratedFiles=true).

/// <summary>
/// One GPT-2 block of width 64: each sublayer is pre-normed and wrapped in its own residual,
/// <c>x ← x + Attention(LayerNorm(x))</c>, then <c>x ← x + FeedForward(LayerNorm(x))</c>.
/// </summary>
[Block(Width = 64)]
public partial class CharBlock
{
    /// <summary>Causal self-attention over the previous characters, 4 heads of 16.</summary>
    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention Attend { get; }

    /// <summary>Per-character feed-forward network, 64 → 256 → 64 with GELU.</summary>
    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 256)]
    public partial FeedForward Mix { get; }
}

/// <summary>
/// A character-level GPT: embeddings of the <see cref="CharVocabulary"/> symbols and of 64 positions,
/// three <see cref="CharBlock"/>s, a final LayerNorm and a head tied to the token embedding.
/// </summary>
[Model(Vocab = CharVocabulary.Size, Context = 64, Layers = 3, FinalNorm = Norm.LayerNorm)]
public partial class CharGpt : Transformer<CharBlock>;
