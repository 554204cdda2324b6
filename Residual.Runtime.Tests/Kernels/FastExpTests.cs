using System;
using System.Runtime.Intrinsics;
using Residual.Kernels;
using Xunit;

namespace Residual.Runtime.Tests.Kernels;

/// <summary>The vector e^x behind softmax and GELU, on every vector width this machine accelerates.</summary>
public sealed class FastExpTests
{
    private static float[] Inputs()
    {
        var xs = new System.Collections.Generic.List<float>();
        for (float x = -110f; x <= 92f; x += 0.013f) xs.Add(x);
        xs.AddRange([0f, -0f, 1f, -1f, 88.72f, 88.73f, -87.33f, -103.9f, -104f, 1e-8f, -1e-8f]);
        while (xs.Count % 16 != 0) xs.Add(0.5f);
        return xs.ToArray();
    }

    private static float[] Apply(float[] xs, Func<float[], int, float[]> width)
    {
        var result = new float[xs.Length];
        for (int i = 0; i < xs.Length;)
        {
            var chunk = width(xs, i);
            chunk.CopyTo(result, i);
            i += chunk.Length;
        }
        return result;
    }

    public static TheoryData<int> Widths()
    {
        var d = new TheoryData<int>();
        if (Vector512.IsHardwareAccelerated) d.Add(512);
        if (Vector256.IsHardwareAccelerated) d.Add(256);
        if (Vector128.IsHardwareAccelerated) d.Add(128);
        if (d.Count == 0) d.Add(0); // no SIMD: nothing to check, but the theory needs a row
        return d;
    }

    private static float[] Run(int bits, float[] xs) => bits switch
    {
        512 => Apply(xs, (a, i) => { var r = new float[16]; V512.Exp(Vector512.Create(a.AsSpan(i, 16))).CopyTo(r); return r; }),
        256 => Apply(xs, (a, i) => { var r = new float[8]; V256.Exp(Vector256.Create(a.AsSpan(i, 8))).CopyTo(r); return r; }),
        128 => Apply(xs, (a, i) => { var r = new float[4]; V128.Exp(Vector128.Create(a.AsSpan(i, 4))).CopyTo(r); return r; }),
        _ => Array.ConvertAll(xs, MathF.Exp),
    };

    [Theory, MemberData(nameof(Widths))]
    public void Exp_is_within_two_ulps_and_overflows_and_underflows_like_expf(int bits)
    {
        var xs = Inputs();
        var ys = Run(bits, xs);
        for (int i = 0; i < xs.Length; i++)
        {
            double exact = Math.Exp(xs[i]);
            float y = ys[i];
            if (exact > float.MaxValue)
                Assert.True(float.IsPositiveInfinity(y), $"exp({xs[i]:R}) = {y:R}, expected +∞");
            else if (exact < 1e-37) // subnormal or zero: absolute error is what matters
                Assert.True(Math.Abs(y - exact) <= 1.5e-45 * 4 + exact * 1e-3, $"exp({xs[i]:R}) = {y:R}, expected {exact:R}");
            else
            {
                double ulp = (double)MathF.BitIncrement((float)exact) - (float)exact;
                Assert.True(Math.Abs(y - exact) <= 2 * ulp, $"exp({xs[i]:R}) = {y:R}, expected {exact:R} (error {Math.Abs(y - exact) / ulp:F2} ulp)");
            }
        }
    }

    [Theory, MemberData(nameof(Widths))]
    public void Exp_maps_infinities_to_infinity_and_zero_and_keeps_nan(int bits)
    {
        var xs = new float[16];
        for (int i = 0; i < 16; i++) xs[i] = (i % 4) switch { 0 => float.PositiveInfinity, 1 => float.NegativeInfinity, 2 => float.NaN, _ => 0f };
        var ys = Run(bits, xs);
        for (int i = 0; i < 16; i++)
        {
            switch (i % 4)
            {
                case 0: Assert.True(float.IsPositiveInfinity(ys[i])); break;
                case 1: Assert.Equal(0f, ys[i]); break;
                case 2: Assert.True(float.IsNaN(ys[i])); break;
                default: Assert.Equal(1f, ys[i]); break;
            }
        }
    }
}
