namespace Residual.Kernels;

/// <summary>
/// One product <c>C[i, j] (+)= Σ_p A(i, p)·B(p, j)</c> (+ bias[j]) described by raw pointers and strides,
/// so that the three products of a linear layer (and their transposes) are one routine:
/// <c>A(i, p) = A[i·ARowStride + p·AColStride]</c>, <c>B(p, j) = B[p·BRowStride + j·BColStride]</c>,
/// C is row-major with <see cref="Ldc"/> floats per row. Lives on the caller's stack while the caller
/// blocks, so worker threads may read it through a pointer.
/// </summary>
internal unsafe struct GemmProblem
{
    public float* C;
    public int Ldc;
    public float* A;
    public int ARowStride, AColStride;
    public float* B;
    public int BRowStride, BColStride;

    /// <summary>Null, or <see cref="N"/> floats added to every row (only when not accumulating).</summary>
    public float* Bias;

    public int M, N, K;

    /// <summary>True: C += A·B. False: C = A·B (+ bias).</summary>
    public bool Accumulate;

    /// <summary>Set by <see cref="Gemm"/>: threads split the columns (true) or the rows (false).</summary>
    public bool SplitColumns;

    /// <summary>
    /// Set by <see cref="Gemm"/> while it runs: null, or all of A already packed (depth block <c>pc</c> at
    /// <c>PackedA + pc·PackedRows</c>, its <c>MR</c>-row micro-panels one after another).
    /// </summary>
    public float* PackedA;

    /// <summary>Like <see cref="PackedA"/> for B (depth block <c>pc</c> at <c>PackedB + pc·PackedColumns</c>).</summary>
    public float* PackedB;

    /// <summary>M rounded up to whole micro-tiles (rows of one packed depth block of A).</summary>
    public int PackedRows;

    /// <summary>N rounded up to whole micro-tiles (columns of one packed depth block of B).</summary>
    public int PackedColumns;
}
