using System;
using Xunit.Sdk;

namespace Residual.Runtime.Tests.Kernels;

/// <summary>
/// Central finite differences of a float kernel's forward pass, used to check its backward pass.
/// The scalar loss is <c>L = Σ_i output[i]·R[i]</c> with a fixed random <c>R</c>, accumulated in double;
/// running the backward pass with <c>dOutput = R</c> must give <c>dL/dθ</c>.
/// </summary>
/// <remarks>
/// Step and tolerance: with h = 1e-2 the central difference has a truncation error of order
/// h²·|f‴| ≈ 1e-4 relative for the smooth kernels here. The forward runs in float32, so each
/// evaluation of L carries a rounding error of roughly sqrt(N)·6e-8·|output| ≈ 1e-5 for the sizes
/// used; divided by 2h that is ≈ 1e-3 of a typical gradient entry. A check of
/// |fd − analytic| ≤ 1e-2·max(|analytic|, mean |analytic|) therefore has a safety margin of about 10×,
/// while a wrong formula, a missing term or an indexing bug gives errors of order one. The floor
/// (mean |analytic| over the whole tensor) keeps entries whose true gradient is near zero from
/// turning rounding noise into a large relative error. When the whole gradient is near zero (e.g.
/// RMSNorm of a single column, whose output is ±weight whatever x is), a second floor bounds the
/// rounding noise itself: 2⁻²³·Σ|output·R| / (2h), i.e. one float32 ulp on every term of L.
/// </remarks>
internal static class GradCheck
{
    public const double Step = 1e-2;
    public const double Tolerance = 1e-2;

    /// <summary>
    /// Compares <paramref name="analytic"/> (dL/d<paramref name="parameter"/> from the backward kernel)
    /// with central differences on up to <paramref name="samples"/> entries of <paramref name="parameter"/>.
    /// <paramref name="forward"/> reruns the float forward with the current contents of
    /// <paramref name="parameter"/> and returns the output that L is taken over.
    /// </summary>
    public static void Check(string what, float[] parameter, float[] analytic, Func<float[]> forward, float[] r, int samples = 24, int seed = 99)
    {
        double meanAbs = 0;
        foreach (float g in analytic) meanAbs += Math.Abs(g);
        meanAbs /= analytic.Length;

        var rng = new Random(seed);
        int n = Math.Min(samples, parameter.Length);
        for (int s = 0; s < n; s++)
        {
            int j = parameter.Length <= samples ? s : rng.Next(parameter.Length);
            float saved = parameter[j];
            float plus = (float)(saved + Step), minus = (float)(saved - Step);
            parameter[j] = plus;
            double lPlus = Loss(forward(), r);
            parameter[j] = minus;
            double lMinus = Loss(forward(), r);
            parameter[j] = saved;

            double step = (double)plus - minus;
            double fd = (lPlus - lMinus) / step;
            double noise = Math.Pow(2, -23) * AbsLoss(forward(), r) / step;
            double tol = Math.Max(Tolerance * Math.Max(Math.Abs(analytic[j]), meanAbs), noise);
            if (!(Math.Abs(fd - analytic[j]) <= tol))
                throw new XunitException($"{what}[{j}]: backward gives {analytic[j]:R}, finite difference {fd:R} (tolerance {tol:E3}).");
        }
        forward(); // leave the forward outputs consistent with the restored parameter
    }

    /// <summary>Σ |output·R| in double: the scale of L's float32 rounding error.</summary>
    private static double AbsLoss(float[] output, float[] r)
    {
        double l = 0;
        for (int i = 0; i < output.Length; i++) l += Math.Abs((double)output[i] * r[i]);
        return l;
    }

    /// <summary>L = Σ output·R in double.</summary>
    public static double Loss(float[] output, float[] r)
    {
        double l = 0;
        for (int i = 0; i < output.Length; i++) l += (double)output[i] * r[i];
        return l;
    }
}
