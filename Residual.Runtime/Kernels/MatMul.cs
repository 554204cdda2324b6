using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Residual.Kernels;

/// <summary>
/// Fully connected layer <c>output = input·weightᵀ + bias</c> and its backward pass. Row-major:
/// <c>input</c> is <c>[rows, inFeatures]</c>, <c>weight</c> is <c>[outFeatures, inFeatures]</c> (PyTorch's
/// <c>nn.Linear</c> layout), <c>output</c> is <c>[rows, outFeatures]</c>.
/// </summary>
/// <remarks>
/// Single-threaded, register-blocked SIMD. The forward pass computes 2 rows × 4 outputs at a time as
/// dot products along the contiguous <c>inFeatures</c> axis (8 accumulators, 6 loads per 8 FMAs). Both
/// backward products are "C[m, :] += Σ_j A[m, j]·B[j, :]" with contiguous rows of B and C, computed
/// 4 rows × 2 vectors at a time (8 accumulators, 2 loads and 4 broadcasts per 8 FMAs). Each loop keeps
/// a block of the streamed matrix of about <see cref="BlockFloats"/> floats hot in L2. A row length
/// that is not a multiple of the vector width ends with one overlapping vector whose already-done lanes
/// are masked to zero, so there is no scalar tail.
/// </remarks>
public static class MatMul
{
    /// <summary>
    /// <c>output[r,o] = bias[o] + Σ_k input[r,k]·weight[o,k]</c>. Overwrites <paramref name="output"/>.
    /// </summary>
    /// <param name="output">Result, <c>rows·outFeatures</c> floats. Must not overlap the inputs (checked).</param>
    /// <param name="input">Input activations, <c>rows·inFeatures</c> floats.</param>
    /// <param name="weight">Weights, <c>outFeatures·inFeatures</c> floats.</param>
    /// <param name="bias">Either empty (no bias) or <c>outFeatures</c> floats.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="inFeatures">Input width; positive.</param>
    /// <param name="outFeatures">Output width; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length, or a written span overlaps one that is read.</exception>
    public static void Forward(Span<float> output, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int rows, int inFeatures, int outFeatures)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(inFeatures, nameof(inFeatures));
        Guard.Positive(outFeatures, nameof(outFeatures));
        Guard.Length(output.Length, nameof(output), "rows·outFeatures", rows, outFeatures);
        Guard.Length(input.Length, nameof(input), "rows·inFeatures", rows, inFeatures);
        Guard.Length(weight.Length, nameof(weight), "outFeatures·inFeatures", outFeatures, inFeatures);
        if (!bias.IsEmpty)
            Guard.Length(bias.Length, nameof(bias), "outFeatures (or 0 for no bias)", outFeatures);
        Guard.Disjoint(output, nameof(output), input, nameof(input));
        Guard.Disjoint(output, nameof(output), weight, nameof(weight));
        Guard.Disjoint(output, nameof(output), bias, nameof(bias));

