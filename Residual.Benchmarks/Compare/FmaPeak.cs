using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Residual.Benchmarks;

/// <summary>
/// Measures one core's single-precision FMA ceiling: 12 independent chains of fused multiply-adds on the
/// widest accelerated vectors, nothing else. The comparison's "fraction of peak" is against this number ×
/// cores, measured in the same run (so a busy or throttled machine lowers the ceiling too).
/// </summary>
public static class FmaPeak
{
    /// <summary>Best of a few 0.1-second runs, GFLOP/s on the calling thread.</summary>
    public static double GflopsPerCore()
    {
        long steps = 2_000_000;
        double best = 0;
        for (int trial = 0; trial < 7; trial++)
        {
            var timer = Stopwatch.StartNew();
            double flops = Vector512.IsHardwareAccelerated ? Chains512(steps) : Vector256.IsHardwareAccelerated ? Chains256(steps) : 0;
            best = Math.Max(best, flops / timer.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Chains512(long steps)
    {
        Vector512<float> m = Vector512.Create(0.999f), s = Vector512.Create(1e-3f);
        Vector512<float> a0 = s, a1 = s + s, a2 = s * s, a3 = s - m, a4 = m, a5 = m + s, a6 = m * m, a7 = m - s, a8 = m * s, a9 = s * 3f, a10 = s * 5f, a11 = s * 7f;
        for (long i = 0; i < steps; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, s); a1 = Vector512.FusedMultiplyAdd(a1, m, s); a2 = Vector512.FusedMultiplyAdd(a2, m, s);
            a3 = Vector512.FusedMultiplyAdd(a3, m, s); a4 = Vector512.FusedMultiplyAdd(a4, m, s); a5 = Vector512.FusedMultiplyAdd(a5, m, s);
            a6 = Vector512.FusedMultiplyAdd(a6, m, s); a7 = Vector512.FusedMultiplyAdd(a7, m, s); a8 = Vector512.FusedMultiplyAdd(a8, m, s);
            a9 = Vector512.FusedMultiplyAdd(a9, m, s); a10 = Vector512.FusedMultiplyAdd(a10, m, s); a11 = Vector512.FusedMultiplyAdd(a11, m, s);
        }
        Keep(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
        return steps * 12.0 * 2 * Vector512<float>.Count;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Chains256(long steps)
    {
        Vector256<float> m = Vector256.Create(0.999f), s = Vector256.Create(1e-3f);
        Vector256<float> a0 = s, a1 = s + s, a2 = s * s, a3 = s - m, a4 = m, a5 = m + s, a6 = m * m, a7 = m - s, a8 = m * s, a9 = s * 3f, a10 = s * 5f, a11 = s * 7f;
        for (long i = 0; i < steps; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, s); a1 = Vector256.FusedMultiplyAdd(a1, m, s); a2 = Vector256.FusedMultiplyAdd(a2, m, s);
            a3 = Vector256.FusedMultiplyAdd(a3, m, s); a4 = Vector256.FusedMultiplyAdd(a4, m, s); a5 = Vector256.FusedMultiplyAdd(a5, m, s);
            a6 = Vector256.FusedMultiplyAdd(a6, m, s); a7 = Vector256.FusedMultiplyAdd(a7, m, s); a8 = Vector256.FusedMultiplyAdd(a8, m, s);
            a9 = Vector256.FusedMultiplyAdd(a9, m, s); a10 = Vector256.FusedMultiplyAdd(a10, m, s); a11 = Vector256.FusedMultiplyAdd(a11, m, s);
        }
        Keep(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
        return steps * 12.0 * 2 * Vector256<float>.Count;
    }

    private static float s_sink;

    private static void Keep<T>(T v) where T : struct => s_sink += v.GetHashCode();
}
