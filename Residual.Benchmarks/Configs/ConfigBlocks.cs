using Residual;

namespace Residual.Benchmarks;

// The GPT-2 pre-norm blocks of the speed issue's configs (hidden = 4·C, GELU), declared with the DSL like a
// user would. A config's stack is L of them; see BenchConfig.

/// <summary>Config S: C = 128, 4 heads.</summary>
[Block(Width = 128)]
public partial class SBlock
{
    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention Attend { get; }

    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 512)]
    public partial FeedForward Mix { get; }
}

/// <summary>Config M: C = 256, 8 heads.</summary>
[Block(Width = 256)]
public partial class MBlock
{
    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 8)]
    public partial Attention Attend { get; }

    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 1024)]
    public partial FeedForward Mix { get; }
}

/// <summary>Config L: C = 512, 8 heads.</summary>
[Block(Width = 512)]
public partial class LBlock
{
    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 8)]
    public partial Attention Attend { get; }

    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 2048)]
    public partial FeedForward Mix { get; }
}

/// <summary>Config XL: C = 768, 12 heads (GPT-2 small's block).</summary>
[Block(Width = 768)]
public partial class XlBlock
{
    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 12)]
    public partial Attention Attend { get; }

    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 3072)]
    public partial FeedForward Mix { get; }
}
