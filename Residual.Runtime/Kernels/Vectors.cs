using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Residual.Kernels;

/// <summary>
/// Row-level SIMD building blocks over contiguous floats (dot products, sums, axpy, softmax).
/// Each public method runs its generic loop on the widest accelerated vectors, then on each narrower
/// accelerated width, then one lane at a time for what is left (so a width of 24 under AVX-512 is one
/// 16-lane step, one 8-lane step and no scalar work). Callers guarantee the lengths.
/// </summary>
internal static class Vectors
{
    /// <summary>Σ x[i]·y[i] for i &lt; x.Length.</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int n = x.Length, i = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated) sum += Dot<V512, Vector512<float>>(ref px, ref py, ref i, n);
        if (Vector256.IsHardwareAccelerated) sum += Dot<V256, Vector256<float>>(ref px, ref py, ref i, n);
        if (Vector128.IsHardwareAccelerated) sum += Dot<V128, Vector128<float>>(ref px, ref py, ref i, n);
        return sum + Dot<Scalar, float>(ref px, ref py, ref i, n);
    }

    private static float Dot<S, V>(ref float x, ref float y, ref int i, int n) where S : ISimd<V> where V : struct
    {
        if (i > n - S.Count) return 0f;
        // Two independent accumulators hide the FMA latency.
        V a0 = S.Zero, a1 = S.Zero;
        for (; i <= n - 2 * S.Count; i += 2 * S.Count)
        {
            a0 = S.MulAdd(S.Load(in Unsafe.Add(ref x, i)), S.Load(in Unsafe.Add(ref y, i)), a0);
            a1 = S.MulAdd(S.Load(in Unsafe.Add(ref x, i + S.Count)), S.Load(in Unsafe.Add(ref y, i + S.Count)), a1);
        }
        if (i <= n - S.Count)
        {
            a0 = S.MulAdd(S.Load(in Unsafe.Add(ref x, i)), S.Load(in Unsafe.Add(ref y, i)), a0);
            i += S.Count;
        }
        return S.Sum(S.Add(a0, a1));
    }

    /// <summary>Σ x[i].</summary>
    public static float Sum(ReadOnlySpan<float> x)
    {
        ref float px = ref MemoryMarshal.GetReference(x);
        int n = x.Length, i = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated) sum += Sum<V512, Vector512<float>>(ref px, ref i, n);
        if (Vector256.IsHardwareAccelerated) sum += Sum<V256, Vector256<float>>(ref px, ref i, n);
        if (Vector128.IsHardwareAccelerated) sum += Sum<V128, Vector128<float>>(ref px, ref i, n);
        return sum + Sum<Scalar, float>(ref px, ref i, n);
    }

    private static float Sum<S, V>(ref float x, ref int i, int n) where S : ISimd<V> where V : struct
    {
        if (i > n - S.Count) return 0f;
        V a0 = S.Zero, a1 = S.Zero;
        for (; i <= n - 2 * S.Count; i += 2 * S.Count)
        {
            a0 = S.Add(a0, S.Load(in Unsafe.Add(ref x, i)));
            a1 = S.Add(a1, S.Load(in Unsafe.Add(ref x, i + S.Count)));
        }
        if (i <= n - S.Count)
        {
            a0 = S.Add(a0, S.Load(in Unsafe.Add(ref x, i)));
            i += S.Count;
        }
        return S.Sum(S.Add(a0, a1));
    }

    /// <summary>Σ (x[i] − c)².</summary>
    public static float SumSquaredDeviation(ReadOnlySpan<float> x, float c)
    {
        ref float px = ref MemoryMarshal.GetReference(x);
        int n = x.Length, i = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated) sum += SumSquaredDeviation<V512, Vector512<float>>(ref px, c, ref i, n);
        if (Vector256.IsHardwareAccelerated) sum += SumSquaredDeviation<V256, Vector256<float>>(ref px, c, ref i, n);
        if (Vector128.IsHardwareAccelerated) sum += SumSquaredDeviation<V128, Vector128<float>>(ref px, c, ref i, n);
        return sum + SumSquaredDeviation<Scalar, float>(ref px, c, ref i, n);
    }

    private static float SumSquaredDeviation<S, V>(ref float x, float c, ref int i, int n) where S : ISimd<V> where V : struct
    {
        if (i > n - S.Count) return 0f;
        V vc = S.Splat(c), acc = S.Zero;
        for (; i <= n - S.Count; i += S.Count)
        {
            V d = S.Sub(S.Load(in Unsafe.Add(ref x, i)), vc);
            acc = S.MulAdd(d, d, acc);
        }
        return S.Sum(acc);
    }

    /// <summary>max_i x[i] (NaN if any element is NaN).</summary>
    public static float Max(ReadOnlySpan<float> x)
    {
        ref float px = ref MemoryMarshal.GetReference(x);
        int n = x.Length, i = 0;
        float max = float.NegativeInfinity;
        if (Vector512.IsHardwareAccelerated) max = MathF.Max(max, Max<V512, Vector512<float>>(ref px, ref i, n));
        if (Vector256.IsHardwareAccelerated) max = MathF.Max(max, Max<V256, Vector256<float>>(ref px, ref i, n));
        if (Vector128.IsHardwareAccelerated) max = MathF.Max(max, Max<V128, Vector128<float>>(ref px, ref i, n));
        return MathF.Max(max, Max<Scalar, float>(ref px, ref i, n));
    }

    private static float Max<S, V>(ref float x, ref int i, int n) where S : ISimd<V> where V : struct
    {
        if (i > n - S.Count) return float.NegativeInfinity;
        V m = S.Splat(float.NegativeInfinity);
        for (; i <= n - S.Count; i += S.Count)
            m = S.Max(m, S.Load(in Unsafe.Add(ref x, i)));
        return S.MaxOf(m);
    }

    /// <summary>y[i] += a·x[i].</summary>
    public static void Axpy(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated) Axpy<V512, Vector512<float>>(a, ref px, ref py, ref i, n);
        if (Vector256.IsHardwareAccelerated) Axpy<V256, Vector256<float>>(a, ref px, ref py, ref i, n);
        if (Vector128.IsHardwareAccelerated) Axpy<V128, Vector128<float>>(a, ref px, ref py, ref i, n);
        Axpy<Scalar, float>(a, ref px, ref py, ref i, n);
    }

    private static void Axpy<S, V>(float a, ref float x, ref float y, ref int i, int n) where S : ISimd<V> where V : struct
    {
        V va = S.Splat(a);
        for (; i <= n - S.Count; i += S.Count)
            S.Store(S.MulAdd(va, S.Load(in Unsafe.Add(ref x, i)), S.Load(in Unsafe.Add(ref y, i))), ref Unsafe.Add(ref y, i));
    }

    /// <summary>y[i] += x[i].</summary>
    public static void Add(ReadOnlySpan<float> x, Span<float> y) => Add(x, y, y);

    /// <summary>z[i] = x[i] + y[i]; <paramref name="z"/> may be <paramref name="x"/> or <paramref name="y"/>.</summary>
    public static void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z)
    {
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        ref float pz = ref MemoryMarshal.GetReference(z);
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated) Add<V512, Vector512<float>>(ref px, ref py, ref pz, ref i, n);
        if (Vector256.IsHardwareAccelerated) Add<V256, Vector256<float>>(ref px, ref py, ref pz, ref i, n);
        if (Vector128.IsHardwareAccelerated) Add<V128, Vector128<float>>(ref px, ref py, ref pz, ref i, n);
        Add<Scalar, float>(ref px, ref py, ref pz, ref i, n);
    }

    private static void Add<S, V>(ref float x, ref float y, ref float z, ref int i, int n) where S : ISimd<V> where V : struct
    {
        for (; i <= n - S.Count; i += S.Count)
            S.Store(S.Add(S.Load(in Unsafe.Add(ref x, i)), S.Load(in Unsafe.Add(ref y, i))), ref Unsafe.Add(ref z, i));
    }

    /// <summary>x[i] *= a.</summary>
    public static void Scale(Span<float> x, float a)
    {
        ref float px = ref MemoryMarshal.GetReference(x);
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated) Scale<V512, Vector512<float>>(ref px, a, ref i, n);
        if (Vector256.IsHardwareAccelerated) Scale<V256, Vector256<float>>(ref px, a, ref i, n);
        if (Vector128.IsHardwareAccelerated) Scale<V128, Vector128<float>>(ref px, a, ref i, n);
        Scale<Scalar, float>(ref px, a, ref i, n);
    }

    private static void Scale<S, V>(ref float x, float a, ref int i, int n) where S : ISimd<V> where V : struct
    {
        V va = S.Splat(a);
        for (; i <= n - S.Count; i += S.Count)
            S.Store(S.Mul(S.Load(in Unsafe.Add(ref x, i)), va), ref Unsafe.Add(ref x, i));
    }

    /// <summary>
    /// y = softmax(scale·x): y[i] = exp(scale·(x[i] − max)) / Σ_j exp(scale·(x[j] − max)) with
    /// max = max_j x[j] and <paramref name="scale"/> &gt; 0. <paramref name="y"/> may be <paramref name="x"/>.
    /// Subtracting the maximum keeps every exponent ≤ 0, so nothing overflows and the largest term is 1.
    /// </summary>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, float scale = 1f)
    {
        float max = Max(x);
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int n = x.Length, i = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated) sum += ExpShiftSum<V512, Vector512<float>>(ref px, ref py, max, scale, ref i, n);
        if (Vector256.IsHardwareAccelerated) sum += ExpShiftSum<V256, Vector256<float>>(ref px, ref py, max, scale, ref i, n);
        if (Vector128.IsHardwareAccelerated) sum += ExpShiftSum<V128, Vector128<float>>(ref px, ref py, max, scale, ref i, n);
        sum += ExpShiftSum<Scalar, float>(ref px, ref py, max, scale, ref i, n);
        Scale(y, 1f / sum);
    }

    /// <summary>y[i] = exp((x[i] − shift)·scale); returns the sum of what it wrote.</summary>
    private static float ExpShiftSum<S, V>(ref float x, ref float y, float shift, float scale, ref int i, int n) where S : ISimd<V> where V : struct
    {
        if (i > n - S.Count) return 0f;
        V vShift = S.Splat(shift), vScale = S.Splat(scale), acc = S.Zero;
        for (; i <= n - S.Count; i += S.Count)
        {
            V e = S.Exp(S.Mul(S.Sub(S.Load(in Unsafe.Add(ref x, i)), vShift), vScale));
            S.Store(e, ref Unsafe.Add(ref y, i));
            acc = S.Add(acc, e);
        }
        return S.Sum(acc);
    }

    /// <summary>
    /// result[j] = x · rows[j·stride … j·stride + x.Length) for j &lt; result.Length: one vector against many
    /// rows of a strided matrix (attention scores q·k_j). Overwrites <paramref name="result"/>.
    /// </summary>
    public static void DotRows(ReadOnlySpan<float> x, ReadOnlySpan<float> rows, int stride, Span<float> result)
    {
        int n = x.Length, count = result.Length;
        Debug.Assert(rows.Length >= (count - 1) * stride + n);
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pr = ref MemoryMarshal.GetReference(rows);
        ref float res = ref MemoryMarshal.GetReference(result);
        result.Clear();
        // Each width handles its own column range and adds its partial dot products.
        int c = 0;
        if (Vector512.IsHardwareAccelerated) DotRows<V512, Vector512<float>>(ref px, ref pr, stride, ref res, count, ref c, n);
        if (Vector256.IsHardwareAccelerated) DotRows<V256, Vector256<float>>(ref px, ref pr, stride, ref res, count, ref c, n);
        if (Vector128.IsHardwareAccelerated) DotRows<V128, Vector128<float>>(ref px, ref pr, stride, ref res, count, ref c, n);
        DotRows<Scalar, float>(ref px, ref pr, stride, ref res, count, ref c, n);
    }

    private static void DotRows<S, V>(ref float x, ref float rows, int stride, ref float result, int count, ref int c, int n)
        where S : ISimd<V> where V : struct
    {
        int c0 = c, c1 = c0 + (n - c0) / S.Count * S.Count;
        if (c1 == c0) return;
        c = c1;
        int j = 0;
        // Four rows at a time: x is loaded once per four products, and four chains hide FMA latency.
        for (; j <= count - 4; j += 4)
        {
            ref float r0 = ref Unsafe.Add(ref rows, j * stride);
            ref float r1 = ref Unsafe.Add(ref r0, stride);
            ref float r2 = ref Unsafe.Add(ref r1, stride);
            ref float r3 = ref Unsafe.Add(ref r2, stride);
            V a0 = S.Zero, a1 = S.Zero, a2 = S.Zero, a3 = S.Zero;
            for (int i = c0; i < c1; i += S.Count)
            {
                V v = S.Load(in Unsafe.Add(ref x, i));
                a0 = S.MulAdd(v, S.Load(in Unsafe.Add(ref r0, i)), a0);
                a1 = S.MulAdd(v, S.Load(in Unsafe.Add(ref r1, i)), a1);
                a2 = S.MulAdd(v, S.Load(in Unsafe.Add(ref r2, i)), a2);
                a3 = S.MulAdd(v, S.Load(in Unsafe.Add(ref r3, i)), a3);
            }
            Unsafe.Add(ref result, j) += S.Sum(a0);
            Unsafe.Add(ref result, j + 1) += S.Sum(a1);
            Unsafe.Add(ref result, j + 2) += S.Sum(a2);
            Unsafe.Add(ref result, j + 3) += S.Sum(a3);
        }
        for (; j < count; j++)
        {
            ref float r0 = ref Unsafe.Add(ref rows, j * stride);
            V a0 = S.Zero;
            for (int i = c0; i < c1; i += S.Count)
                a0 = S.MulAdd(S.Load(in Unsafe.Add(ref x, i)), S.Load(in Unsafe.Add(ref r0, i)), a0);
            Unsafe.Add(ref result, j) += S.Sum(a0);
        }
    }

    /// <summary>
    /// y[c] (+)= Σ_{j&lt;count} weights[j·weightStride]·rows[j·rowStride + c] for c &lt; y.Length: a weighted
    /// sum of strided rows, kept in registers across all rows and stored once (attention's Σ att·v and
    /// its gradients). Overwrites <paramref name="y"/>, or adds to it when <paramref name="accumulate"/>.
    /// </summary>
    public static void WeightedRowSum(ReadOnlySpan<float> weights, int weightStride, int count, ReadOnlySpan<float> rows, int rowStride, Span<float> y, bool accumulate)
    {
        int n = y.Length;
        Debug.Assert(count >= 1 && weights.Length >= (count - 1) * weightStride + 1);
        Debug.Assert(rows.Length >= (count - 1) * rowStride + n);
        ref float pw = ref MemoryMarshal.GetReference(weights);
        ref float pr = ref MemoryMarshal.GetReference(rows);
        ref float py = ref MemoryMarshal.GetReference(y);
        int c = 0;
        if (Vector512.IsHardwareAccelerated) WeightedRowSum<V512, Vector512<float>>(ref pw, weightStride, count, ref pr, rowStride, ref py, ref c, n, accumulate);
        if (Vector256.IsHardwareAccelerated) WeightedRowSum<V256, Vector256<float>>(ref pw, weightStride, count, ref pr, rowStride, ref py, ref c, n, accumulate);
        if (Vector128.IsHardwareAccelerated) WeightedRowSum<V128, Vector128<float>>(ref pw, weightStride, count, ref pr, rowStride, ref py, ref c, n, accumulate);
        WeightedRowSum<Scalar, float>(ref pw, weightStride, count, ref pr, rowStride, ref py, ref c, n, accumulate);
    }

    private static void WeightedRowSum<S, V>(ref float w, int wStride, int count, ref float rows, int rowStride, ref float y, ref int c, int n, bool accumulate)
        where S : ISimd<V> where V : struct
    {
        // Four vectors of columns at a time: four independent FMA chains per weight.
        for (; c <= n - 4 * S.Count; c += 4 * S.Count)
        {
            ref float yc = ref Unsafe.Add(ref y, c);
            V a0 = accumulate ? S.Load(in yc) : S.Zero;
            V a1 = accumulate ? S.Load(in Unsafe.Add(ref yc, S.Count)) : S.Zero;
            V a2 = accumulate ? S.Load(in Unsafe.Add(ref yc, 2 * S.Count)) : S.Zero;
            V a3 = accumulate ? S.Load(in Unsafe.Add(ref yc, 3 * S.Count)) : S.Zero;
            ref float r = ref Unsafe.Add(ref rows, c);
            for (int j = 0, wj = 0; j < count; j++, wj += wStride, r = ref Unsafe.Add(ref r, rowStride))
            {
                V s = S.Splat(Unsafe.Add(ref w, wj));
                a0 = S.MulAdd(s, S.Load(in r), a0);
                a1 = S.MulAdd(s, S.Load(in Unsafe.Add(ref r, S.Count)), a1);
                a2 = S.MulAdd(s, S.Load(in Unsafe.Add(ref r, 2 * S.Count)), a2);
                a3 = S.MulAdd(s, S.Load(in Unsafe.Add(ref r, 3 * S.Count)), a3);
            }
            S.Store(a0, ref yc);
            S.Store(a1, ref Unsafe.Add(ref yc, S.Count));
            S.Store(a2, ref Unsafe.Add(ref yc, 2 * S.Count));
            S.Store(a3, ref Unsafe.Add(ref yc, 3 * S.Count));
        }
        // Then one vector at a time, alternating two accumulators over the rows.
        for (; c <= n - S.Count; c += S.Count)
        {
            ref float yc = ref Unsafe.Add(ref y, c);
            V a0 = accumulate ? S.Load(in yc) : S.Zero, a1 = S.Zero;
            ref float r = ref Unsafe.Add(ref rows, c);
            int j = 0, wj = 0;
            for (; j <= count - 2; j += 2, wj += 2 * wStride, r = ref Unsafe.Add(ref r, 2 * rowStride))
            {
                a0 = S.MulAdd(S.Splat(Unsafe.Add(ref w, wj)), S.Load(in r), a0);
                a1 = S.MulAdd(S.Splat(Unsafe.Add(ref w, wj + wStride)), S.Load(in Unsafe.Add(ref r, rowStride)), a1);
            }
            if (j < count)
                a0 = S.MulAdd(S.Splat(Unsafe.Add(ref w, wj)), S.Load(in r), a0);
            S.Store(S.Add(a0, a1), ref yc);
        }
    }
}
