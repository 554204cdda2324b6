using System;

namespace Residual;

/// <summary>
/// Declares, on a custom <see cref="Sublayer"/> class, that its output always has <see cref="Width"/> floats per token,
/// whatever the width of the residual stream it is placed in (for example a sublayer with a fixed projection). A
/// residual add <c>x + F(x)</c> needs the two widths to be equal, so a block of another width that uses the sublayer
/// gets the build error RES0005 instead of generated code. Without this attribute a custom sublayer is
/// width-generic: it is given the stream's width and must produce that many floats per token.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class OutputWidthAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="width">Floats per token the sublayer writes.</param>
    public OutputWidthAttribute(int width) => Width = width;

    /// <summary>Floats per token the sublayer writes.</summary>
    public int Width { get; }
}
