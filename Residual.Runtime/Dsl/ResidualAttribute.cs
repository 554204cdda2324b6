using System;

namespace Residual;

/// <summary>
/// Wraps a sublayer in a residual connection: <c>y = Alpha·x + Scale·F(x)</c>.
/// The default is the plain <c>y = x + F(x)</c>. <see cref="Learnable"/> makes <see cref="Scale"/>
/// a trained scalar that starts at its given value (ReZero: <c>Scale = 0, Learnable = true</c>);
/// <see cref="Alpha"/> scales the identity path (DeepNorm: <c>Alpha &gt; 1</c>).
/// </summary>
/// <remarks>
/// The residual belongs on each sublayer. On a block class it wraps the whole block, which is a
/// wiring mistake the analyzers report.
/// </remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ResidualAttribute : Attribute
{
    /// <summary>Scale on the branch <c>F(x)</c>; the initial value when <see cref="Learnable"/>.</summary>
    public double Scale { get; set; } = 1.0;

    /// <summary>Whether the branch scale is a trained parameter (<c>h.{i}.res_{k}.scale</c>).</summary>
    public bool Learnable { get; set; }

    /// <summary>Scale on the identity path <c>x</c>.</summary>
    public double Alpha { get; set; } = 1.0;
}

/// <summary>
/// Declares deliberately that a sublayer has no residual connection (<c>y = F(x)</c>): the "plain"
/// network of He et al. Without this, a sublayer lacking <see cref="ResidualAttribute"/> is a wiring mistake.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class PlainAttribute : Attribute
{
}
