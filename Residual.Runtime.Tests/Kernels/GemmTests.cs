using System;
using Residual.Kernels;
using Xunit;
using static Residual.Runtime.Tests.Kernels.TestData;

namespace Residual.Runtime.Tests.Kernels;

/// <summary>
/// <see cref="Gemm"/> driven directly, in the three operand layouts of a linear layer (forward: B read transposed;
/// input gradient: both row-major; weight gradient: A read transposed), storing and accumulating, on 1, 2 and 3
/// threads. The shapes make the GEMM pack one operand once for all threads (B when threads split rows, A when they
/// split columns; also on one thread when C is wider than a panel of B), read a row-major A in place (packing only a
/// ragged last tile of rows), across depth blocks, with ragged tiles.
/// </summary>
public unsafe class GemmTests : IDisposable
{
    private readonly int _threads = Parallelism.MaxThreads;

    public void Dispose() => Parallelism.MaxThreads = _threads;

    public static TheoryData<int, int, int> Shapes => new()
    {
        // M, N, K
        { 20, 30, 10 },     // one small block on the calling thread, nothing shared
        { 301, 70, 1030 },  // tall: threads split rows, B shared; three depth blocks (the last 6 deep); ragged rows and columns
        { 50, 1100, 530 },  // wide: threads split columns, A shared; wider than a panel of B, so shared on one thread too
        { 500, 1050, 40 },  // tall and wider than a panel: rows split, B shared on one thread too
        { 37, 45, 1024 },   // a row-major A whose rows are 4 KB apart is packed, not read in place
    };

    public enum Layout { Forward, InputGradient, WeightGradient }

    [Theory, MemberData(nameof(Shapes))]
    public void Product_matches_reference_and_gives_the_same_bits_on_any_thread_count(int m, int n, int k)
    {
        var a = Uniform(m * k, 1); // logical A[i, p] = a[i·k + p]
        var b = Uniform(k * n, 2); // logical B[p, j] = b[p·n + j]
        var c0 = Uniform(m * n, 3);
        var product = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++)
            {
                double aip = a[i * k + p];
                for (int j = 0; j < n; j++) product[i * n + j] += aip * b[p * n + j];
            }
        var accumulated = Plus(c0, product);

        foreach (Layout layout in Enum.GetValues<Layout>())
        {
            // Each layout stores the same logical matrices differently.
            float[] aStored = layout == Layout.WeightGradient ? Transpose(a, m, k) : a;
            float[] bStored = layout == Layout.Forward ? Transpose(b, k, n) : b;
            foreach (bool accumulate in new[] { false, true })
            {
                float[]? first = null;
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    Parallelism.MaxThreads = threads;
                    var c = (float[])c0.Clone();
                    fixed (float* pa = aStored, pb = bStored, pc = c)
                    {
                        var problem = new GemmProblem
                        {
                            C = pc, Ldc = n, M = m, N = n, K = k, Accumulate = accumulate,
                            A = pa, B = pb,
                            ARowStride = layout == Layout.WeightGradient ? 1 : k,
                            AColStride = layout == Layout.WeightGradient ? m : 1,
                            BRowStride = layout == Layout.Forward ? 1 : n,
                            BColStride = layout == Layout.Forward ? k : 1,
                        };
                        Gemm.Run(&problem);
                    }
                    string what = $"{layout} {m}×{n}×{k} {(accumulate ? "C +=" : "C =")} on {threads} threads";
                    if (first is null)
                    {
                        first = c;
                        Close(accumulate ? accumulated : product, c, 1e-4, what);
                    }
                    else ThreadCountTests.AssertSameBits(first, c, what);
                }
            }
        }
    }

    private static float[] Transpose(float[] x, int rows, int columns)
    {
        var t = new float[x.Length];
        for (int r = 0; r < rows; r++)
            for (int col = 0; col < columns; col++) t[col * rows + r] = x[r * columns + col];
        return t;
    }
}
