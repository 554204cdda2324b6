using Residual.Kernels;
using Xunit;
using static Residual.Runtime.Tests.Kernels.TestData;

namespace Residual.Runtime.Tests.Kernels;

public class NormTests
{
    // Row statistics are float32 sums of ≤ 64 terms and the outputs are O(1)–O(10): a few ulps of
    // relative error, comfortably under 1e-4 of the largest value. (The width-1 rows have x − mean = 0
    // exactly, so rstd = 1/sqrt(ε) ≈ 316 does not amplify anything.)
    private const double Rtol = 1e-4;
    private const double Eps = 1e-5;

    public static TheoryData<int, int> Shapes => new()
    {
        { 1, 1 }, { 1, 3 }, { 3, 7 }, { 2, 17 }, { 5, 33 }, { 4, 16 }, { 3, 64 }, { 2, 100 },
    };

    [Theory, MemberData(nameof(Shapes))]
    public void LayerNorm_forward_matches_scalar_reference(int rows, int width)
    {
        var x = Uniform(rows * width, 1, -2f, 3f);
        var w = Uniform(width, 2, 0.5f, 1.5f);
        var b = Uniform(width, 3);
        var y = Uniform(rows * width, 4);
        var mean = Uniform(rows, 5);
        var rstd = Uniform(rows, 6);
        LayerNormKernel.Forward(y, mean, rstd, x, w, b, rows, width);
        var expected = ScalarReference.LayerNormForward(x, w, b, rows, width, Eps);
        Close(expected.Output, y, Rtol, "output");
        Close(expected.Mean, mean, Rtol, "mean");
        Close(expected.Rstd, rstd, Rtol, "rstd");
    }

    [Theory, MemberData(nameof(Shapes))]
    public void LayerNorm_backward_accumulates_scalar_reference(int rows, int width)
    {
        var x = Uniform(rows * width, 1, -2f, 3f);
        var w = Uniform(width, 2, 0.5f, 1.5f);
        var b = Uniform(width, 3);
        var dy = Uniform(rows * width, 7);
        var (y, mean, rstd) = (new float[rows * width], new float[rows], new float[rows]);
        LayerNormKernel.Forward(y, mean, rstd, x, w, b, rows, width);
        var dx = Uniform(rows * width, 8);
        var dw = Uniform(width, 9);
        var db = Uniform(width, 10);
        var (dx0, dw0, db0) = ((float[])dx.Clone(), (float[])dw.Clone(), (float[])db.Clone());

        LayerNormKernel.Backward(dx, dw, db, dy, x, w, mean, rstd, rows, width);

        var expected = ScalarReference.LayerNormBackward(dy, x, w, rows, width, Eps);
        Close(Plus(dx0, expected.DInput), dx, Rtol, "dInput");
        Close(Plus(dw0, expected.DWeight), dw, Rtol, "dWeight");
        Close(Plus(db0, expected.DBias), db, Rtol, "dBias");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(2, 17)]
    [InlineData(2, 32)]
    public void LayerNorm_backward_matches_finite_differences_of_forward(int rows, int width)
    {
        // Inputs spread over [-2, 3] keep every row's variance O(1), so the h = 1e-2 step stays in the
        // smooth regime of 1/sqrt(var + ε) (see GradCheck for the step and tolerance).
        var x = Uniform(rows * width, 1, -2f, 3f);
        var w = Uniform(width, 2, 0.5f, 1.5f);
        var b = Uniform(width, 3);
        var r = Uniform(rows * width, 11);
        var (y, mean, rstd) = (new float[rows * width], new float[rows], new float[rows]);
        float[] Forward() { LayerNormKernel.Forward(y, mean, rstd, x, w, b, rows, width); return y; }
        Forward();
        var (dx, dw, db) = (new float[x.Length], new float[width], new float[width]);
        LayerNormKernel.Backward(dx, dw, db, r, x, w, mean, rstd, rows, width);

        GradCheck.Check("dInput", x, dx, Forward, r);
        GradCheck.Check("dWeight", w, dw, Forward, r);
        GradCheck.Check("dBias", b, db, Forward, r);
    }

    [Fact]
    public void LayerNorm_backward_called_twice_doubles_the_gradients()
    {
        const int rows = 3, width = 19;
        var x = Uniform(rows * width, 1, -2f, 3f);
        var w = Uniform(width, 2, 0.5f, 1.5f);
        var dy = Uniform(rows * width, 7);
        var (y, mean, rstd) = (new float[rows * width], new float[rows], new float[rows]);
        LayerNormKernel.Forward(y, mean, rstd, x, w, new float[width], rows, width);
        var (dx1, dw1, db1) = (new float[x.Length], new float[width], new float[width]);
        var (dx2, dw2, db2) = (new float[x.Length], new float[width], new float[width]);
        LayerNormKernel.Backward(dx1, dw1, db1, dy, x, w, mean, rstd, rows, width);
        LayerNormKernel.Backward(dx2, dw2, db2, dy, x, w, mean, rstd, rows, width);
        LayerNormKernel.Backward(dx2, dw2, db2, dy, x, w, mean, rstd, rows, width);
        Close(Twice(dx1), dx2, 1e-6, "dInput");
        Close(Twice(dw1), dw2, 1e-6, "dWeight");
        Close(Twice(db1), db2, 1e-6, "dBias");
    }

