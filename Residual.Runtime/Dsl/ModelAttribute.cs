using System;

namespace Residual;

/// <summary>
/// Declares a <c>partial</c> class deriving from <see cref="Transformer{TBlock}"/> as a decoder-only
/// language model: token and learned position embeddings, <see cref="Layers"/> copies of the block,
/// an optional final norm, a head tied to the token embedding, and a cross-entropy loss.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ModelAttribute : Attribute
{
    /// <summary>Vocabulary size (rows of the token embedding and of the tied head).</summary>
    public int Vocab { get; set; }

    /// <summary>Longest sequence the model accepts (rows of the position embedding).</summary>
    public int Context { get; set; }

    /// <summary>Number of stacked blocks.</summary>
    public int Layers { get; set; }

    /// <summary>Norm applied to the residual stream before the head (<c>ln_f</c>). Pre-norm stacks need one.</summary>
    public Norm FinalNorm { get; set; } = Norm.LayerNorm;
}