        ref float y = ref MemoryMarshal.GetReference(output);
        ref float x = ref MemoryMarshal.GetReference(input);
        ref float w = ref MemoryMarshal.GetReference(weight);
        ref float b = ref MemoryMarshal.GetReference(bias);
        bool hasBias = !bias.IsEmpty;
        // The overlapping tail vector needs at least one whole vector per row.
        if (Vector512.IsHardwareAccelerated && inFeatures >= V512.Count)
            DotTiles<V512, Vector512<float>>(ref y, ref x, ref w, ref b, hasBias, rows, inFeatures, outFeatures);
        else if (Vector256.IsHardwareAccelerated && inFeatures >= V256.Count)
            DotTiles<V256, Vector256<float>>(ref y, ref x, ref w, ref b, hasBias, rows, inFeatures, outFeatures);
        else if (Vector128.IsHardwareAccelerated && inFeatures >= V128.Count)
            DotTiles<V128, Vector128<float>>(ref y, ref x, ref w, ref b, hasBias, rows, inFeatures, outFeatures);
        else
            DotTiles<Scalar, float>(ref y, ref x, ref w, ref b, hasBias, rows, inFeatures, outFeatures);
    }

    /// <summary>
    /// Accumulates the input gradient: <c>dInput[r,k] += Σ_o dOutput[r,o]·weight[o,k]</c>.
    /// </summary>
    /// <param name="dInput">Input gradient, <c>rows·inFeatures</c> floats (accumulated).</param>
    /// <param name="dOutput">Output gradient, <c>rows·outFeatures</c> floats.</param>
    /// <param name="weight">Weights, <c>outFeatures·inFeatures</c> floats.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="inFeatures">Input width; positive.</param>
    /// <param name="outFeatures">Output width; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length, or a written span overlaps one that is read.</exception>
    public static void BackwardInput(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> weight, int rows, int inFeatures, int outFeatures)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(inFeatures, nameof(inFeatures));
        Guard.Positive(outFeatures, nameof(outFeatures));
        Guard.Length(dInput.Length, nameof(dInput), "rows·inFeatures", rows, inFeatures);
        Guard.Length(dOutput.Length, nameof(dOutput), "rows·outFeatures", rows, outFeatures);
        Guard.Length(weight.Length, nameof(weight), "outFeatures·inFeatures", outFeatures, inFeatures);
        Guard.Disjoint(dInput, nameof(dInput), dOutput, nameof(dOutput));
        Guard.Disjoint(dInput, nameof(dInput), weight, nameof(weight));

        // dInput[r, :] += Σ_o dOutput[r, o]·weight[o, :]: rows of dInput are rows of C, A = dOutput (row-major).
        AccumulateProduct(
            ref MemoryMarshal.GetReference(dInput), ref MemoryMarshal.GetReference(dOutput), outFeatures, 1,
            ref MemoryMarshal.GetReference(weight), rows, outFeatures, inFeatures);
    }

    /// <summary>
    /// Accumulates the weight gradient: <c>dWeight[o,k] += Σ_r dOutput[r,o]·input[r,k]</c>.
    /// </summary>
    /// <param name="dWeight">Weight gradient, <c>outFeatures·inFeatures</c> floats (accumulated).</param>
    /// <param name="dOutput">Output gradient, <c>rows·outFeatures</c> floats.</param>
    /// <param name="input">The forward pass's input, <c>rows·inFeatures</c> floats.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="inFeatures">Input width; positive.</param>
    /// <param name="outFeatures">Output width; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length, or a written span overlaps one that is read.</exception>
    public static void BackwardWeight(Span<float> dWeight, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, int rows, int inFeatures, int outFeatures)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(inFeatures, nameof(inFeatures));
        Guard.Positive(outFeatures, nameof(outFeatures));
        Guard.Length(dWeight.Length, nameof(dWeight), "outFeatures·inFeatures", outFeatures, inFeatures);
        Guard.Length(dOutput.Length, nameof(dOutput), "rows·outFeatures", rows, outFeatures);
        Guard.Length(input.Length, nameof(input), "rows·inFeatures", rows, inFeatures);
        Guard.Disjoint(dWeight, nameof(dWeight), dOutput, nameof(dOutput));
        Guard.Disjoint(dWeight, nameof(dWeight), input, nameof(input));

        // dWeight[o, :] += Σ_r dOutput[r, o]·input[r, :]: rows of dWeight are rows of C, A = dOutputᵀ.
        AccumulateProduct(
            ref MemoryMarshal.GetReference(dWeight), ref MemoryMarshal.GetReference(dOutput), 1, outFeatures,
            ref MemoryMarshal.GetReference(input), outFeatures, rows, inFeatures);
    }

    /// <summary>
    /// Accumulates the bias gradient: <c>dBias[o] += Σ_r dOutput[r,o]</c>.
    /// </summary>
    /// <param name="dBias">Bias gradient, <c>outFeatures</c> floats (accumulated).</param>
    /// <param name="dOutput">Output gradient, <c>rows·outFeatures</c> floats.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="outFeatures">Output width; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length, or a written span overlaps one that is read.</exception>
    public static void BackwardBias(Span<float> dBias, ReadOnlySpan<float> dOutput, int rows, int outFeatures)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(outFeatures, nameof(outFeatures));
        Guard.Length(dBias.Length, nameof(dBias), "outFeatures", outFeatures);
        Guard.Length(dOutput.Length, nameof(dOutput), "rows·outFeatures", rows, outFeatures);
        Guard.Disjoint(dBias, nameof(dBias), dOutput, nameof(dOutput));

        for (int r = 0; r < rows; r++)
            Vectors.Add(dOutput.Slice(r * outFeatures, outFeatures), dBias);
    }

    /// <summary>Floats of the re-read matrix kept in cache per block (256 KB: well inside a 1–2 MB L2).</summary>
    private const int BlockFloats = 64 * 1024;

    // ---------------------------------------------------------------- forward: 2×4 dot-product tiles

    private static void DotTiles<S, V>(ref float y, ref float x, ref float w, ref float bias, bool hasBias, int rows, int k, int outs)
        where S : ISimd<V> where V : struct
    {
        // A block of weight rows stays in L2 while every pair of input rows streams past it.
        int block = Math.Max(4, BlockFloats / k & ~3);
        for (int o0 = 0; o0 < outs; o0 += block)
        {
            int o1 = Math.Min(outs, o0 + block);
            for (int r = 0; r < rows; r += 2)
            {
                // An odd last row is paired with itself; only one copy is stored.
                int r1 = Math.Min(r + 1, rows - 1);
                ref float x0 = ref Unsafe.Add(ref x, r * k);
                ref float x1 = ref Unsafe.Add(ref x, r1 * k);
                for (int o = o0; o < o1; o += 4)
                {
                    // Missing outputs at the block's end repeat the last weight row; they are not stored.
                    int valid = Math.Min(4, o1 - o);
                    var t = DotTile<S, V>(ref x0, ref x1,
                        ref Unsafe.Add(ref w, o * k),
                        ref Unsafe.Add(ref w, Math.Min(o + 1, o1 - 1) * k),
                        ref Unsafe.Add(ref w, Math.Min(o + 2, o1 - 1) * k),
                        ref Unsafe.Add(ref w, Math.Min(o + 3, o1 - 1) * k),
                        k);
                    ref float b = ref Unsafe.Add(ref bias, hasBias ? o : 0);
                    StoreRow(ref Unsafe.Add(ref y, r * outs + o), ref b, hasBias, valid, t.S00, t.S01, t.S02, t.S03);
                    if (r1 != r)
                        StoreRow(ref Unsafe.Add(ref y, r1 * outs + o), ref b, hasBias, valid, t.S10, t.S11, t.S12, t.S13);
                }
            }
        }
    }

    /// <summary>The 8 dot products of a 2 × 4 tile.</summary>
    private struct Tile
    {
        public float S00, S01, S02, S03, S10, S11, S12, S13;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Tile DotTile<S, V>(ref float x0, ref float x1, ref float w0, ref float w1, ref float w2, ref float w3, int k)
        where S : ISimd<V> where V : struct
    {
        V a00 = S.Zero, a01 = S.Zero, a02 = S.Zero, a03 = S.Zero;
        V a10 = S.Zero, a11 = S.Zero, a12 = S.Zero, a13 = S.Zero;
        int i = 0;
        for (; i <= k - S.Count; i += S.Count)
        {
            V u = S.Load(in Unsafe.Add(ref x0, i)), v = S.Load(in Unsafe.Add(ref x1, i));
            V c = S.Load(in Unsafe.Add(ref w0, i)); a00 = S.MulAdd(u, c, a00); a10 = S.MulAdd(v, c, a10);
            c = S.Load(in Unsafe.Add(ref w1, i)); a01 = S.MulAdd(u, c, a01); a11 = S.MulAdd(v, c, a11);
            c = S.Load(in Unsafe.Add(ref w2, i)); a02 = S.MulAdd(u, c, a02); a12 = S.MulAdd(v, c, a12);
            c = S.Load(in Unsafe.Add(ref w3, i)); a03 = S.MulAdd(u, c, a03); a13 = S.MulAdd(v, c, a13);
        }
        if (i < k)
        {
            // Last vector ends at k and overlaps what was done: zero the first `done` lanes of every
            // operand (both sides, so an infinity in a done lane cannot turn into 0·∞ = NaN).
            int start = k - S.Count, done = i - start;
            V u = S.KeepFrom(S.Load(in Unsafe.Add(ref x0, start)), done), v = S.KeepFrom(S.Load(in Unsafe.Add(ref x1, start)), done);
            V c = S.KeepFrom(S.Load(in Unsafe.Add(ref w0, start)), done); a00 = S.MulAdd(u, c, a00); a10 = S.MulAdd(v, c, a10);
            c = S.KeepFrom(S.Load(in Unsafe.Add(ref w1, start)), done); a01 = S.MulAdd(u, c, a01); a11 = S.MulAdd(v, c, a11);
            c = S.KeepFrom(S.Load(in Unsafe.Add(ref w2, start)), done); a02 = S.MulAdd(u, c, a02); a12 = S.MulAdd(v, c, a12);
            c = S.KeepFrom(S.Load(in Unsafe.Add(ref w3, start)), done); a03 = S.MulAdd(u, c, a03); a13 = S.MulAdd(v, c, a13);
        }
        return new Tile
        {
            S00 = S.Sum(a00), S01 = S.Sum(a01), S02 = S.Sum(a02), S03 = S.Sum(a03),
            S10 = S.Sum(a10), S11 = S.Sum(a11), S12 = S.Sum(a12), S13 = S.Sum(a13),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(ref float y, ref float b, bool hasBias, int valid, float s0, float s1, float s2, float s3)
    {
        if (hasBias)
        {
            s0 += b;
            if (valid > 1) s1 += Unsafe.Add(ref b, 1);
            if (valid > 2) s2 += Unsafe.Add(ref b, 2);
            if (valid > 3) s3 += Unsafe.Add(ref b, 3);
        }
        y = s0;
        if (valid > 1) Unsafe.Add(ref y, 1) = s1;
        if (valid > 2) Unsafe.Add(ref y, 2) = s2;
        if (valid > 3) Unsafe.Add(ref y, 3) = s3;
    }

    // ---------------------------------------------------------------- backward: C += A·B, 4×2-vector tiles

    /// <summary>
    /// <c>C[m, n] += Σ_j A[m·aStrideM + j·aStrideJ]·B[j·cols + n]</c> for m &lt; <paramref name="m"/>,
    /// j &lt; <paramref name="inner"/>, n &lt; <paramref name="cols"/>; C and B are row-major with
    /// <paramref name="cols"/> columns.
    /// </summary>
    private static void AccumulateProduct(ref float c, ref float a, int aStrideM, int aStrideJ, ref float b, int m, int inner, int cols)
    {
        if (Vector512.IsHardwareAccelerated && cols >= V512.Count)
            OuterTiles<V512, Vector512<float>>(ref c, ref a, aStrideM, aStrideJ, ref b, m, inner, cols);
        else if (Vector256.IsHardwareAccelerated && cols >= V256.Count)
            OuterTiles<V256, Vector256<float>>(ref c, ref a, aStrideM, aStrideJ, ref b, m, inner, cols);
        else if (Vector128.IsHardwareAccelerated && cols >= V128.Count)
            OuterTiles<V128, Vector128<float>>(ref c, ref a, aStrideM, aStrideJ, ref b, m, inner, cols);
        else
            OuterTiles<Scalar, float>(ref c, ref a, aStrideM, aStrideJ, ref b, m, inner, cols);
    }

    private static void OuterTiles<S, V>(ref float c, ref float a, int aM, int aJ, ref float b, int m, int inner, int cols)
        where S : ISimd<V> where V : struct
    {
        // A column block of B (inner × block floats) stays in L2 while all rows of C pass over it.
        int pair = 2 * S.Count;
        int block = Math.Max(pair, BlockFloats / inner / pair * pair);
        for (int n0 = 0; n0 < cols; n0 += block)
        {
            int n1 = Math.Min(cols, n0 + block);
            for (int r = 0; r < m; r += 4)
            {
                // Missing rows at the end repeat the last row: each copy loads the same C values, adds the
                // same sums and stores the same result, so the duplicates are harmless.
                int r1 = Math.Min(r + 1, m - 1), r2 = Math.Min(r + 2, m - 1), r3 = Math.Min(r + 3, m - 1);
                var rows = new Rows4(ref c, cols, r, r1, r2, r3);
                ref float a0 = ref Unsafe.Add(ref a, r * aM);
                ref float a1 = ref Unsafe.Add(ref a, r1 * aM);
                ref float a2 = ref Unsafe.Add(ref a, r2 * aM);
                ref float a3 = ref Unsafe.Add(ref a, r3 * aM);
                int n = n0;
                for (; n + pair <= n1; n += pair)
                    OuterTile2<S, V>(rows, n, ref a0, ref a1, ref a2, ref a3, aJ, ref b, inner, cols);
                for (; n + S.Count <= n1; n += S.Count)
                    OuterTile1<S, V>(rows, n, 0, ref a0, ref a1, ref a2, ref a3, aJ, ref b, inner, cols);
                if (n < n1)
                {
                    // One vector ending at n1 that overlaps finished columns; their lanes get B = 0, so they add a·0
                    // (0 for finite a; an infinite a already made the result non-finite).
                    int start = n1 - S.Count;
                    OuterTile1<S, V>(rows, start, n - start, ref a0, ref a1, ref a2, ref a3, aJ, ref b, inner, cols);
                }
            }
        }
    }

    /// <summary>References to four rows of C.</summary>
    private readonly ref struct Rows4(ref float c, int cols, int r0, int r1, int r2, int r3)
    {
        public readonly ref float C0 = ref Unsafe.Add(ref c, r0 * cols);
        public readonly ref float C1 = ref Unsafe.Add(ref c, r1 * cols);
        public readonly ref float C2 = ref Unsafe.Add(ref c, r2 * cols);
        public readonly ref float C3 = ref Unsafe.Add(ref c, r3 * cols);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OuterTile2<S, V>(Rows4 rows, int n, ref float a0, ref float a1, ref float a2, ref float a3, int aJ, ref float b, int inner, int cols)
        where S : ISimd<V> where V : struct
    {
        int n2 = n + S.Count;
        V c00 = S.Load(in Unsafe.Add(ref rows.C0, n)), c01 = S.Load(in Unsafe.Add(ref rows.C0, n2));
        V c10 = S.Load(in Unsafe.Add(ref rows.C1, n)), c11 = S.Load(in Unsafe.Add(ref rows.C1, n2));
        V c20 = S.Load(in Unsafe.Add(ref rows.C2, n)), c21 = S.Load(in Unsafe.Add(ref rows.C2, n2));
        V c30 = S.Load(in Unsafe.Add(ref rows.C3, n)), c31 = S.Load(in Unsafe.Add(ref rows.C3, n2));
        ref float bj = ref Unsafe.Add(ref b, n);
        int aj = 0;
        for (int j = 0; j < inner; j++, aj += aJ, bj = ref Unsafe.Add(ref bj, cols))
        {
            V b0 = S.Load(in bj), b1 = S.Load(in Unsafe.Add(ref bj, S.Count));
            V s = S.Splat(Unsafe.Add(ref a0, aj)); c00 = S.MulAdd(s, b0, c00); c01 = S.MulAdd(s, b1, c01);
            s = S.Splat(Unsafe.Add(ref a1, aj)); c10 = S.MulAdd(s, b0, c10); c11 = S.MulAdd(s, b1, c11);
            s = S.Splat(Unsafe.Add(ref a2, aj)); c20 = S.MulAdd(s, b0, c20); c21 = S.MulAdd(s, b1, c21);
            s = S.Splat(Unsafe.Add(ref a3, aj)); c30 = S.MulAdd(s, b0, c30); c31 = S.MulAdd(s, b1, c31);
        }
        S.Store(c00, ref Unsafe.Add(ref rows.C0, n)); S.Store(c01, ref Unsafe.Add(ref rows.C0, n2));
        S.Store(c10, ref Unsafe.Add(ref rows.C1, n)); S.Store(c11, ref Unsafe.Add(ref rows.C1, n2));
        S.Store(c20, ref Unsafe.Add(ref rows.C2, n)); S.Store(c21, ref Unsafe.Add(ref rows.C2, n2));
        S.Store(c30, ref Unsafe.Add(ref rows.C3, n)); S.Store(c31, ref Unsafe.Add(ref rows.C3, n2));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OuterTile1<S, V>(Rows4 rows, int n, int done, ref float a0, ref float a1, ref float a2, ref float a3, int aJ, ref float b, int inner, int cols)
        where S : ISimd<V> where V : struct
    {
        V c0 = S.Load(in Unsafe.Add(ref rows.C0, n)), c1 = S.Load(in Unsafe.Add(ref rows.C1, n));
        V c2 = S.Load(in Unsafe.Add(ref rows.C2, n)), c3 = S.Load(in Unsafe.Add(ref rows.C3, n));
        ref float bj = ref Unsafe.Add(ref b, n);
        int aj = 0;
        for (int j = 0; j < inner; j++, aj += aJ, bj = ref Unsafe.Add(ref bj, cols))
        {
            V b0 = S.KeepFrom(S.Load(in bj), done);
            c0 = S.MulAdd(S.Splat(Unsafe.Add(ref a0, aj)), b0, c0);
            c1 = S.MulAdd(S.Splat(Unsafe.Add(ref a1, aj)), b0, c1);
            c2 = S.MulAdd(S.Splat(Unsafe.Add(ref a2, aj)), b0, c2);
            c3 = S.MulAdd(S.Splat(Unsafe.Add(ref a3, aj)), b0, c3);
        }
        S.Store(c0, ref Unsafe.Add(ref rows.C0, n)); S.Store(c1, ref Unsafe.Add(ref rows.C1, n));
        S.Store(c2, ref Unsafe.Add(ref rows.C2, n)); S.Store(c3, ref Unsafe.Add(ref rows.C3, n));
    }
}
