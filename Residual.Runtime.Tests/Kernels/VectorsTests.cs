using System;
using System.Linq;
using Residual.Kernels;
using Xunit;
using static Residual.Runtime.Tests.Kernels.TestData;

namespace Residual.Runtime.Tests.Kernels;

/// <summary>
/// The internal row helpers on every length from 1 to 70, so that each combination of 16-, 8-, 4-lane
/// steps and scalar tails is exercised under whichever SIMD width the run has.
/// </summary>
public class VectorsTests
{
    // Sums of ≤ 70 products of values in [-1, 1]: float32 error ≲ 70·6e-8 of the largest term.
    private const double Rtol = 1e-5;

    public static TheoryData<int> Lengths()
    {
        var d = new TheoryData<int>();
        foreach (int n in Enumerable.Range(1, 70)) d.Add(n);
        return d;
    }

    [Theory, MemberData(nameof(Lengths))]
    public void Reductions_match_double_sums(int n)
    {
        var x = Uniform(n, 1);
        var y = Uniform(n, 2);
        SumClose(x.Zip(y, (a, b) => (double)a * b).ToArray(), Vectors.Dot(x, y), "Dot");
        SumClose(x.Select(v => (double)v).ToArray(), Vectors.Sum(x), "Sum");
        SumClose(x.Select(v => (v - 0.25) * (v - 0.25)).ToArray(), Vectors.SumSquaredDeviation(x, 0.25f), "SumSquaredDeviation");
        Assert.Equal(x.Max(), Vectors.Max(x));
    }

    /// <summary>A float32 sum's error scales with Σ|terms|, not with the (possibly cancelled) result.</summary>
    private static void SumClose(double[] terms, float actual, string what)
    {
        double expected = terms.Sum(), scale = terms.Sum(Math.Abs);
        Assert.True(Math.Abs(actual - expected) <= Rtol * scale, $"{what} = {actual:R}, expected {expected:R} (Σ|terms| = {scale:R}).");
    }

    [Theory, MemberData(nameof(Lengths))]
    public void Elementwise_helpers_touch_exactly_their_span(int n)
    {
        var x = Uniform(n + 2, 1);
        var y = Uniform(n + 2, 2);
        var expected = y.Select((v, i) => i < n ? v + 0.5 * x[i] : v).ToArray();
        Vectors.Axpy(0.5f, x.AsSpan(0, n), y.AsSpan(0, n));
        Close(expected, y, 1e-7, "Axpy");

        var z = Uniform(n + 2, 3);
        var zExpected = z.Select((v, i) => i < n ? (double)x[i] + y[i] : v).ToArray();
        Vectors.Add(x.AsSpan(0, n), y.AsSpan(0, n), z.AsSpan(0, n));
        Close(zExpected, z, 1e-7, "Add");
    }

    [Theory, MemberData(nameof(Lengths))]
    public void Softmax_matches_double_softmax_with_scale(int n)
    {
        var x = Uniform(n, 1, -5f, 5f);
        var y = new float[n];
        Vectors.Softmax(x, y, 0.3f);
        double max = x.Max();
        var e = x.Select(v => Math.Exp(0.3 * (v - max))).ToArray();
        Close(e.Select(v => v / e.Sum()).ToArray(), y, Rtol, "Softmax");
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 5, 7)]
    [InlineData(17, 9, 20)]
    [InlineData(64, 6, 64)]
    [InlineData(70, 13, 75)]
    public void DotRows_matches_one_dot_per_strided_row(int n, int count, int stride)
    {
        var x = Uniform(n, 1);
        var rows = Uniform((count - 1) * stride + n, 2);
        var result = Uniform(count, 3);
        Vectors.DotRows(x, rows, stride, result);
        var expected = Enumerable.Range(0, count).Select(j => Enumerable.Range(0, n).Sum(i => (double)x[i] * rows[j * stride + i])).ToArray();
        Close(expected, result, Rtol, "DotRows");
    }

    [Theory]
    [InlineData(1, 1, 1, 1, false)]
    [InlineData(3, 5, 2, 7, true)]
    [InlineData(17, 9, 3, 20, false)]
    [InlineData(64, 6, 1, 64, true)]
    [InlineData(80, 7, 5, 81, true)]
    [InlineData(70, 13, 1, 75, false)]
    public void WeightedRowSum_matches_double_sum(int n, int count, int weightStride, int rowStride, bool accumulate)
    {
        var w = Uniform((count - 1) * weightStride + 1, 1);
        var rows = Uniform((count - 1) * rowStride + n, 2);
        var y = Uniform(n, 3);
        var expected = Enumerable.Range(0, n)
            .Select(c => (accumulate ? y[c] : 0.0) + Enumerable.Range(0, count).Sum(j => (double)w[j * weightStride] * rows[j * rowStride + c]))
            .ToArray();
        Vectors.WeightedRowSum(w, weightStride, count, rows, rowStride, y, accumulate);
        Close(expected, y, Rtol, "WeightedRowSum");
    }
}
