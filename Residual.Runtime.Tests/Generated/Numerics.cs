using System;
using System.Collections.Generic;
using System.Linq;
using Residual;
using Xunit;

namespace Residual.Runtime.Tests.Generated;

/// <summary>Shared helpers: deterministic random tensors and float-versus-double comparisons.</summary>
internal static class Numerics
{
    public static float[] Random(int n, ulong seed, double std = 1.0)
    {
        var rng = new Rng(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextNormal() * std);
        return a;
    }

    /// <summary>
    /// Gives every parameter a generic value, so no gradient vanishes by accident: weights and biases
    /// N(0, 0.3²), norm weights 1 + N(0, 0.2²). Learnable residual scales keep their declared start.
    /// </summary>
    public static void Randomize(Span<float> parameters, IReadOnlyList<TensorInfo> layout, ulong seed)
    {
        var rng = new Rng(seed);
        foreach (var t in layout)
        {
            if (t.Init == ParameterInit.Constant) continue;
            bool normWeight = t.Name.Contains("ln_") && t.Name.EndsWith(".weight", StringComparison.Ordinal);
            var span = parameters.Slice(t.Offset, t.Count);
            for (int i = 0; i < span.Length; i++)
                span[i] = (float)(normWeight ? 1 + 0.2 * rng.NextNormal() : 0.3 * rng.NextNormal());
        }
    }

    public static double[] ToDouble(ReadOnlySpan<float> a)
    {
        var d = new double[a.Length];
        for (int i = 0; i < a.Length; i++) d[i] = a[i];
        return d;
    }

    /// <summary>
    /// Asserts <paramref name="actual"/> (float) equals <paramref name="expected"/> (double) within
    /// <c>tolerance·max|expected| + 1e-6</c>. Scaling by the tensor's largest entry makes the bound
    /// independent of the tensor's magnitude; a wrong gradient formula errs by O(max|expected|).
    /// </summary>
    public static void AssertClose(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, string what, double tolerance = 1e-4)
    {
        Assert.True(actual.Length == expected.Length, $"{what}: {actual.Length} floats, expected {expected.Length}.");
        double scale = 0;
        foreach (double e in expected) scale = Math.Max(scale, Math.Abs(e));
        double bound = tolerance * scale + 1e-6;
        for (int i = 0; i < actual.Length; i++)
        {
            double diff = Math.Abs(actual[i] - expected[i]);
            Assert.True(diff <= bound, $"{what}[{i}]: got {actual[i]:G9}, reference {expected[i]:G9} (|diff| {diff:G3} > bound {bound:G3}, max |reference| {scale:G3}).");
        }
    }

    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }

    /// <summary>A few entries of a tensor to probe with finite differences: first, last, and some in between.</summary>
    public static IEnumerable<int> Samples(int count, int maxSamples = 4) =>
        Enumerable.Range(0, maxSamples).Select(k => (int)((long)k * (count - 1) / Math.Max(1, maxSamples - 1))).Distinct();
}
