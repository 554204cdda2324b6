using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Residual.Kernels;

/// <summary>
/// Layer normalisation over the last dimension: per row, <c>out = (x − mean)·rstd·weight + bias</c>
/// with the biased variance and <c>rstd = 1/sqrt(var + ε)</c>.
/// </summary>
public static class LayerNormKernel
{
    /// <summary>The ε added to the variance (GPT-2 / PyTorch default).</summary>
    public const float Epsilon = 1e-5f;

    /// <summary>
    /// Normalises each row of <paramref name="input"/>, writing <paramref name="output"/> and the per-row
    /// statistics the backward pass needs. Overwrites <paramref name="output"/>, <paramref name="mean"/>
    /// and <paramref name="rstd"/>.
    /// </summary>
    /// <param name="output">Normalised rows, <c>rows·width</c> floats. May be the same span as <paramref name="input"/>.</param>
    /// <param name="mean">Per-row mean, <c>rows</c> floats.</param>
    /// <param name="rstd">Per-row reciprocal standard deviation, <c>rows</c> floats.</param>
    /// <param name="input">Rows to normalise, <c>rows·width</c> floats.</param>
    /// <param name="weight">Per-column gain, <c>width</c> floats.</param>
    /// <param name="bias">Per-column shift, <c>width</c> floats.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="width">Row width; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void Forward(Span<float> output, Span<float> mean, Span<float> rstd, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int rows, int width)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(width, nameof(width));
        Guard.Length(output.Length, nameof(output), "rows·width", rows, width);
        Guard.Length(mean.Length, nameof(mean), "rows", rows);
        Guard.Length(rstd.Length, nameof(rstd), "rows", rows);
        Guard.Length(input.Length, nameof(input), "rows·width", rows, width);
        Guard.Length(weight.Length, nameof(weight), "width", width);
        Guard.Length(bias.Length, nameof(bias), "width", width);

