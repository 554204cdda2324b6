using System;
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
    /// y[i] = exp(x[i] − max_j x[j]) / Σ_j exp(x[j] − max_j x[j]). <paramref name="y"/> may be <paramref name="x"/>.
    /// Subtracting the maximum keeps every exponent ≤ 0, so nothing overflows and the largest term is 1.
    /// </summary>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y)
    {
        float max = Max(x);
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int n = x.Length, i = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated) sum += ExpShiftSum<V512, Vector512<float>>(ref px, ref py, max, ref i, n);
        if (Vector256.IsHardwareAccelerated) sum += ExpShiftSum<V256, Vector256<float>>(ref px, ref py, max, ref i, n);
        if (Vector128.IsHardwareAccelerated) sum += ExpShiftSum<V128, Vector128<float>>(ref px, ref py, max, ref i, n);
        sum += ExpShiftSum<Scalar, float>(ref px, ref py, max, ref i, n);
        Scale(y, 1f / sum);
    }

    /// <summary>y[i] = exp(x[i] − shift); returns the sum of what it wrote.</summary>
    private static float ExpShiftSum<S, V>(ref float x, ref float y, float shift, ref int i, int n) where S : ISimd<V> where V : struct
    {
        if (i > n - S.Count) return 0f;
        V vs = S.Splat(shift), acc = S.Zero;
        for (; i <= n - S.Count; i += S.Count)
        {
            V e = S.Exp(S.Sub(S.Load(in Unsafe.Add(ref x, i)), vs));
            S.Store(e, ref Unsafe.Add(ref y, i));
            acc = S.Add(acc, e);
        }
        return S.Sum(acc);
    }
}
