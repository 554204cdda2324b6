using System;

namespace Residual;

/// <summary>
/// Declares a <c>partial</c> class as a Transformer block: an ordered list of sublayers (its
/// properties marked <see cref="SublayerAttribute"/>, in declaration order) that each read and
/// write a residual stream of <see cref="Width"/> floats per token. The source generator writes the
/// block's parameter layout, activation layout, <c>Forward</c> and <c>Backward</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class BlockAttribute : Attribute
{
    /// <summary>Width of the residual stream (the model dimension, <c>n_embd</c> in GPT-2).</summary>
    public int Width { get; set; }
}
