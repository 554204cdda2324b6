using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Residual.Kernels;

/// <summary>
/// e^x per lane for the vector widths (the scalar lane keeps <see cref="MathF.Exp"/>), in about a dozen vector instructions: the runtime's
/// <c>Vector512.Exp</c> for floats takes a few nanoseconds per element here (slower than a scalar loop),
/// and softmax and GELU spend most of their time in it.
/// </summary>
/// <remarks>
/// Method: x = n·ln2 + r with n = round(x·log2 e) and |r| ≤ ln2/2 (ln2 split in two parts so r is exact),
/// e^r ≈ 1 + r + r²·P(r) with the degree-5 minimax polynomial P of the Cephes library's expf (about 1 ulp),
/// then the result is scaled by 2^n as two powers of two 2^⌊n/2⌋·2^(n−⌊n/2⌋), each a valid float, so that
/// overflow (+∞ from x ≳ 88.72) and gradual underflow (to 0 below x ≈ −103.9) come out right. Inputs are
/// clamped to [−104, 89] first, which maps ±∞ to +∞ and 0; NaN stays NaN.
/// </remarks>
internal static class FastExp
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;
    private const float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f;
    private const float P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;
    private const float Lo = -104f, Hi = 89f;

    /// <summary>e^x per lane, written once for every width of <see cref="ISimd{V}"/> that has the two width-specific
    /// steps (<see cref="ISimd{V}.Round"/> and <see cref="ISimd{V}.ScaleByPowerOfTwo"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Exp<S, V>(V x) where S : ISimd<V> where V : struct
    {
        x = S.Min(S.Max(x, S.Splat(Lo)), S.Splat(Hi));
        var n = S.Round(S.Mul(x, S.Splat(Log2E)));
        var r = S.MulAdd(n, S.Splat(-Ln2Hi), x);
        r = S.MulAdd(n, S.Splat(-Ln2Lo), r);
        var p = S.MulAdd(S.Splat(P0), r, S.Splat(P1));
        p = S.MulAdd(p, r, S.Splat(P2));
        p = S.MulAdd(p, r, S.Splat(P3));
        p = S.MulAdd(p, r, S.Splat(P4));
        p = S.MulAdd(p, r, S.Splat(P5));
        var e = S.MulAdd(p, S.Mul(r, r), S.Add(r, S.Splat(1f)));
        return S.ScaleByPowerOfTwo(e, n);
    }

    // e·2^n as e·2^⌊n/2⌋·2^(n−⌊n/2⌋): each factor is a valid float even where 2^n alone is not (see the remarks).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> ScaleByPowerOfTwo(Vector512<float> e, Vector512<float> n)
    {
        var k = Vector512.ConvertToInt32Native(n);
        var half = Vector512.ShiftRightArithmetic(k, 1);
        var bias = Vector512.Create(127);
        return e * Vector512.ShiftLeft(half + bias, 23).AsSingle() * Vector512.ShiftLeft(k - half + bias, 23).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ScaleByPowerOfTwo(Vector256<float> e, Vector256<float> n)
    {
        var k = Vector256.ConvertToInt32Native(n);
        var half = Vector256.ShiftRightArithmetic(k, 1);
        var bias = Vector256.Create(127);
        return e * Vector256.ShiftLeft(half + bias, 23).AsSingle() * Vector256.ShiftLeft(k - half + bias, 23).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> ScaleByPowerOfTwo(Vector128<float> e, Vector128<float> n)
    {
        var k = Vector128.ConvertToInt32Native(n);
        var half = Vector128.ShiftRightArithmetic(k, 1);
        var bias = Vector128.Create(127);
        return e * Vector128.ShiftLeft(half + bias, 23).AsSingle() * Vector128.ShiftLeft(k - half + bias, 23).AsSingle();
    }
}