        ref float w = ref MemoryMarshal.GetReference(weight);
        ref float b = ref MemoryMarshal.GetReference(bias);
        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * width, width);
            // Two passes (mean, then squared deviations) instead of E[x²] − m², which cancels badly
            // when |mean| ≫ std.
            float m = Vectors.Sum(x) / width;
            float v = Vectors.SumSquaredDeviation(x, m) / width;
            float s = 1f / MathF.Sqrt(v + Epsilon);
            // Statistics are read before the row is written, so output may alias input.
            ref float px = ref MemoryMarshal.GetReference(x);
            ref float py = ref MemoryMarshal.GetReference(output.Slice(r * width, width));
            int i = 0;
            if (Vector512.IsHardwareAccelerated) NormalizeLoop<V512, Vector512<float>>(ref py, ref px, ref w, ref b, m, s, ref i, width);
            if (Vector256.IsHardwareAccelerated) NormalizeLoop<V256, Vector256<float>>(ref py, ref px, ref w, ref b, m, s, ref i, width);
            if (Vector128.IsHardwareAccelerated) NormalizeLoop<V128, Vector128<float>>(ref py, ref px, ref w, ref b, m, s, ref i, width);
            NormalizeLoop<Scalar, float>(ref py, ref px, ref w, ref b, m, s, ref i, width);
            mean[r] = m;
            rstd[r] = s;
        }
    }

    private static void NormalizeLoop<S, V>(ref float y, ref float x, ref float w, ref float b, float mean, float rstd, ref int i, int n)
        where S : ISimd<V> where V : struct
    {
        V vm = S.Splat(mean), vs = S.Splat(rstd);
        for (; i <= n - S.Count; i += S.Count)
        {
            V xhat = S.Mul(S.Sub(S.Load(in Unsafe.Add(ref x, i)), vm), vs);
            S.Store(S.MulAdd(xhat, S.Load(in Unsafe.Add(ref w, i)), S.Load(in Unsafe.Add(ref b, i))), ref Unsafe.Add(ref y, i));
        }
    }

    /// <summary>
    /// Backward pass of <see cref="Forward"/>. Accumulates into <paramref name="dInput"/>,
    /// <paramref name="dWeight"/> and <paramref name="dBias"/>.
    /// </summary>
    /// <param name="dInput">Input gradient, <c>rows·width</c> floats (accumulated).</param>
    /// <param name="dWeight">Gain gradient, <c>width</c> floats (accumulated).</param>
    /// <param name="dBias">Shift gradient, <c>width</c> floats (accumulated).</param>
    /// <param name="dOutput">Output gradient, <c>rows·width</c> floats.</param>
    /// <param name="input">The forward pass's input, <c>rows·width</c> floats.</param>
    /// <param name="weight">Per-column gain, <c>width</c> floats.</param>
    /// <param name="mean">Per-row mean from the forward pass, <c>rows</c> floats.</param>
    /// <param name="rstd">Per-row reciprocal standard deviation from the forward pass, <c>rows</c> floats.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="width">Row width; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void Backward(Span<float> dInput, Span<float> dWeight, Span<float> dBias, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, int rows, int width)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(width, nameof(width));
        Guard.Length(dInput.Length, nameof(dInput), "rows·width", rows, width);
        Guard.Length(dWeight.Length, nameof(dWeight), "width", width);
        Guard.Length(dBias.Length, nameof(dBias), "width", width);
        Guard.Length(dOutput.Length, nameof(dOutput), "rows·width", rows, width);
        Guard.Length(input.Length, nameof(input), "rows·width", rows, width);
        Guard.Length(weight.Length, nameof(weight), "width", width);
        Guard.Length(mean.Length, nameof(mean), "rows", rows);
        Guard.Length(rstd.Length, nameof(rstd), "rows", rows);

        ref float w = ref MemoryMarshal.GetReference(weight);
        ref float dw = ref MemoryMarshal.GetReference(dWeight);
        ref float db = ref MemoryMarshal.GetReference(dBias);
        for (int r = 0; r < rows; r++)
        {
            ref float x = ref MemoryMarshal.GetReference(input.Slice(r * width, width));
            ref float dy = ref MemoryMarshal.GetReference(dOutput.Slice(r * width, width));
            ref float dx = ref MemoryMarshal.GetReference(dInput.Slice(r * width, width));
            float m = mean[r], s = rstd[r];

            // With x̂ = (x − m)·s and g = dy·weight: dx = s·(g − mean(g) − x̂·mean(g·x̂)).
            float sumG = 0f, sumGx = 0f;
            int i = 0;
            if (Vector512.IsHardwareAccelerated) Sums<V512, Vector512<float>>(ref dy, ref x, ref w, m, s, ref sumG, ref sumGx, ref i, width);
            if (Vector256.IsHardwareAccelerated) Sums<V256, Vector256<float>>(ref dy, ref x, ref w, m, s, ref sumG, ref sumGx, ref i, width);
            if (Vector128.IsHardwareAccelerated) Sums<V128, Vector128<float>>(ref dy, ref x, ref w, m, s, ref sumG, ref sumGx, ref i, width);
            Sums<Scalar, float>(ref dy, ref x, ref w, m, s, ref sumG, ref sumGx, ref i, width);

            float meanG = sumG / width, meanGx = sumGx / width;
            i = 0;
            if (Vector512.IsHardwareAccelerated) Update<V512, Vector512<float>>(ref dx, ref dw, ref db, ref dy, ref x, ref w, m, s, meanG, meanGx, ref i, width);
            if (Vector256.IsHardwareAccelerated) Update<V256, Vector256<float>>(ref dx, ref dw, ref db, ref dy, ref x, ref w, m, s, meanG, meanGx, ref i, width);
            if (Vector128.IsHardwareAccelerated) Update<V128, Vector128<float>>(ref dx, ref dw, ref db, ref dy, ref x, ref w, m, s, meanG, meanGx, ref i, width);
            Update<Scalar, float>(ref dx, ref dw, ref db, ref dy, ref x, ref w, m, s, meanG, meanGx, ref i, width);
        }
    }

    /// <summary>Adds Σ g and Σ g·x̂ over the row to <paramref name="sumG"/> and <paramref name="sumGx"/>.</summary>
    private static void Sums<S, V>(ref float dy, ref float x, ref float w, float mean, float rstd, ref float sumG, ref float sumGx, ref int i, int n)
        where S : ISimd<V> where V : struct
    {
        if (i > n - S.Count) return;
        V vm = S.Splat(mean), vs = S.Splat(rstd), ag = S.Zero, agx = S.Zero;
        for (; i <= n - S.Count; i += S.Count)
        {
            V xhat = S.Mul(S.Sub(S.Load(in Unsafe.Add(ref x, i)), vm), vs);
            V g = S.Mul(S.Load(in Unsafe.Add(ref dy, i)), S.Load(in Unsafe.Add(ref w, i)));
            ag = S.Add(ag, g);
            agx = S.MulAdd(g, xhat, agx);
        }
        sumG += S.Sum(ag);
        sumGx += S.Sum(agx);
    }

    private static void Update<S, V>(ref float dx, ref float dw, ref float db, ref float dy, ref float x, ref float w,
        float mean, float rstd, float meanG, float meanGx, ref int i, int n)
        where S : ISimd<V> where V : struct
    {
        V vm = S.Splat(mean), vs = S.Splat(rstd), vMeanG = S.Splat(meanG), vNegMeanGx = S.Splat(-meanGx);
        for (; i <= n - S.Count; i += S.Count)
        {
            V xhat = S.Mul(S.Sub(S.Load(in Unsafe.Add(ref x, i)), vm), vs);
            V d = S.Load(in Unsafe.Add(ref dy, i));
            S.Store(S.Add(S.Load(in Unsafe.Add(ref db, i)), d), ref Unsafe.Add(ref db, i));
            S.Store(S.MulAdd(d, xhat, S.Load(in Unsafe.Add(ref dw, i))), ref Unsafe.Add(ref dw, i));
            V t = S.MulAdd(xhat, vNegMeanGx, S.Sub(S.Mul(d, S.Load(in Unsafe.Add(ref w, i))), vMeanG));
            S.Store(S.MulAdd(vs, t, S.Load(in Unsafe.Add(ref dx, i))), ref Unsafe.Add(ref dx, i));
        }
    }
}
