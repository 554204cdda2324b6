using System;
using System.Linq;
using Xunit.Sdk;

namespace Residual.Runtime.Tests.Kernels;

/// <summary>Deterministic random tensors and tolerance-aware comparisons for the kernel tests.</summary>
internal static class TestData
{
    /// <summary>Uniform floats in [lo, hi) from a fixed seed (System.Random with a seed is stable across runs).</summary>
    public static float[] Uniform(int count, int seed, float lo = -1f, float hi = 1f)
    {
        var rng = new Random(seed);
        var a = new float[count];
        for (int i = 0; i < count; i++)
            a[i] = lo + (hi - lo) * (float)rng.NextDouble();
        return a;
    }

    /// <summary>Uniform floats whose magnitude is at least <paramref name="gap"/> (keeps points away from a kink at 0).</summary>
    public static float[] AwayFromZero(int count, int seed, float gap)
    {
        var a = Uniform(count, seed);
        for (int i = 0; i < a.Length; i++)
            a[i] = MathF.CopySign(gap + MathF.Abs(a[i]), a[i]);
        return a;
    }

    public static int[] Ints(int count, int seed, int limit)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => rng.Next(limit)).ToArray();
    }

    public static double[] ToDouble(float[] a) => a.Select(x => (double)x).ToArray();

    /// <summary>
    /// Asserts |actual[i] − expected[i]| ≤ rtol·max_j |expected[j]| for every i. The tolerance is relative
    /// to the tensor's largest magnitude rather than to each element, because a float32 sum of n terms
    /// carries an absolute error proportional to the size of its terms, not of its (possibly cancelled)
    /// result.
    /// </summary>
    public static void Close(double[] expected, ReadOnlySpan<float> actual, double rtol, string what)
    {
        if (expected.Length != actual.Length)
            throw new XunitException($"{what}: length {actual.Length}, expected {expected.Length}.");
        double scale = 0;
        foreach (double e in expected) scale = Math.Max(scale, Math.Abs(e));
        double tol = rtol * Math.Max(scale, 1e-30);
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(actual[i] - expected[i]);
            if (!(err <= tol))
                throw new XunitException($"{what}[{i}] = {actual[i]:R}, expected {expected[i]:R} (error {err:E3} > tolerance {tol:E3} = {rtol:E1}·{scale:E3}).");
        }
    }

    /// <summary>2·a, for "a second call adds the same gradient again" expectations.</summary>
    public static double[] Twice(float[] a) => a.Select(v => 2.0 * v).ToArray();

    /// <summary>Element-wise sum, for "accumulates onto existing contents" expectations.</summary>
    public static double[] Plus(float[] start, double[] delta) => start.Select((s, i) => s + delta[i]).ToArray();
}
