using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Residual.Kernels;

/// <summary>
/// Root-mean-square normalisation over the last dimension: per row,
/// <c>out = x·rstd·weight</c> with <c>rstd = 1/sqrt(mean(x²) + ε)</c> (no centring, no bias).
/// </summary>
public static class RmsNormKernel
{
    /// <summary>The ε added to the mean square.</summary>
    public const float Epsilon = 1e-5f;

    /// <summary>
    /// Normalises each row of <paramref name="input"/>. Overwrites <paramref name="output"/> and <paramref name="rstd"/>.
    /// </summary>
    /// <param name="output">Normalised rows, <c>rows·width</c> floats. May be the same span as <paramref name="input"/>.</param>
    /// <param name="rstd">Per-row <c>1/sqrt(mean(x²) + ε)</c>, <c>rows</c> floats.</param>
    /// <param name="input">Rows to normalise, <c>rows·width</c> floats.</param>
    /// <param name="weight">Per-column gain, <c>width</c> floats.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="width">Row width; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void Forward(Span<float> output, Span<float> rstd, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, int rows, int width)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(width, nameof(width));
        Guard.Length(output.Length, nameof(output), "rows·width", rows, width);
        Guard.Length(rstd.Length, nameof(rstd), "rows", rows);
        Guard.Length(input.Length, nameof(input), "rows·width", rows, width);
        Guard.Length(weight.Length, nameof(weight), "width", width);

        ref float w = ref MemoryMarshal.GetReference(weight);
        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * width, width);
            float s = 1f / MathF.Sqrt(Vectors.Dot(x, x) / width + Epsilon);
            ref float px = ref MemoryMarshal.GetReference(x);
            ref float py = ref MemoryMarshal.GetReference(output.Slice(r * width, width));
            int i = 0;
            if (Vector512.IsHardwareAccelerated) ScaleLoop<V512, Vector512<float>>(ref py, ref px, ref w, s, ref i, width);
            if (Vector256.IsHardwareAccelerated) ScaleLoop<V256, Vector256<float>>(ref py, ref px, ref w, s, ref i, width);
            if (Vector128.IsHardwareAccelerated) ScaleLoop<V128, Vector128<float>>(ref py, ref px, ref w, s, ref i, width);
            ScaleLoop<Scalar, float>(ref py, ref px, ref w, s, ref i, width);
            rstd[r] = s;
        }
    }

    private static void ScaleLoop<S, V>(ref float y, ref float x, ref float w, float rstd, ref int i, int n) where S : ISimd<V> where V : struct
    {
        V vs = S.Splat(rstd);
        for (; i <= n - S.Count; i += S.Count)
            S.Store(S.Mul(S.Mul(S.Load(in Unsafe.Add(ref x, i)), vs), S.Load(in Unsafe.Add(ref w, i))), ref Unsafe.Add(ref y, i));
    }

    /// <summary>
    /// Backward pass of <see cref="Forward"/>. Accumulates into <paramref name="dInput"/> and <paramref name="dWeight"/>.
    /// </summary>
    /// <param name="dInput">Input gradient, <c>rows·width</c> floats (accumulated).</param>
    /// <param name="dWeight">Gain gradient, <c>width</c> floats (accumulated).</param>
    /// <param name="dOutput">Output gradient, <c>rows·width</c> floats.</param>
    /// <param name="input">The forward pass's input, <c>rows·width</c> floats.</param>
    /// <param name="weight">Per-column gain, <c>width</c> floats.</param>
    /// <param name="rstd">Per-row <c>rstd</c> from the forward pass, <c>rows</c> floats.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="width">Row width; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void Backward(Span<float> dInput, Span<float> dWeight, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> rstd, int rows, int width)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(width, nameof(width));
        Guard.Length(dInput.Length, nameof(dInput), "rows·width", rows, width);
        Guard.Length(dWeight.Length, nameof(dWeight), "width", width);
        Guard.Length(dOutput.Length, nameof(dOutput), "rows·width", rows, width);
        Guard.Length(input.Length, nameof(input), "rows·width", rows, width);
        Guard.Length(weight.Length, nameof(weight), "width", width);
        Guard.Length(rstd.Length, nameof(rstd), "rows", rows);

        ref float w = ref MemoryMarshal.GetReference(weight);
        ref float dw = ref MemoryMarshal.GetReference(dWeight);
        for (int r = 0; r < rows; r++)
        {
            ref float x = ref MemoryMarshal.GetReference(input.Slice(r * width, width));
            ref float dy = ref MemoryMarshal.GetReference(dOutput.Slice(r * width, width));
            ref float dx = ref MemoryMarshal.GetReference(dInput.Slice(r * width, width));
            float s = rstd[r];

            // With g = dy·weight: dx = s·g − x·s³·mean(g·x).
            float sumGx = 0f;
            int i = 0;
            if (Vector512.IsHardwareAccelerated) sumGx += Dot3<V512, Vector512<float>>(ref dy, ref w, ref x, ref i, width);
            if (Vector256.IsHardwareAccelerated) sumGx += Dot3<V256, Vector256<float>>(ref dy, ref w, ref x, ref i, width);
            if (Vector128.IsHardwareAccelerated) sumGx += Dot3<V128, Vector128<float>>(ref dy, ref w, ref x, ref i, width);
            sumGx += Dot3<Scalar, float>(ref dy, ref w, ref x, ref i, width);

            float c = s * s * s * sumGx / width;
            i = 0;
            if (Vector512.IsHardwareAccelerated) Update<V512, Vector512<float>>(ref dx, ref dw, ref dy, ref x, ref w, s, c, ref i, width);
            if (Vector256.IsHardwareAccelerated) Update<V256, Vector256<float>>(ref dx, ref dw, ref dy, ref x, ref w, s, c, ref i, width);
            if (Vector128.IsHardwareAccelerated) Update<V128, Vector128<float>>(ref dx, ref dw, ref dy, ref x, ref w, s, c, ref i, width);
            Update<Scalar, float>(ref dx, ref dw, ref dy, ref x, ref w, s, c, ref i, width);
        }
    }

    /// <summary>Σ a·b·c over the vector part of the row.</summary>
    private static float Dot3<S, V>(ref float a, ref float b, ref float c, ref int i, int n) where S : ISimd<V> where V : struct
    {
        if (i > n - S.Count) return 0f;
        V acc = S.Zero;
        for (; i <= n - S.Count; i += S.Count)
            acc = S.MulAdd(S.Mul(S.Load(in Unsafe.Add(ref a, i)), S.Load(in Unsafe.Add(ref b, i))), S.Load(in Unsafe.Add(ref c, i)), acc);
        return S.Sum(acc);
    }

    private static void Update<S, V>(ref float dx, ref float dw, ref float dy, ref float x, ref float w, float rstd, float c, ref int i, int n)
        where S : ISimd<V> where V : struct
    {
        V vs = S.Splat(rstd), vNegC = S.Splat(-c);
        for (; i <= n - S.Count; i += S.Count)
        {
            V xv = S.Load(in Unsafe.Add(ref x, i));
            V d = S.Load(in Unsafe.Add(ref dy, i));
            S.Store(S.MulAdd(d, S.Mul(xv, vs), S.Load(in Unsafe.Add(ref dw, i))), ref Unsafe.Add(ref dw, i));
            V t = S.MulAdd(xv, vNegC, S.Load(in Unsafe.Add(ref dx, i)));
            S.Store(S.MulAdd(S.Mul(d, S.Load(in Unsafe.Add(ref w, i))), vs, t), ref Unsafe.Add(ref dx, i));
        }
    }
}
