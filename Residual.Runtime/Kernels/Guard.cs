using System;

namespace Residual.Kernels;

/// <summary>
/// Argument checks shared by every kernel. Each check is a single comparison on the success path and
/// builds its message only when it fails, so kernels stay allocation-free.
/// </summary>
internal static class Guard
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="value"/> &gt; 0.</summary>
    public static void Positive(int value, string name)
    {
        if (value <= 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive; got {value}.");
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> if a span that must hold data is empty.</summary>
    public static void NotEmpty(int length, string name)
    {
        if (length <= 0)
            throw new ArgumentOutOfRangeException(name, length, $"{name} is empty; it must hold at least one element.");
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming <paramref name="name"/> unless
    /// <paramref name="actual"/> equals the product of the factors. <paramref name="formula"/> names the
    /// factors joined by '·' (e.g. <c>"rows·width"</c>); it must list exactly as many names as factors
    /// are given (unused trailing factors default to 1 and are not printed).
    /// </summary>
    public static void Length(int actual, string name, string formula, int a, int b = 1, int c = 1, int d = 1, string unit = "floats")
    {
        long expected = Product(a, b, c, d);
        if (actual != expected)
            ThrowLength(actual, name, formula, a, b, c, d, unit, expected);
    }

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="name"/>, the first bad
    /// index and its value unless every value lies in <c>[0, limit)</c>.
    /// </summary>
    public static void Indices(ReadOnlySpan<int> values, int limit, string name, string limitName)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if ((uint)values[i] >= (uint)limit)
                throw new ArgumentOutOfRangeException(name, values[i],
                    $"{name}[{i}] = {values[i]} is outside [0, {limitName}) with {limitName} = {limit}.");
        }
    }

    /// <summary>
    /// Checks that a table of rows <paramref name="width"/> wide holds a whole number of rows, at least
    /// <paramref name="minRows"/> of them, and returns the row count. Throws <see cref="ArgumentException"/>
    /// naming <paramref name="name"/> otherwise.
    /// </summary>
    public static int Rows(int actual, int width, int minRows, string name, string rowsName)
    {
        if (actual % width != 0 || actual / width < minRows)
            throw new ArgumentException(
                $"{name} has {actual} floats; expected {rowsName}·width with {rowsName} ≥ {minRows} and width = {width} " +
                $"(a positive multiple of {width}, at least {(long)minRows * width}).", name);
        return actual / width;
    }

    /// <summary>
    /// Throws unless <paramref name="written"/> and <paramref name="read"/> share no memory: a kernel that writes
    /// while it still reads would silently compute garbage.
    /// </summary>
    public static void Disjoint(ReadOnlySpan<float> written, string writtenName, ReadOnlySpan<float> read, string readName)
    {
        if (written.Overlaps(read))
            throw new ArgumentException($"{writtenName} must not overlap {readName}: the kernel still reads {readName} while it writes {writtenName}.", writtenName);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="name"/> with <paramref name="message"/>.</summary>
    public static void Fail(string name, string message) => throw new ArgumentException($"{name}: {message}", name);

    /// <summary>The product of positive factors, saturated at <see cref="long.MaxValue"/> (such a length can never match a span).</summary>
    private static long Product(int a, int b, int c, int d)
    {
        long p = a;
        foreach (int f in (ReadOnlySpan<int>)[b, c, d])
            p = p > long.MaxValue / Math.Max(f, 1) ? long.MaxValue : p * f;
        return p;
    }

    private static void ThrowLength(int actual, string name, string formula, int a, int b, int c, int d, string unit, long expected)
    {
        int factors = formula.AsSpan().Count('·') + 1;
        string values = factors switch
        {
            1 => "",
            2 => $" = {a}·{b}",
            3 => $" = {a}·{b}·{c}",
            _ => $" = {a}·{b}·{c}·{d}",
        };
        throw new ArgumentException(
            $"{name} has {actual} {unit}; expected {formula}{values} = {expected}.", name);
    }
}
