using System;

namespace Residual;

/// <summary>Normalises the sublayer's input: <c>y = x + F(N(x))</c> (GPT-2).</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class PreNormAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="norm">LayerNorm or RMSNorm.</param>
    public PreNormAttribute(Norm norm = Norm.LayerNorm) => Norm = norm;

    /// <summary>The norm.</summary>
    public Norm Norm { get; }
}

/// <summary>Normalises after the residual add: <c>y = N(x + F(x))</c> (the 2017 Transformer's "Add &amp; Norm").</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class PostNormAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="norm">LayerNorm or RMSNorm.</param>
    public PostNormAttribute(Norm norm = Norm.LayerNorm) => Norm = norm;

    /// <summary>The norm.</summary>
    public Norm Norm { get; }
}
