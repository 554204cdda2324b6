using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Residual.Threading;

namespace Residual.Kernels;

/// <summary>
/// Packed, cache-blocked, register-blocked single-precision GEMM: <c>C (+)= A·B (+ bias)</c> for any
/// strides of A and B (see <see cref="GemmProblem"/>). The loop nest is the classic one of BLIS / GotoBLAS:
/// a panel of B (<see cref="KC"/> × <see cref="NC"/>) and a block of A (<see cref="MC"/> × <see cref="KC"/>)
/// are copied into contiguous micro-panels, then a micro-kernel computes an MR × NR tile of C
/// (MR × NR = 12 × 32 with AVX-512, 6 × 16 with AVX2: two vectors wide) in registers with one FMA per vector per k.
/// </summary>
/// <remarks>
/// <para>Threads: the output is cut into equal ranges of whole tiles, along N or M (whichever has more
/// tiles), one range per thread. The operand every thread needs whole (B when they split rows, A when they split
/// columns) is packed once beforehand, its panels shared out between the threads; each thread packs its own share of
/// the other operand into its own <see cref="GemmScratch"/>.
/// Every element of C is therefore computed by one thread with the same sequence of operations whatever
/// the thread count: results are bit-identical for 1, 2 or more threads.</para>
/// <para>A row-major A (the forward pass's input, the input gradient's output gradient) is not packed: the micro-kernel
/// reads a tile's rows in place (<see cref="TileRows12{S, V}"/>), which saves transposing it into panels.</para>
/// <para>Edges: packing pads A rows and B columns beyond the matrix with zeros, and a tile that sticks out
/// of C is computed into a small buffer whose valid part is then added or stored, so every shape works
/// without a scalar remainder loop.</para>
/// </remarks>
internal static unsafe class Gemm
{
    /// <summary>Most rows of C per micro-tile: 12 with AVX-512 (24 accumulators of 32), 6 otherwise (12 of 16).</summary>
    public const int MaxMR = 12;

    /// <summary>Widest micro-tile (two 512-bit vectors).</summary>
    public const int MaxNR = 32;

    /// <summary>
    /// Depth of a packed block: one B micro-panel (KC × NR, 64 KB with AVX-512) stays in L1/L2 while the A micro-panels
    /// stream past. Measured on Zen 5: 512 gives a few percent more than 256 (fewer passes over C for deep products).
    /// </summary>
    public const int KC = 512;

    /// <summary>Rows of a packed A block (KC·MC·4 = 192 KB, in L2); a multiple of both tile heights.</summary>
    public const int MC = 96;

    /// <summary>Columns of a packed B panel (KC·NC·4 = 2 MB, L2/L3); wider products take several panels.</summary>
    public const int NC = 1024;

    /// <summary>Below this many multiply-adds a product runs on the calling thread alone (waking a worker costs more).</summary>
    private const long ParallelThreshold = 96L * 96 * 96;

    /// <summary>Runs the product described by <paramref name="problem"/>, on up to <see cref="Parallelism.MaxThreads"/> threads.</summary>
    public static void Run(GemmProblem* problem)
    {
        if (Vector512.IsHardwareAccelerated)
            Run<V512, Vector512<float>>(problem);
        else if (Vector256.IsHardwareAccelerated)
            Run<V256, Vector256<float>>(problem);
        else if (Vector128.IsHardwareAccelerated)
            Run<V128, Vector128<float>>(problem);
        else
            Run<Scalar, float>(problem);
    }

    /// <summary>Runs the product on the calling thread only (for kernels that already split their work between threads).</summary>
    public static void RunOnThisThread(GemmProblem* problem)
    {
        if (Vector512.IsHardwareAccelerated)
            Serial<V512, Vector512<float>>(problem, 0, problem->M, 0, problem->N, GemmScratch.Current);
        else if (Vector256.IsHardwareAccelerated)
            Serial<V256, Vector256<float>>(problem, 0, problem->M, 0, problem->N, GemmScratch.Current);
        else if (Vector128.IsHardwareAccelerated)
            Serial<V128, Vector128<float>>(problem, 0, problem->M, 0, problem->N, GemmScratch.Current);
        else
            Serial<Scalar, float>(problem, 0, problem->M, 0, problem->N, GemmScratch.Current);
    }

