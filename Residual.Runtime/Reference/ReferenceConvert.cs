using System;

namespace Residual.Reference;

/// <summary>Moves values between the float arenas of the fast path and the double spans of the reference path.</summary>
public static class ReferenceConvert
{
    /// <summary>Widens every value of <paramref name="values"/> to double (exactly).</summary>
    /// <param name="values">Floats to widen.</param>
    /// <returns>A new array of the same length.</returns>
    public static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }

    /// <summary>Widens every parameter of <paramref name="arena"/> to double, in layout order.</summary>
    /// <param name="arena">The parameters (or gradients).</param>
    /// <returns>A new array of <see cref="ParameterArena.Count"/> values.</returns>
    public static double[] ToDouble(ParameterArena arena)
    {
        ArgumentNullException.ThrowIfNull(arena);
        return ToDouble(arena.Data);
    }

    /// <summary>Rounds every value of <paramref name="values"/> to the nearest float.</summary>
    /// <param name="values">Doubles to round.</param>
    /// <returns>A new array of the same length.</returns>
    public static float[] ToSingle(ReadOnlySpan<double> values)
    {
        var result = new float[values.Length];
        CopyToSingle(values, result);
        return result;
    }

    /// <summary>Rounds every value of <paramref name="source"/> to the nearest float and writes it to <paramref name="destination"/>.</summary>
    /// <param name="source">Doubles to round.</param>
    /// <param name="destination">Where the floats go; same length as <paramref name="source"/> (for example a <see cref="ParameterArena.Data"/>).</param>
    public static void CopyToSingle(ReadOnlySpan<double> source, Span<float> destination)
    {
        ReferenceGuard.Length(destination.Length, source.Length, nameof(destination), "source.Length");
        for (int i = 0; i < source.Length; i++) destination[i] = (float)source[i];
    }
}
