using Residual;

namespace Residual.Samples.Tests;

// Small models declared with the DSL, so the checkpoint tests run on generated code in milliseconds.

[Block(Width = 16)]
public partial class TinyBlock
{
    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 2)]
    public partial Attention Attend { get; }

    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 32)]
    public partial FeedForward Mix { get; }
}

[Model(Vocab = 20, Context = 8, Layers = 2, FinalNorm = Norm.LayerNorm)]
public partial class TinyLm : Transformer<TinyBlock>;

/// <summary>Same block, one more layer: a checkpoint of one must not load into the other.</summary>
[Model(Vocab = 20, Context = 8, Layers = 3, FinalNorm = Norm.LayerNorm)]
public partial class DeeperLm : Transformer<TinyBlock>;
