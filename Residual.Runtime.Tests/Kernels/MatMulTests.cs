using System;
using Residual.Kernels;
using Xunit;
using static Residual.Runtime.Tests.Kernels.TestData;

namespace Residual.Runtime.Tests.Kernels;

public class MatMulTests
{
    // float32 dot products of up to ~100 terms of magnitude ≤ 1: the absolute error is a few ulps of the
    // sum of |terms| (≈ n·6e-8), far below 1e-4 of the output's largest magnitude; an indexing bug is O(1).
    private const double Rtol = 1e-4;

    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 },
        { 1, 3, 7 },
        { 3, 7, 5 },
        { 5, 17, 33 },
        { 4, 33, 3 },
        { 7, 1, 17 },
        { 13, 35, 70 },   // several row/column tiles plus leftovers on every side
        { 8, 64, 32 },    // everything a multiple of 16
        { 9, 100, 11 },
        { 24, 64, 48 },   // whole tiles in one block: dW reads dyᵀ and x in place (no packing), dx reads W in place
    };

    /// <summary>
    /// Shapes that cross the GEMM's blocks (depth blocks of 512, row blocks of 96, column panels of 1024) in
    /// each of the three products, with ragged last tiles, including a single row.
    /// </summary>
    public static TheoryData<int, int, int> BlockedShapes => new()
    {
        { 1, 600, 70 },    // one row; forward depth 600 = two depth blocks
        { 200, 1100, 33 }, // forward: three row blocks, three depth blocks, a ragged column tile
        { 3, 70, 2100 },   // forward: three column panels; backward weight: 2100 rows of dW
        { 1100, 100, 5 },  // backward weight: depth 1100 = three blocks; one ragged column tile
        { 97, 2049, 13 },  // backward input: three column panels, the last one float wide
    };

    [Theory, MemberData(nameof(BlockedShapes))]
    public void MatMul_matches_scalar_reference_across_cache_blocks(int rows, int inF, int outF)
    {
        var x = Uniform(rows * inF, 1);
        var w = Uniform(outF * inF, 2);
        var b = Uniform(outF, 3);
        var dy = Uniform(rows * outF, 5);
        var y = new float[rows * outF];
        MatMul.Forward(y, x, w, b, rows, inF, outF);
        Close(ScalarReference.MatMulForward(x, w, b, rows, inF, outF), y, Rtol, "output");
        var dx = Uniform(rows * inF, 6);
        var dx0 = (float[])dx.Clone();
        MatMul.BackwardInput(dx, dy, w, rows, inF, outF);
        Close(Plus(dx0, ScalarReference.MatMulBackwardInput(dy, w, rows, inF, outF)), dx, Rtol, "dInput");
        var dw = Uniform(outF * inF, 7);
        var dw0 = (float[])dw.Clone();
        MatMul.BackwardWeight(dw, dy, x, rows, inF, outF);
        Close(Plus(dw0, ScalarReference.MatMulBackwardWeight(dy, x, rows, inF, outF)), dw, Rtol, "dWeight");
    }

    [Theory, MemberData(nameof(Shapes))]
    public void MatMul_forward_matches_scalar_reference(int rows, int inF, int outF)
    {
        var x = Uniform(rows * inF, 1);
        var w = Uniform(outF * inF, 2);
        var b = Uniform(outF, 3);
        var y = Uniform(rows * outF, 4); // garbage that must be overwritten
        MatMul.Forward(y, x, w, b, rows, inF, outF);
        Close(ScalarReference.MatMulForward(x, w, b, rows, inF, outF), y, Rtol, "output");
    }

    [Theory, MemberData(nameof(Shapes))]
    public void MatMul_forward_without_bias_matches_scalar_reference(int rows, int inF, int outF)
    {
        var x = Uniform(rows * inF, 1);
        var w = Uniform(outF * inF, 2);
        var y = Uniform(rows * outF, 4);
        MatMul.Forward(y, x, w, ReadOnlySpan<float>.Empty, rows, inF, outF);
        Close(ScalarReference.MatMulForward(x, w, [], rows, inF, outF), y, Rtol, "output");
    }

    [Theory, MemberData(nameof(Shapes))]
    public void MatMul_backward_input_accumulates_scalar_reference(int rows, int inF, int outF)
    {
        var dy = Uniform(rows * outF, 5);
        var w = Uniform(outF * inF, 2);
        var dx = Uniform(rows * inF, 6);
        var start = (float[])dx.Clone();
        MatMul.BackwardInput(dx, dy, w, rows, inF, outF);
        Close(Plus(start, ScalarReference.MatMulBackwardInput(dy, w, rows, inF, outF)), dx, Rtol, "dInput");
    }

    [Theory, MemberData(nameof(Shapes))]
    public void MatMul_backward_weight_accumulates_scalar_reference(int rows, int inF, int outF)
    {
        var dy = Uniform(rows * outF, 5);
        var x = Uniform(rows * inF, 1);
        var dw = Uniform(outF * inF, 7);
        var start = (float[])dw.Clone();
        MatMul.BackwardWeight(dw, dy, x, rows, inF, outF);
        Close(Plus(start, ScalarReference.MatMulBackwardWeight(dy, x, rows, inF, outF)), dw, Rtol, "dWeight");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(5, 33)]
    [InlineData(13, 70)]
    [InlineData(8, 32)]
    public void MatMul_backward_bias_accumulates_scalar_reference(int rows, int outF)
    {
        var dy = Uniform(rows * outF, 5);
        var db = Uniform(outF, 8);
        var start = (float[])db.Clone();
        MatMul.BackwardBias(db, dy, rows, outF);
        Close(Plus(start, ScalarReference.MatMulBackwardBias(dy, rows, outF)), db, Rtol, "dBias");
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 7, 5)]
    [InlineData(5, 17, 33)]
    [InlineData(4, 32, 16)]
    public void MatMul_backward_matches_finite_differences_of_forward(int rows, int inF, int outF)
    {
        var x = Uniform(rows * inF, 1);
        var w = Uniform(outF * inF, 2);
        var b = Uniform(outF, 3);
        var r = Uniform(rows * outF, 9);
        var y = new float[rows * outF];
        float[] Forward() { MatMul.Forward(y, x, w, b, rows, inF, outF); return y; }

        var dx = new float[x.Length];
        var dw = new float[w.Length];
        var db = new float[b.Length];
        MatMul.BackwardInput(dx, r, w, rows, inF, outF);
        MatMul.BackwardWeight(dw, r, x, rows, inF, outF);
        MatMul.BackwardBias(db, r, rows, outF);

        GradCheck.Check("dInput", x, dx, Forward, r);
        GradCheck.Check("dWeight", w, dw, Forward, r);
        GradCheck.Check("dBias", b, db, Forward, r);
    }

    [Fact]
    public void MatMul_backward_called_twice_doubles_the_gradients()
    {
        const int rows = 5, inF = 17, outF = 9;
        var dy = Uniform(rows * outF, 5);
        var x = Uniform(rows * inF, 1);
        var w = Uniform(outF * inF, 2);
        float[] dx1 = new float[x.Length], dw1 = new float[w.Length], db1 = new float[outF];
        float[] dx2 = new float[x.Length], dw2 = new float[w.Length], db2 = new float[outF];
        MatMul.BackwardInput(dx1, dy, w, rows, inF, outF);
        MatMul.BackwardWeight(dw1, dy, x, rows, inF, outF);
        MatMul.BackwardBias(db1, dy, rows, outF);
        for (int i = 0; i < 2; i++)
        {
            MatMul.BackwardInput(dx2, dy, w, rows, inF, outF);
            MatMul.BackwardWeight(dw2, dy, x, rows, inF, outF);
            MatMul.BackwardBias(db2, dy, rows, outF);
        }
        Close(Twice(dx1), dx2, 1e-6, "dInput");
        Close(Twice(dw1), dw2, 1e-6, "dWeight");
        Close(Twice(db1), db2, 1e-6, "dBias");
    }
}
