using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Residual.Kernels;

/// <summary>
/// e^x per lane for the vector widths, in about a dozen vector instructions: the runtime's
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(Lo)), Vector512.Create(Hi));
        var n = Vector512.Round(x * Vector512.Create(Log2E));
        var r = Vector512.MultiplyAddEstimate(n, Vector512.Create(-Ln2Hi), x);
        r = Vector512.MultiplyAddEstimate(n, Vector512.Create(-Ln2Lo), r);
        var p = Vector512.MultiplyAddEstimate(Vector512.Create(P0), r, Vector512.Create(P1));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(P2));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(P3));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(P4));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(P5));
        var e = Vector512.MultiplyAddEstimate(p, r * r, r + Vector512<float>.One);
        var k = Vector512.ConvertToInt32Native(n);
        var half = Vector512.ShiftRightArithmetic(k, 1);
        var bias = Vector512.Create(127);
        var scale1 = Vector512.ShiftLeft(half + bias, 23).AsSingle();
        var scale2 = Vector512.ShiftLeft(k - half + bias, 23).AsSingle();
        return e * scale1 * scale2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(Lo)), Vector256.Create(Hi));
        var n = Vector256.Round(x * Vector256.Create(Log2E));
        var r = Vector256.MultiplyAddEstimate(n, Vector256.Create(-Ln2Hi), x);
        r = Vector256.MultiplyAddEstimate(n, Vector256.Create(-Ln2Lo), r);
        var p = Vector256.MultiplyAddEstimate(Vector256.Create(P0), r, Vector256.Create(P1));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(P2));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(P3));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(P4));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(P5));
        var e = Vector256.MultiplyAddEstimate(p, r * r, r + Vector256<float>.One);
        var k = Vector256.ConvertToInt32Native(n);
        var half = Vector256.ShiftRightArithmetic(k, 1);
        var bias = Vector256.Create(127);
        var scale1 = Vector256.ShiftLeft(half + bias, 23).AsSingle();
        var scale2 = Vector256.ShiftLeft(k - half + bias, 23).AsSingle();
        return e * scale1 * scale2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x)
    {
        x = Vector128.Min(Vector128.Max(x, Vector128.Create(Lo)), Vector128.Create(Hi));
        var n = Vector128.Round(x * Vector128.Create(Log2E));
        var r = Vector128.MultiplyAddEstimate(n, Vector128.Create(-Ln2Hi), x);
        r = Vector128.MultiplyAddEstimate(n, Vector128.Create(-Ln2Lo), r);
        var p = Vector128.MultiplyAddEstimate(Vector128.Create(P0), r, Vector128.Create(P1));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(P2));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(P3));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(P4));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(P5));
        var e = Vector128.MultiplyAddEstimate(p, r * r, r + Vector128<float>.One);
        var k = Vector128.ConvertToInt32Native(n);
        var half = Vector128.ShiftRightArithmetic(k, 1);
        var bias = Vector128.Create(127);
        var scale1 = Vector128.ShiftLeft(half + bias, 23).AsSingle();
        var scale2 = Vector128.ShiftLeft(k - half + bias, 23).AsSingle();
        return e * scale1 * scale2;
    }
}
