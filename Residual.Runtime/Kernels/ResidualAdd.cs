using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Residual.Kernels;

/// <summary>
/// The residual connection <c>output = alpha·x + scale·branch</c> (<c>alpha = scale = 1</c> for a plain
/// residual, learnable or fixed otherwise: ReZero, DeepNorm) and its backward pass.
/// </summary>
public static class ResidualAdd
{
    /// <summary>Elementwise <c>output = alpha·x + scale·branch</c>. Overwrites <paramref name="output"/>.</summary>
    /// <param name="output">Result; same length as <paramref name="x"/>. May be the same span as <paramref name="x"/> or <paramref name="branch"/>.</param>
    /// <param name="x">The residual stream; non-empty.</param>
    /// <param name="branch">The sublayer's output; same length as <paramref name="x"/>.</param>
    /// <param name="alpha">Factor on the identity path.</param>
    /// <param name="scale">Factor on the branch.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="x"/> is empty.</exception>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Forward(Span<float> output, ReadOnlySpan<float> x, ReadOnlySpan<float> branch, float alpha, float scale)
    {
        Guard.NotEmpty(x.Length, nameof(x));
        Guard.Length(output.Length, nameof(output), "x.Length", x.Length);
        Guard.Length(branch.Length, nameof(branch), "x.Length", x.Length);
        ref float y = ref MemoryMarshal.GetReference(output);
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pb = ref MemoryMarshal.GetReference(branch);
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated) ForwardLoop<V512, Vector512<float>>(ref y, ref px, ref pb, alpha, scale, ref i, n);
        if (Vector256.IsHardwareAccelerated) ForwardLoop<V256, Vector256<float>>(ref y, ref px, ref pb, alpha, scale, ref i, n);
        if (Vector128.IsHardwareAccelerated) ForwardLoop<V128, Vector128<float>>(ref y, ref px, ref pb, alpha, scale, ref i, n);
        ForwardLoop<Scalar, float>(ref y, ref px, ref pb, alpha, scale, ref i, n);
    }

    private static void ForwardLoop<S, V>(ref float y, ref float x, ref float b, float alpha, float scale, ref int i, int n) where S : ISimd<V> where V : struct
    {
        V va = S.Splat(alpha), vs = S.Splat(scale);
        for (; i <= n - S.Count; i += S.Count)
        {
            V r = S.MulAdd(va, S.Load(in Unsafe.Add(ref x, i)), S.Mul(vs, S.Load(in Unsafe.Add(ref b, i))));
            S.Store(r, ref Unsafe.Add(ref y, i));
        }
    }

    /// <summary>
    /// Elementwise <c>dX += alpha·dOutput</c> and <c>dBranch += scale·dOutput</c>. Each element of
    /// <paramref name="dOutput"/> is read before the same element of either gradient is written, so
    /// <paramref name="dOutput"/> may be the same span as <paramref name="dX"/>.
    /// </summary>
    /// <param name="dX">Gradient of the residual stream input (accumulated); same length as <paramref name="dOutput"/>.</param>
    /// <param name="dBranch">Gradient of the branch (accumulated); same length as <paramref name="dOutput"/>.</param>
    /// <param name="dOutput">Gradient of the output; non-empty.</param>
    /// <param name="alpha">Factor on the identity path.</param>
    /// <param name="scale">Factor on the branch.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dOutput"/> is empty.</exception>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Backward(Span<float> dX, Span<float> dBranch, ReadOnlySpan<float> dOutput, float alpha, float scale)
    {
        Guard.NotEmpty(dOutput.Length, nameof(dOutput));
        Guard.Length(dX.Length, nameof(dX), "dOutput.Length", dOutput.Length);
        Guard.Length(dBranch.Length, nameof(dBranch), "dOutput.Length", dOutput.Length);
        ref float dx = ref MemoryMarshal.GetReference(dX);
        ref float db = ref MemoryMarshal.GetReference(dBranch);
        ref float dy = ref MemoryMarshal.GetReference(dOutput);
        int n = dOutput.Length, i = 0;
        if (Vector512.IsHardwareAccelerated) BackwardLoop<V512, Vector512<float>>(ref dx, ref db, ref dy, alpha, scale, ref i, n);
        if (Vector256.IsHardwareAccelerated) BackwardLoop<V256, Vector256<float>>(ref dx, ref db, ref dy, alpha, scale, ref i, n);
        if (Vector128.IsHardwareAccelerated) BackwardLoop<V128, Vector128<float>>(ref dx, ref db, ref dy, alpha, scale, ref i, n);
        BackwardLoop<Scalar, float>(ref dx, ref db, ref dy, alpha, scale, ref i, n);
    }

    private static void BackwardLoop<S, V>(ref float dx, ref float db, ref float dy, float alpha, float scale, ref int i, int n) where S : ISimd<V> where V : struct
    {
        V va = S.Splat(alpha), vs = S.Splat(scale);
        for (; i <= n - S.Count; i += S.Count)
        {
            // dOutput is read first, and dX is stored before dBranch is loaded, so any of the three may alias.
            V g = S.Load(in Unsafe.Add(ref dy, i));
            S.Store(S.MulAdd(va, g, S.Load(in Unsafe.Add(ref dx, i))), ref Unsafe.Add(ref dx, i));
            S.Store(S.MulAdd(vs, g, S.Load(in Unsafe.Add(ref db, i))), ref Unsafe.Add(ref db, i));
        }
    }
}