    private static void Run<S, V>(GemmProblem* p) where S : ISimd<V> where V : struct
    {
        int nr = 2 * S.Count, mr = Rows<S, V>();
        int rowTiles = (p->M + mr - 1) / mr, colTiles = (p->N + nr - 1) / nr;
        p->SplitColumns = colTiles >= rowTiles;
        bool small = (long)p->M * p->N * p->K < ParallelThreshold;
        int parts = small ? 1 : Math.Min(Parallelism.MaxThreads, Math.Max(rowTiles, colTiles));
        p->PackedA = p->PackedB = null;
        // Pack the operand the threads share once: with several threads, unless it is a row-major A (read in place,
        // see Serial); with one thread, when A is packed and would otherwise be packed again for every panel of B.
        bool aInPlace = RowsInPlace(p);
        bool share = !small && (parts > 1 ? !(p->SplitColumns && aInPlace) : p->N > NC && !aInPlace);
        if (share)
            Prepack<S, V>(p, parts, rowTiles * mr, colTiles * nr);
        WorkerPool.Run(&Part<S, V>, p, parts);
        p->PackedA = p->PackedB = null;
    }

    /// <summary>
    /// Packs the operand every thread needs whole (B when threads split the rows of C, A when they split the columns)
    /// once, its panels shared out between the threads, into the calling thread's <see cref="GemmScratch.Shared"/>.
    /// Without it each thread packs all of that operand itself (two threads: twice the copying), and a thread packs its
    /// own operand again for every <see cref="NC"/>-wide panel of B. Skipped (each thread packs as before) when the
    /// operand would need more than <see cref="GemmScratch.MaxSharedFloats"/>.
    /// </summary>
    private static void Prepack<S, V>(GemmProblem* p, int parts, int rowsPadded, int columnsPadded) where S : ISimd<V> where V : struct
    {
        long floats = (long)(p->SplitColumns ? rowsPadded : columnsPadded) * p->K;
        float* shared = GemmScratch.Shared(floats);
        if (shared == null) return;
        if (p->SplitColumns) { p->PackedA = shared; p->PackedRows = rowsPadded; }
        else { p->PackedB = shared; p->PackedColumns = columnsPadded; }
        WorkerPool.Run(&PrepackPart<S, V>, p, parts);
    }

    /// <summary>Part <paramref name="part"/> of the shared packing: a range of micro-panels, every depth block.</summary>
    private static void PrepackPart<S, V>(void* state, int part, int parts) where S : ISimd<V> where V : struct
    {
        var p = (GemmProblem*)state;
        bool a = p->PackedA != null;
        int width = a ? Rows<S, V>() : 2 * S.Count, lanes = a ? p->M : p->N;
        var (first, end) = Range(lanes, width, part, parts);
        if (first >= end) return;
        for (int pc = 0; pc < p->K; pc += KC)
        {
            int kc = Math.Min(KC, p->K - pc);
            if (a) PackA(p, first, end - first, pc, kc, width, p->PackedA + (long)pc * p->PackedRows + (long)first * kc);
            else PackB(p, pc, kc, first, end - first, width, p->PackedB + (long)pc * p->PackedColumns + (long)first * kc);
        }
    }

    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/>: one range of whole tiles of C.</summary>
    private static void Part<S, V>(void* state, int part, int parts) where S : ISimd<V> where V : struct
    {
        var p = (GemmProblem*)state;
        int nr = 2 * S.Count, mr = Rows<S, V>();
        if (p->SplitColumns)
        {
            var (n0, n1) = Range(p->N, nr, part, parts);
            if (n0 < n1) Serial<S, V>(p, 0, p->M, n0, n1, GemmScratch.Current);
        }
        else
        {
            var (m0, m1) = Range(p->M, mr, part, parts);
            if (m0 < m1) Serial<S, V>(p, m0, m1, 0, p->N, GemmScratch.Current);
        }
    }