    [Theory, MemberData(nameof(Shapes))]
    public void RmsNorm_forward_matches_scalar_reference(int rows, int width)
    {
        var x = Uniform(rows * width, 1, -2f, 3f);
        var w = Uniform(width, 2, 0.5f, 1.5f);
        var y = Uniform(rows * width, 4);
        var rstd = Uniform(rows, 6);
        RmsNormKernel.Forward(y, rstd, x, w, rows, width);
        var expected = ScalarReference.RmsNormForward(x, w, rows, width, Eps);
        Close(expected.Output, y, Rtol, "output");
        Close(expected.Rstd, rstd, Rtol, "rstd");
    }

    [Theory, MemberData(nameof(Shapes))]
    public void RmsNorm_backward_accumulates_scalar_reference(int rows, int width)
    {
        var x = Uniform(rows * width, 1, -2f, 3f);
        var w = Uniform(width, 2, 0.5f, 1.5f);
        var dy = Uniform(rows * width, 7);
        var (y, rstd) = (new float[rows * width], new float[rows]);
        RmsNormKernel.Forward(y, rstd, x, w, rows, width);
        var dx = Uniform(rows * width, 8);
        var dw = Uniform(width, 9);
        var (dx0, dw0) = ((float[])dx.Clone(), (float[])dw.Clone());

        RmsNormKernel.Backward(dx, dw, dy, x, w, rstd, rows, width);

        var expected = ScalarReference.RmsNormBackward(dy, x, w, rows, width, Eps);
        Close(Plus(dx0, expected.DInput), dx, Rtol, "dInput");
        Close(Plus(dw0, expected.DWeight), dw, Rtol, "dWeight");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(2, 17)]
    [InlineData(2, 32)]
    public void RmsNorm_backward_matches_finite_differences_of_forward(int rows, int width)
    {
        // Inputs in [0.5, 2] (both signs) keep mean(x²) ≥ 0.25, away from the singularity at 0.
        var x = Uniform(rows * width, 1, 0.5f, 2f);
        for (int i = 0; i < x.Length; i += 2) x[i] = -x[i];
        var w = Uniform(width, 2, 0.5f, 1.5f);
        var r = Uniform(rows * width, 11);
        var (y, rstd) = (new float[rows * width], new float[rows]);
        float[] Forward() { RmsNormKernel.Forward(y, rstd, x, w, rows, width); return y; }
        Forward();
        var (dx, dw) = (new float[x.Length], new float[width]);
        RmsNormKernel.Backward(dx, dw, r, x, w, rstd, rows, width);

        GradCheck.Check("dInput", x, dx, Forward, r);
        GradCheck.Check("dWeight", w, dw, Forward, r);
    }

    [Fact]
    public void RmsNorm_backward_called_twice_doubles_the_gradients()
    {
        const int rows = 3, width = 19;
        var x = Uniform(rows * width, 1, -2f, 3f);
        var w = Uniform(width, 2, 0.5f, 1.5f);
        var dy = Uniform(rows * width, 7);
        var (y, rstd) = (new float[rows * width], new float[rows]);
        RmsNormKernel.Forward(y, rstd, x, w, rows, width);
        var (dx1, dw1) = (new float[x.Length], new float[width]);
        var (dx2, dw2) = (new float[x.Length], new float[width]);
        RmsNormKernel.Backward(dx1, dw1, dy, x, w, rstd, rows, width);
        RmsNormKernel.Backward(dx2, dw2, dy, x, w, rstd, rows, width);
        RmsNormKernel.Backward(dx2, dw2, dy, x, w, rstd, rows, width);
        Close(Twice(dx1), dx2, 1e-6, "dInput");
        Close(Twice(dw1), dw2, 1e-6, "dWeight");
    }

    [Fact]
    public void Norm_forwards_may_run_in_place()
    {
        const int rows = 3, width = 21;
        var x = Uniform(rows * width, 1, -2f, 3f);
        var w = Uniform(width, 2, 0.5f, 1.5f);
        var b = Uniform(width, 3);
        var (expected, mean, rstd) = (new float[x.Length], new float[rows], new float[rows]);
        LayerNormKernel.Forward(expected, mean, rstd, x, w, b, rows, width);
        var inPlace = (float[])x.Clone();
        LayerNormKernel.Forward(inPlace, mean, rstd, inPlace, w, b, rows, width);
        Assert.Equal(expected, inPlace);

        RmsNormKernel.Forward(expected, rstd, x, w, rows, width);
        inPlace = (float[])x.Clone();
        RmsNormKernel.Forward(inPlace, rstd, inPlace, w, rows, width);
        Assert.Equal(expected, inPlace);
    }
}
