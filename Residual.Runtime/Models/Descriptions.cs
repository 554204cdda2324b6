using System;
using System.Collections.Generic;
using System.Linq;

namespace Residual;

/// <summary>Which computation a sublayer performs.</summary>
public enum SublayerKind
{
    /// <summary>Built-in causal multi-head self-attention.</summary>
    Attention = 0,

    /// <summary>Built-in feed-forward: Linear → activation → Linear.</summary>
    FeedForward = 1,

    /// <summary>A user type deriving from <see cref="Sublayer"/>.</summary>
    Custom = 2,
}

/// <summary>Where a sublayer's norm sits relative to its residual add.</summary>
public enum NormPlacement
{
    /// <summary>No norm: <c>y = x + F(x)</c>.</summary>
    None = 0,

    /// <summary>Pre-norm: <c>y = x + F(N(x))</c>.</summary>
    Pre = 1,

    /// <summary>Post-norm: <c>y = N(x + F(x))</c>.</summary>
    Post = 2,
}

/// <summary>
/// One sublayer of a block as declared: the data the generator bakes into code, also available at
/// run time (each generated block exposes it as <c>Description</c>) for the reference path and tools.
/// </summary>
/// <param name="Member">The declaring property's name.</param>
/// <param name="Kind">The computation.</param>
/// <param name="Placement">Pre-, post- or no norm.</param>
/// <param name="Norm">Which norm (ignored when <paramref name="Placement"/> is None).</param>
/// <param name="Residual">Whether <c>x</c> is added back; false for a sublayer declared plain.</param>
/// <param name="Scale">Branch scale (initial value when learnable).</param>
/// <param name="LearnableScale">Whether the branch scale is a parameter.</param>
/// <param name="Alpha">Identity-path scale.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="Hidden">Feed-forward hidden size.</param>
/// <param name="Activation">Feed-forward nonlinearity.</param>
/// <param name="Prefix">Parameter-name prefix (<c>attn</c>, <c>mlp</c>, or the member in snake case).</param>
public sealed record SublayerDescription(
    string Member,
    SublayerKind Kind,
    NormPlacement Placement,
    Norm Norm,
    bool Residual,
    double Scale,
    bool LearnableScale,
    double Alpha,
    int Heads,
    int Hidden,
    Activation Activation,
    string Prefix);

/// <summary>
/// One residual around a whole block, <c>y = Alpha·x + Scale·Block(x)</c>, declared with <c>[Residual]</c> on the
/// block class (diagnostic RES0001, suppressed when deliberate). <c>Block(x)</c> runs the sublayers in order,
/// each wired as declared.
/// </summary>
/// <param name="Scale">Scale on the block's output; the initial value when <paramref name="LearnableScale"/>.</param>
/// <param name="LearnableScale">Whether the scale is a parameter (<c>res.scale</c>, after every sublayer's tensors).</param>
/// <param name="Alpha">Scale on the identity path.</param>
public sealed record BlockResidualDescription(double Scale, bool LearnableScale, double Alpha);

/// <summary>A block as declared: its width and its sublayers in declaration order.</summary>
/// <param name="Name">The block type's name.</param>
/// <param name="Width">Residual-stream width.</param>
/// <param name="Sublayers">Sublayers in declaration order.</param>
public sealed record BlockDescription(string Name, int Width, IReadOnlyList<SublayerDescription> Sublayers)
{
    /// <summary>The residual around the whole block (<c>[Residual]</c> on the block class), or null when there is none.</summary>
    public BlockResidualDescription? Residual { get; init; }

    /// <inheritdoc/>
    public bool Equals(BlockDescription? other) =>
        other is not null && Name == other.Name && Width == other.Width && Sublayers.SequenceEqual(other.Sublayers) && Equals(Residual, other.Residual);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Width, Sublayers.Count, Residual);
}

/// <summary>A model as declared.</summary>
/// <param name="Name">The model type's name.</param>
/// <param name="Vocab">Vocabulary size.</param>
/// <param name="Context">Maximum sequence length.</param>
/// <param name="Layers">Number of blocks.</param>
/// <param name="FinalNorm">Norm before the tied head.</param>
/// <param name="Block">The repeated block.</param>
public sealed record ModelDescription(string Name, int Vocab, int Context, int Layers, Norm FinalNorm, BlockDescription Block);