    /// <summary>
    /// A is row-major (each row's steps contiguous: the forward pass's input, the input gradient's output gradient):
    /// the micro-kernel reads its rows in place (<see cref="TileRows12{S, V}"/>), so only a ragged last tile is packed.
    /// Not when rows are a multiple of 4 KB apart (1024, 2048, 3072 floats): a tile's rows would then all fall in the
    /// same L1 sets and evict each other (measured: a fifth slower than packing).
    /// </summary>
    private static bool RowsInPlace(GemmProblem* p) => p->AColStride == 1 && p->ARowStride != 1 && p->ARowStride % 1024 != 0;

    /// <summary>Rows per micro-tile for this vector width (a JIT-time constant).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Rows<S, V>() where S : ISimd<V> where V : struct => S.Count == 16 ? 12 : 6;

    /// <summary>The <paramref name="part"/>-th of <paramref name="parts"/> near-equal ranges of whole tiles covering <c>[0, length)</c>.</summary>
    private static (int Start, int End) Range(int length, int tile, int part, int parts)
    {
        int tiles = (length + tile - 1) / tile;
        int start = (int)((long)tiles * part / parts) * tile, end = (int)((long)tiles * (part + 1) / parts) * tile;
        return (Math.Min(start, length), Math.Min(end, length));
    }

