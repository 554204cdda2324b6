using System;

namespace Residual.Reference;

/// <summary>Argument checks for the reference path; messages name the argument, the expectation and what was passed.</summary>
internal static class ReferenceGuard
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="value"/> is positive.</summary>
    public static void Positive(int value, string name)
    {
        if (value <= 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive; got {value}.");
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless <paramref name="actual"/> equals <paramref name="expected"/>.
    /// <paramref name="formula"/> says how the expectation is made up (for example <c>rows·width</c>).
    /// </summary>
    public static void Length(int actual, long expected, string name, string formula)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has length {actual}; expected {expected} ({formula}).", name);
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first entry of <paramref name="ids"/> outside <c>[0, limit)</c>.</summary>
    public static void Ids(ReadOnlySpan<int> ids, int limit, string name, string what)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)limit)
                throw new ArgumentOutOfRangeException(name, ids[i], $"{name}[{i}] = {ids[i]} is outside the {what} [0, {limit}).");
        }
    }

    /// <summary>Product of sizes as a long, so that length checks cannot overflow.</summary>
    public static long Product(int a, int b, int c = 1, int d = 1) => (long)a * b * c * d;
}
