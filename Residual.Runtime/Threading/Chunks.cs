using System;

namespace Residual.Threading;

/// <summary>
/// Splits an elementwise kernel's <c>[0, n)</c> between threads in chunks whose starts are multiples of
/// 64 floats. Every element then takes the same code path (full vector or tail) whatever the thread count,
/// so results do not depend on it.
/// </summary>
internal static class Chunks
{
    /// <summary>Elements a part should have at least before a second thread pays for itself.</summary>
    private const int MinPerPart = 16 * 1024;

    private const int Align = 64;

    /// <summary>Number of parts for <paramref name="n"/> elements.</summary>
    public static int Parts(int n) => Math.Clamp(n / MinPerPart, 1, Parallelism.MaxThreads);

    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/>: <c>[start, end)</c>.</summary>
    public static (int Start, int End) Range(int n, int part, int parts)
    {
        int blocks = (n + Align - 1) / Align;
        int start = (int)((long)blocks * part / parts) * Align, end = (int)((long)blocks * (part + 1) / parts) * Align;
        return (Math.Min(start, n), Math.Min(end, n));
    }
}