    /// <summary>C[m0..m1, n0..n1] on the calling thread.</summary>
    private static void Serial<S, V>(GemmProblem* p, int m0, int m1, int n0, int n1, GemmScratch scratch) where S : ISimd<V> where V : struct
    {
        int nr = 2 * S.Count, mr = Rows<S, V>(), k = p->K, ldc = p->Ldc;
        float* packedA = scratch.PackedA, packedB = scratch.PackedB, tile = scratch.Tile;
        // A product that is one block (attention's per-head products) reads an operand in place when its layout is
        // already the packed one (MR rows of A or NR columns of B contiguous per step, whole tiles): for such small
        // products the copy would cost a large share of the arithmetic. Otherwise B is packed (contiguous panels keep
        // the reads in cache and the TLB), and so is A unless it is row-major: a tile's MR rows are then read in place
        // (each a contiguous run of steps), which saves transposing A into panels.
        bool oneBlock = k <= KC && m1 - m0 <= MC && n1 - n0 <= NC;
        bool directA = oneBlock && p->PackedA == null && p->ARowStride == 1 && (m1 - m0) % mr == 0;
        bool directB = oneBlock && p->PackedB == null && p->BColStride == 1 && (n1 - n0) % nr == 0;
        bool rowsA = !directA && p->PackedA == null && RowsInPlace(p);
        int aStep = directA ? p->AColStride : mr, bStep = directB ? p->BRowStride : nr, lda = p->ARowStride;
        // With B packed whole beforehand, all of this thread's columns are one panel: A is then packed once per depth block.
        int ncMax = p->PackedB != null ? n1 - n0 : NC;
        for (int jc = n0; jc < n1; jc += ncMax)
        {
            int nc = Math.Min(ncMax, n1 - jc);
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                // The first depth block stores (plus bias); later blocks, or an accumulating product, add.
                bool store = pc == 0 && !p->Accumulate;
                if (p->PackedB != null) packedB = p->PackedB + (long)pc * p->PackedColumns + (long)jc * kc;
                else if (!directB) PackB(p, pc, kc, jc, nc, nr, packedB);
                for (int ic = m0; ic < m1; ic += MC)
                {
                    int mc = Math.Min(MC, m1 - ic), ragged = mc % mr;
                    if (p->PackedA != null) packedA = p->PackedA + (long)pc * p->PackedRows + (long)ic * kc;
                    else if (rowsA) { if (ragged != 0) PackA(p, ic + mc - ragged, ragged, pc, kc, mr, packedA); }
                    else if (!directA) PackA(p, ic, mc, pc, kc, mr, packedA);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int nValid = Math.Min(nr, nc - jr);
                        float* b = directB ? p->B + (long)pc * p->BRowStride + jc + jr : packedB + (long)jr * kc;
                        float* bias = store && p->Bias != null ? p->Bias + jc + jr : null;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int mValid = Math.Min(mr, mc - ir);
                            // Rows of A in place (whole tiles of a row-major A), or a packed panel (a row-major A's ragged
                            // last tile is the only panel packed), or a panel-shaped A in place.
                            bool inPlaceRows = rowsA && mValid == mr;
                            float* a = inPlaceRows ? p->A + (long)(ic + ir) * lda + pc
                                : directA ? p->A + ic + ir + (long)pc * p->AColStride
                                : rowsA ? packedA
                                : packedA + (long)ir * kc;
                            float* c = p->C + (long)(ic + ir) * ldc + jc + jr;
                            if (mValid == mr && nValid == nr)
                            {
                                Prefetch(c, ldc, mr);
                                if (inPlaceRows) MicroKernelRows<S, V>(kc, a, lda, b, bStep, c, ldc, store, bias);
                                else MicroKernel<S, V>(kc, a, aStep, b, bStep, c, ldc, store, bias);
                            }
                            else
                            {
                                // Same arithmetic into a buffer, then only the part inside C.
                                if (inPlaceRows) MicroKernelRows<S, V>(kc, a, lda, b, bStep, tile, nr, store: true, bias: null);
                                else MicroKernel<S, V>(kc, a, aStep, b, bStep, tile, nr, store: true, bias: null);
                                for (int r = 0; r < mValid; r++)
                                {
                                    float* cr = c + (long)r * ldc, tr = tile + r * nr;
                                    for (int j = 0; j < nValid; j++)
                                        cr[j] = store ? (bias != null ? tr[j] + bias[j] : tr[j]) : cr[j] + tr[j];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Starts loading a tile's rows of C (two cache lines each), which the micro-kernel reads only after its loop.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Prefetch(float* c, int ldc, int rows)
    {
        if (!Sse.IsSupported) return;
        for (int r = 0; r < rows; r++, c += ldc)
        {
            Sse.Prefetch0(c);
            Sse.Prefetch0(c + 16);
        }
    }

    /// <summary>
    /// The micro-tile <c>c (+)= a·b</c> over <paramref name="kc"/> steps, for this vector width: per step, MR floats of A
    /// (<paramref name="aStep"/> floats after the previous step's) and NR floats of B (<paramref name="bStep"/> after).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MicroKernel<S, V>(int kc, float* a, int aStep, float* b, int bStep, float* c, int ldc, bool store, float* bias) where S : ISimd<V> where V : struct
    {
        if (S.Count == 16) Tile12<S, V>(kc, a, aStep, b, bStep, c, ldc, store, bias);
        else Tile6<S, V>(kc, a, aStep, b, bStep, c, ldc, store, bias);
    }

    /// <summary>
    /// A 12 × 2-vector tile: 24 accumulators + 2 B vectors + 1 broadcast of the 32 AVX-512 registers. Per
    /// step, 2 loads and 12 broadcasts feed 24 FMAs, which keeps both 512-bit FMA pipes busy.
    /// </summary>
    private static void Tile12<S, V>(int kc, float* a, int aStep, float* b, int bStep, float* c, int ldc, bool store, float* bias) where S : ISimd<V> where V : struct
    {
        V c00 = S.Zero, c01 = S.Zero, c10 = S.Zero, c11 = S.Zero, c20 = S.Zero, c21 = S.Zero;
        V c30 = S.Zero, c31 = S.Zero, c40 = S.Zero, c41 = S.Zero, c50 = S.Zero, c51 = S.Zero;
        V c60 = S.Zero, c61 = S.Zero, c70 = S.Zero, c71 = S.Zero, c80 = S.Zero, c81 = S.Zero;
        V c90 = S.Zero, c91 = S.Zero, ca0 = S.Zero, ca1 = S.Zero, cb0 = S.Zero, cb1 = S.Zero;
        int n = S.Count;
        for (int p = 0; p < kc; p++, a += aStep, b += bStep)
        {
            V b0 = S.Load(in b[0]), b1 = S.Load(in b[n]);
            V x = S.Splat(a[0]); c00 = S.MulAdd(x, b0, c00); c01 = S.MulAdd(x, b1, c01);
            x = S.Splat(a[1]); c10 = S.MulAdd(x, b0, c10); c11 = S.MulAdd(x, b1, c11);
            x = S.Splat(a[2]); c20 = S.MulAdd(x, b0, c20); c21 = S.MulAdd(x, b1, c21);
            x = S.Splat(a[3]); c30 = S.MulAdd(x, b0, c30); c31 = S.MulAdd(x, b1, c31);
            x = S.Splat(a[4]); c40 = S.MulAdd(x, b0, c40); c41 = S.MulAdd(x, b1, c41);
            x = S.Splat(a[5]); c50 = S.MulAdd(x, b0, c50); c51 = S.MulAdd(x, b1, c51);
            x = S.Splat(a[6]); c60 = S.MulAdd(x, b0, c60); c61 = S.MulAdd(x, b1, c61);
            x = S.Splat(a[7]); c70 = S.MulAdd(x, b0, c70); c71 = S.MulAdd(x, b1, c71);
            x = S.Splat(a[8]); c80 = S.MulAdd(x, b0, c80); c81 = S.MulAdd(x, b1, c81);
            x = S.Splat(a[9]); c90 = S.MulAdd(x, b0, c90); c91 = S.MulAdd(x, b1, c91);
            x = S.Splat(a[10]); ca0 = S.MulAdd(x, b0, ca0); ca1 = S.MulAdd(x, b1, ca1);
            x = S.Splat(a[11]); cb0 = S.MulAdd(x, b0, cb0); cb1 = S.MulAdd(x, b1, cb1);
        }
        WriteRow<S, V>(c, c00, c01, store, bias);
        WriteRow<S, V>(c + ldc, c10, c11, store, bias);
        WriteRow<S, V>(c + 2 * ldc, c20, c21, store, bias);
        WriteRow<S, V>(c + 3 * ldc, c30, c31, store, bias);
        WriteRow<S, V>(c + 4 * ldc, c40, c41, store, bias);
        WriteRow<S, V>(c + 5 * ldc, c50, c51, store, bias);
        WriteRow<S, V>(c + 6 * ldc, c60, c61, store, bias);
        WriteRow<S, V>(c + 7 * ldc, c70, c71, store, bias);
        WriteRow<S, V>(c + 8 * ldc, c80, c81, store, bias);
        WriteRow<S, V>(c + 9 * ldc, c90, c91, store, bias);
        WriteRow<S, V>(c + 10 * ldc, ca0, ca1, store, bias);
        WriteRow<S, V>(c + 11 * ldc, cb0, cb1, store, bias);
    }

    /// <summary>
    /// <see cref="MicroKernel{S, V}"/> with A's rows read in place: row <c>r</c>'s step <c>q</c> at <c>a[r·lda + q]</c>.
    /// Same operations in the same order as on a packed panel, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MicroKernelRows<S, V>(int kc, float* a, int lda, float* b, int bStep, float* c, int ldc, bool store, float* bias) where S : ISimd<V> where V : struct
    {
        if (S.Count == 16) TileRows12<S, V>(kc, a, lda, b, bStep, c, ldc, store, bias);
        else TileRows6<S, V>(kc, a, lda, b, bStep, c, ldc, store, bias);
    }

    /// <summary>
    /// <see cref="Tile12{S, V}"/> reading 12 rows of a row-major A in place. Four row pointers (rows 0, 3, 6, 9) plus
    /// offsets of one and two rows address all twelve, so the loop needs few registers besides the accumulators.
    /// </summary>
    private static void TileRows12<S, V>(int kc, float* a, int lda, float* b, int bStep, float* c, int ldc, bool store, float* bias) where S : ISimd<V> where V : struct
    {
        V c00 = S.Zero, c01 = S.Zero, c10 = S.Zero, c11 = S.Zero, c20 = S.Zero, c21 = S.Zero;
        V c30 = S.Zero, c31 = S.Zero, c40 = S.Zero, c41 = S.Zero, c50 = S.Zero, c51 = S.Zero;
        V c60 = S.Zero, c61 = S.Zero, c70 = S.Zero, c71 = S.Zero, c80 = S.Zero, c81 = S.Zero;
        V c90 = S.Zero, c91 = S.Zero, ca0 = S.Zero, ca1 = S.Zero, cb0 = S.Zero, cb1 = S.Zero;
        int n = S.Count;
        nint r1 = lda, r2 = 2 * (nint)lda;
        float* a0 = a, a3 = a + 3 * r1, a6 = a + 6 * r1, a9 = a + 9 * r1;
        for (int p = 0; p < kc; p++, a0++, a3++, a6++, a9++, b += bStep)
        {
            V b0 = S.Load(in b[0]), b1 = S.Load(in b[n]);
            V x = S.Splat(a0[0]); c00 = S.MulAdd(x, b0, c00); c01 = S.MulAdd(x, b1, c01);
            x = S.Splat(a0[r1]); c10 = S.MulAdd(x, b0, c10); c11 = S.MulAdd(x, b1, c11);
            x = S.Splat(a0[r2]); c20 = S.MulAdd(x, b0, c20); c21 = S.MulAdd(x, b1, c21);
            x = S.Splat(a3[0]); c30 = S.MulAdd(x, b0, c30); c31 = S.MulAdd(x, b1, c31);
            x = S.Splat(a3[r1]); c40 = S.MulAdd(x, b0, c40); c41 = S.MulAdd(x, b1, c41);
            x = S.Splat(a3[r2]); c50 = S.MulAdd(x, b0, c50); c51 = S.MulAdd(x, b1, c51);
            x = S.Splat(a6[0]); c60 = S.MulAdd(x, b0, c60); c61 = S.MulAdd(x, b1, c61);
            x = S.Splat(a6[r1]); c70 = S.MulAdd(x, b0, c70); c71 = S.MulAdd(x, b1, c71);
            x = S.Splat(a6[r2]); c80 = S.MulAdd(x, b0, c80); c81 = S.MulAdd(x, b1, c81);
            x = S.Splat(a9[0]); c90 = S.MulAdd(x, b0, c90); c91 = S.MulAdd(x, b1, c91);
            x = S.Splat(a9[r1]); ca0 = S.MulAdd(x, b0, ca0); ca1 = S.MulAdd(x, b1, ca1);
            x = S.Splat(a9[r2]); cb0 = S.MulAdd(x, b0, cb0); cb1 = S.MulAdd(x, b1, cb1);
        }
        WriteRow<S, V>(c, c00, c01, store, bias);
        WriteRow<S, V>(c + ldc, c10, c11, store, bias);
        WriteRow<S, V>(c + 2 * ldc, c20, c21, store, bias);
        WriteRow<S, V>(c + 3 * ldc, c30, c31, store, bias);
        WriteRow<S, V>(c + 4 * ldc, c40, c41, store, bias);
        WriteRow<S, V>(c + 5 * ldc, c50, c51, store, bias);
        WriteRow<S, V>(c + 6 * ldc, c60, c61, store, bias);
        WriteRow<S, V>(c + 7 * ldc, c70, c71, store, bias);
        WriteRow<S, V>(c + 8 * ldc, c80, c81, store, bias);
        WriteRow<S, V>(c + 9 * ldc, c90, c91, store, bias);
        WriteRow<S, V>(c + 10 * ldc, ca0, ca1, store, bias);
        WriteRow<S, V>(c + 11 * ldc, cb0, cb1, store, bias);
    }

    /// <summary><see cref="Tile6{S, V}"/> reading 6 rows of a row-major A in place (rows 0 and 3 plus offsets of one and two rows).</summary>
    private static void TileRows6<S, V>(int kc, float* a, int lda, float* b, int bStep, float* c, int ldc, bool store, float* bias) where S : ISimd<V> where V : struct
    {
        V c00 = S.Zero, c01 = S.Zero, c10 = S.Zero, c11 = S.Zero, c20 = S.Zero, c21 = S.Zero;
        V c30 = S.Zero, c31 = S.Zero, c40 = S.Zero, c41 = S.Zero, c50 = S.Zero, c51 = S.Zero;
        int n = S.Count;
        nint r1 = lda, r2 = 2 * (nint)lda;
        float* a0 = a, a3 = a + 3 * r1;
        for (int p = 0; p < kc; p++, a0++, a3++, b += bStep)
        {
            V b0 = S.Load(in b[0]), b1 = S.Load(in b[n]);
            V x = S.Splat(a0[0]); c00 = S.MulAdd(x, b0, c00); c01 = S.MulAdd(x, b1, c01);
            x = S.Splat(a0[r1]); c10 = S.MulAdd(x, b0, c10); c11 = S.MulAdd(x, b1, c11);
            x = S.Splat(a0[r2]); c20 = S.MulAdd(x, b0, c20); c21 = S.MulAdd(x, b1, c21);
            x = S.Splat(a3[0]); c30 = S.MulAdd(x, b0, c30); c31 = S.MulAdd(x, b1, c31);
            x = S.Splat(a3[r1]); c40 = S.MulAdd(x, b0, c40); c41 = S.MulAdd(x, b1, c41);
            x = S.Splat(a3[r2]); c50 = S.MulAdd(x, b0, c50); c51 = S.MulAdd(x, b1, c51);
        }
        WriteRow<S, V>(c, c00, c01, store, bias);
        WriteRow<S, V>(c + ldc, c10, c11, store, bias);
        WriteRow<S, V>(c + 2 * ldc, c20, c21, store, bias);
        WriteRow<S, V>(c + 3 * ldc, c30, c31, store, bias);
        WriteRow<S, V>(c + 4 * ldc, c40, c41, store, bias);
        WriteRow<S, V>(c + 5 * ldc, c50, c51, store, bias);
    }

    /// <summary>
    /// A 6 × 2-vector tile: 12 accumulators + 2 B vectors + 1 broadcast fit the 16 AVX2 registers (the
    /// classic 6×16 AVX2 kernel); also the 128-bit and scalar fallbacks.
    /// </summary>
    private static void Tile6<S, V>(int kc, float* a, int aStep, float* b, int bStep, float* c, int ldc, bool store, float* bias) where S : ISimd<V> where V : struct
    {
        V c00 = S.Zero, c01 = S.Zero, c10 = S.Zero, c11 = S.Zero, c20 = S.Zero, c21 = S.Zero;
        V c30 = S.Zero, c31 = S.Zero, c40 = S.Zero, c41 = S.Zero, c50 = S.Zero, c51 = S.Zero;
        int n = S.Count;
        for (int p = 0; p < kc; p++, a += aStep, b += bStep)
        {
            V b0 = S.Load(in b[0]), b1 = S.Load(in b[n]);
            V x = S.Splat(a[0]); c00 = S.MulAdd(x, b0, c00); c01 = S.MulAdd(x, b1, c01);
            x = S.Splat(a[1]); c10 = S.MulAdd(x, b0, c10); c11 = S.MulAdd(x, b1, c11);
            x = S.Splat(a[2]); c20 = S.MulAdd(x, b0, c20); c21 = S.MulAdd(x, b1, c21);
            x = S.Splat(a[3]); c30 = S.MulAdd(x, b0, c30); c31 = S.MulAdd(x, b1, c31);
            x = S.Splat(a[4]); c40 = S.MulAdd(x, b0, c40); c41 = S.MulAdd(x, b1, c41);
            x = S.Splat(a[5]); c50 = S.MulAdd(x, b0, c50); c51 = S.MulAdd(x, b1, c51);
        }
        WriteRow<S, V>(c, c00, c01, store, bias);
        WriteRow<S, V>(c + ldc, c10, c11, store, bias);
        WriteRow<S, V>(c + 2 * ldc, c20, c21, store, bias);
        WriteRow<S, V>(c + 3 * ldc, c30, c31, store, bias);
        WriteRow<S, V>(c + 4 * ldc, c40, c41, store, bias);
        WriteRow<S, V>(c + 5 * ldc, c50, c51, store, bias);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteRow<S, V>(float* c, V v0, V v1, bool store, float* bias) where S : ISimd<V> where V : struct
    {
        int n = S.Count;
        if (!store)
        {
            v0 = S.Add(S.Load(in c[0]), v0);
            v1 = S.Add(S.Load(in c[n]), v1);
        }
        else if (bias != null)
        {
            v0 = S.Add(v0, S.Load(in bias[0]));
            v1 = S.Add(v1, S.Load(in bias[n]));
        }
        S.Store(v0, ref c[0]);
        S.Store(v1, ref c[n]);
    }

    /// <summary>Copies A[i0.., p0..] (mc × kc) into <paramref name="mr"/>-row micro-panels, mr floats per step; rows past the block are zero.</summary>
    private static void PackA(GemmProblem* p, int i0, int mc, int p0, int kc, int mr, float* dst) =>
        PackPanels(p->A + (long)i0 * p->ARowStride + (long)p0 * p->AColStride, p->ARowStride, p->AColStride, mc, kc, mr, dst);

    /// <summary>Copies B[p0.., j0..] (kc × nc) into <paramref name="nr"/>-column micro-panels, nr floats per step; columns past the panel are zero.</summary>
    private static void PackB(GemmProblem* p, int p0, int kc, int j0, int nc, int nr, float* dst) =>
        PackPanels(p->B + (long)p0 * p->BRowStride + (long)j0 * p->BColStride, p->BColStride, p->BRowStride, nc, kc, nr, dst);

    /// <summary>
    /// The packing both operands share: <paramref name="count"/> lanes (A's rows, B's columns) <paramref name="laneStride"/>
    /// apart, each <paramref name="kc"/> steps long with steps <paramref name="stepStride"/> apart, go into micro-panels of
    /// <paramref name="width"/> lanes, stored step by step (width floats per step); lanes past the last are zero.
    /// </summary>
    /// <remarks>Only copies: whichever path moves a float, the packed panels hold the same bits.</remarks>
    private static void PackPanels(float* src, int laneStride, int stepStride, int count, int kc, int width, float* dst)
    {
        int first = 0;
        if (laneStride == 1 && count >= width)
        {
            // The lanes of a step are contiguous (A stored transposed for dW = dyᵀ·x, B row-major): all whole panels
            // at once, step by step, with vector copies.
            int whole = count / width;
            GemmPacking.CopySteps(src, stepStride, kc, whole, width, dst);
            first = whole * width;
            dst += (long)whole * width * kc;
        }
        for (; first < count; first += width, dst += width * kc)
        {
            int valid = Math.Min(width, count - first);
            float* panel = src + (long)first * laneStride;
            if (stepStride == 1)
            {
                // Each lane's steps are contiguous (A row-major, B stored transposed as the forward pass's weight
                // rows): blocks of lanes × steps are transposed in registers.
                GemmPacking.TransposeLanes(panel, laneStride, valid, kc, width, dst);
            }
            else
            {
                GemmPacking.LaneByLane(panel, laneStride, stepStride, valid, kc, width, dst);
            }
        }
    }
}
