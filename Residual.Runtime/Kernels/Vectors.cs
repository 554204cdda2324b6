using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Residual.Kernels;

/// <summary>
/// Small SIMD building blocks over contiguous float spans. Each picks the widest accelerated vector
/// (512, then 256, then 128 bits) and finishes with a scalar tail; with no SIMD it is plain scalar.
/// Callers guarantee equal lengths.
/// </summary>
internal static class Vectors
{
    /// <summary>Σ x[i]·y[i] over <c>x.Length</c> elements.</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int n = x.Length;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int i = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            var a0 = Vector512<float>.Zero;
            var a1 = Vector512<float>.Zero;
            for (; i <= n - 2 * Vector512<float>.Count; i += 2 * Vector512<float>.Count)
            {
                a0 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref px, (nuint)i), Vector512.LoadUnsafe(ref py, (nuint)i), a0);
                a1 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref px, (nuint)(i + Vector512<float>.Count)), Vector512.LoadUnsafe(ref py, (nuint)(i + Vector512<float>.Count)), a1);
            }
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                a0 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref px, (nuint)i), Vector512.LoadUnsafe(ref py, (nuint)i), a0);
            sum = Vector512.Sum(a0 + a1);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            var a0 = Vector256<float>.Zero;
            var a1 = Vector256<float>.Zero;
            for (; i <= n - 2 * Vector256<float>.Count; i += 2 * Vector256<float>.Count)
            {
                a0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref px, (nuint)i), Vector256.LoadUnsafe(ref py, (nuint)i), a0);
                a1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref px, (nuint)(i + Vector256<float>.Count)), Vector256.LoadUnsafe(ref py, (nuint)(i + Vector256<float>.Count)), a1);
            }
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                a0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref px, (nuint)i), Vector256.LoadUnsafe(ref py, (nuint)i), a0);
            sum = Vector256.Sum(a0 + a1);
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            var a0 = Vector128<float>.Zero;
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
                a0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref px, (nuint)i), Vector128.LoadUnsafe(ref py, (nuint)i), a0);
            sum = Vector128.Sum(a0);
        }
        for (; i < n; i++)
            sum += Unsafe.Add(ref px, i) * Unsafe.Add(ref py, i);
        return sum;
    }

    /// <summary>y[i] += a·x[i] over <c>x.Length</c> elements.</summary>
    public static void Axpy(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        int n = x.Length;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                Vector512.MultiplyAddEstimate(va, Vector512.LoadUnsafe(ref px, (nuint)i), Vector512.LoadUnsafe(ref py, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                Vector256.MultiplyAddEstimate(va, Vector256.LoadUnsafe(ref px, (nuint)i), Vector256.LoadUnsafe(ref py, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
        }
        if (Vector128.IsHardwareAccelerated)
        {
            var va = Vector128.Create(a);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
                Vector128.MultiplyAddEstimate(va, Vector128.LoadUnsafe(ref px, (nuint)i), Vector128.LoadUnsafe(ref py, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref py, i) += a * Unsafe.Add(ref px, i);
    }

    /// <summary>y[i] += x[i] over <c>x.Length</c> elements.</summary>
    public static void Add(ReadOnlySpan<float> x, Span<float> y) => Axpy(1f, x, y);
}
