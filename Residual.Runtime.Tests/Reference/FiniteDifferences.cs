using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Residual.Reference;
using Xunit;

namespace Residual.Runtime.Tests.Reference;

/// <summary>Central finite differences in double precision, and the tolerance every gradient check uses.</summary>
internal static class FiniteDifferences
{
    /// <summary>Step of the central difference.</summary>
    public const double Step = 1e-5;

    // Why these tolerances: the central difference (L(θ+h) − L(θ−h)) / 2h differs from dL/dθ by the
    // truncation term h²/6·L‴ (≈ 2e-11 for third derivatives of order one) plus rounding: each
    // evaluation of L = Σ output·R (tens of terms of order one) is off by a few ε·|terms|, and dividing
    // by 2h = 2e-5 turns that into ≈ 1e-10. The largest disagreement seen across all these tests is
    // 2e-9 (on gradients of order one). A relative error of 1e-6 with an absolute floor of 1e-8 thus
    // leaves a margin of more than 100 for the numerics, while a real mistake (a missing term, a wrong
    // index, a factor of 2 or of the residual scale) shows up as a relative error of order one:
    // deliberately breaking a kernel or the block wiring makes these checks fail.

    /// <summary>Allowed relative error.</summary>
    public const double Relative = 1e-6;

    /// <summary>Absolute floor for gradients that are (almost) zero.</summary>
    public const double Absolute = 1e-8;

    /// <summary>Whether an analytic and a numeric derivative agree within the tolerance.</summary>
    public static bool Close(double analytic, double numeric) =>
        Math.Abs(analytic - numeric) <= Relative * Math.Max(Math.Abs(analytic), Math.Abs(numeric)) + Absolute;

    /// <summary>The central difference of <paramref name="loss"/> with respect to <paramref name="values"/>[<paramref name="index"/>], which is restored afterwards.</summary>
    public static double Derivative(Func<double> loss, double[] values, int index)
    {
        double saved = values[index];
        values[index] = saved + Step;
        double plus = loss();
        values[index] = saved - Step;
        double minus = loss();
        values[index] = saved;
        return (plus - minus) / (2 * Step);
    }

    /// <summary>
    /// Compares <paramref name="analytic"/>[offset + i] with the finite difference of <paramref name="loss"/>
    /// with respect to <paramref name="values"/>[offset + i] for every index in <paramref name="indices"/>
    /// (default: all of <c>[offset, offset + count)</c>), and fails listing the worst mismatches.
    /// </summary>
    public static void Check(string name, Func<double> loss, double[] values, ReadOnlySpan<double> analytic, int offset = 0, int count = -1, IEnumerable<int>? indices = null)
    {
        if (count < 0) count = values.Length - offset;
        var failures = new List<(int Index, double Analytic, double Numeric)>();
        foreach (int i in indices ?? Enumerable.Range(0, count))
        {
            double numeric = Derivative(loss, values, offset + i);
            double a = analytic[offset + i];
            if (!Close(a, numeric)) failures.Add((i, a, numeric));
        }
        if (failures.Count == 0) return;
        var text = new StringBuilder($"{name}: {failures.Count} of {count} derivatives disagree with finite differences:");
        foreach (var (index, a, n) in failures.OrderByDescending(f => Math.Abs(f.Analytic - f.Numeric)).Take(6))
            text.Append($"\n  [{index}] analytic {a:R}, numeric {n:R}, difference {a - n:E3}");
        Assert.Fail(text.ToString());
    }

    /// <summary>Fails unless some entry of the slice is clearly non-zero, so that a check cannot pass vacuously.</summary>
    public static void AssertNonTrivial(string name, ReadOnlySpan<double> gradient, double threshold = 1e-6)
    {
        double max = 0;
        foreach (double g in gradient) max = Math.Max(max, Math.Abs(g));
        Assert.True(max > threshold, $"{name}: every gradient entry is below {threshold} (max {max:E3}); the check would be vacuous.");
    }

    /// <summary><paramref name="count"/> standard normal values times <paramref name="std"/>.</summary>
    public static double[] Normal(Rng rng, int count, double std = 1.0)
    {
        var result = new double[count];
        for (int i = 0; i < count; i++) result[i] = rng.NextNormal() * std;
        return result;
    }

    /// <summary>Σ a·b.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        Assert.Equal(a.Length, b.Length);
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>
    /// Initial parameters for <paramref name="layout"/>: the library's initializer (normal weights with
    /// <paramref name="std"/> so that the nonlinearities are exercised, output projections normal too),
    /// then norm weights and zero-initialised biases nudged by small random values so that their
    /// gradients are not trivial. Tensors for which <paramref name="keep"/> is true are left as initialised.
    /// </summary>
    public static double[] InitialParameters(IReadOnlyList<TensorInfo> layout, ulong seed, int layers = 1, float std = 0.4f, OutputInit outputInit = OutputInit.Normal, Func<TensorInfo, bool>? keep = null)
    {
        var arena = new ParameterArena(layout);
        Initializer.Initialize(arena, new ModelOptions { Seed = seed, InitStd = std, OutputInit = outputInit }, layers);
        var p = ReferenceConvert.ToDouble(arena);
        var rng = new Rng(seed ^ 0x5EED);
        foreach (var t in layout)
        {
            if (t.Init is not (ParameterInit.Ones or ParameterInit.Zeros) || (keep?.Invoke(t) ?? false)) continue;
            for (int i = 0; i < t.Count; i++) p[t.Offset + i] += 0.1 * rng.NextNormal();
        }
        return p;
    }
}
