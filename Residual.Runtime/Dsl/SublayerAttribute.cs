using System;

namespace Residual;

/// <summary>
/// Names the computation <c>F</c> of a sublayer: the built-in <see cref="Attention"/> or
/// <see cref="FeedForward"/>, or a user type deriving from <see cref="Sublayer"/>.
/// An option that the named sublayer does not use has no effect and gets warning RES0016.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class SublayerAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="type">The sublayer's type.</param>
    public SublayerAttribute(Type type) => Type = type;

    /// <summary>The sublayer's type.</summary>
    public Type Type { get; }

    /// <summary>Attention heads (<see cref="Attention"/>); must divide the block's width.</summary>
    public int Heads { get; set; }

    /// <summary>Hidden size (<see cref="FeedForward"/>); 0 means four times the width.</summary>
    public int Hidden { get; set; }

    /// <summary>Nonlinearity (<see cref="FeedForward"/>).</summary>
    public Activation Activation { get; set; } = Activation.Gelu;
}
