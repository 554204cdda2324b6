using System;
using System.Collections.Generic;
using System.Linq;
using Xunit.Sdk;

namespace Residual.Generators.Tests.Infrastructure;

/// <summary>Deterministic test inputs and the float-against-double comparison.</summary>
public static class Numerics
{
    /// <summary>
    /// Relative tolerance of a float32 pass against the double reference. float32 keeps 24 bits (relative
    /// rounding 6e-8); a value here is a sum of at most a few hundred products (widths ≤ 128, hidden ≤ 128,
    /// time ≤ 6) passed through at most two layers of four sublayers, norms and a softmax, which grows the
    /// rounding to around 1e-6 of the magnitudes involved: 1e-4 leaves a margin of ~100 while a wrong
    /// formula, a wrong offset or a missed term is off by far more.
    /// </summary>
    public const double Relative = 1e-4;

    /// <summary>
    /// Absolute floor, as a fraction of the largest magnitude in the same tensor. Entries that are small
    /// because large terms cancel (a gradient summed over rows, a LayerNorm output near the mean) carry the
    /// rounding of those large terms, not of their small result; a purely relative test would fail on them.
    /// </summary>
    public const double FloorFraction = 1e-5;

    /// <summary>Uniform values in [-scale, scale), the same for the same seed.</summary>
    public static float[] Uniform(int count, int seed, double scale = 1.0)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        return values;
    }

    /// <summary>
    /// Overwrites every tensor with deterministic values in its usual range, so that nothing is zero or one by
    /// accident (zero biases or a residual scale starting at 0 would hide terms of the gradient): weights
    /// ±1/√fan-in, biases ±0.1, norm weights 1 ± 0.2, learnable scales in [0.5, 1).
    /// </summary>
    public static void Randomize(Span<float> parameters, IEnumerable<TensorInfo> layout, int seed)
    {
        var random = new Random(seed);
        foreach (var t in layout)
        {
            var span = parameters.Slice(t.Offset, t.Count);
            double fanIn = t.Shape.Length > 1 ? t.Shape[^1] : 1;
            for (int i = 0; i < span.Length; i++)
            {
                double u = random.NextDouble() * 2 - 1;
                span[i] = (float)(t.Init switch
                {
                    ParameterInit.Ones => 1 + 0.2 * u,
                    ParameterInit.Zeros => 0.1 * u,
                    ParameterInit.Constant => 0.75 + 0.25 * u,
                    _ => u / Math.Sqrt(fanIn),
                });
            }
        }
    }

    /// <summary>Fails unless every element of <paramref name="actual"/> is within tolerance of <paramref name="expected"/>.</summary>
    /// <returns>The worst error as a fraction of its tolerance (below 1 passes), for logging the margin.</returns>
    public static double AssertClose(string what, ReadOnlySpan<float> actual, ReadOnlySpan<double> expected)
    {
        if (actual.Length != expected.Length)
            throw new XunitException($"{what}: {actual.Length} values, expected {expected.Length}.");
        double largest = 0;
        foreach (double e in expected) largest = Math.Max(largest, Math.Abs(e));
        double floor = FloorFraction * largest + 1e-30;
        double worst = 0;
        int failures = 0, first = -1;
        for (int i = 0; i < actual.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            double ratio = error / (Relative * Math.Abs(expected[i]) + floor);
            if (!(ratio <= 1))
            {
                failures++;
                if (first < 0) first = i;
            }
            if (!(ratio <= worst)) worst = ratio;
        }
        if (failures > 0)
            throw new XunitException(
                $"{what}: {failures} of {actual.Length} values differ from the reference; first at [{first}]: " +
                $"{actual[first]:R} vs {expected[first]:R} (tolerance {Relative}·|expected| + {floor:G3}); worst error {worst:G3}× its tolerance.");
        return worst;
    }

    /// <summary><see cref="AssertClose(string, ReadOnlySpan{float}, ReadOnlySpan{double})"/> tensor by tensor, each with its own floor.</summary>
    /// <returns>The worst error as a fraction of its tolerance over all tensors.</returns>
    public static double AssertClose(string what, ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, IEnumerable<TensorInfo> layout)
    {
        if (actual.Length != expected.Length)
            throw new XunitException($"{what}: {actual.Length} values, expected {expected.Length}.");
        var failures = new List<string>();
        double worst = 0;
        foreach (var t in layout)
        {
            try
            {
                worst = Math.Max(worst, AssertClose($"{what} {t.Name}", actual.Slice(t.Offset, t.Count), expected.Slice(t.Offset, t.Count)));
            }
            catch (XunitException e)
            {
                failures.Add(e.Message);
            }
        }
        if (failures.Count > 0) throw new XunitException(string.Join("\n", failures));
        return worst;
    }

    public static double[] ToDouble(ReadOnlySpan<float> values) => Reference.ReferenceConvert.ToDouble(values);
}
