using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Residual.Threading;

namespace Residual.Kernels;

/// <summary>
/// Causal multi-head scaled dot-product self-attention on a packed <c>qkv</c> tensor
/// <c>[batch, time, 3·width]</c> (per token <c>q | k | v</c>, each <c>width</c> wide; head <c>h</c>
/// uses columns <c>h·hs … (h+1)·hs − 1</c> of each, <c>hs = width / heads</c>).
/// </summary>
/// <remarks>
/// The (batch, head) pairs are independent: both passes split them between up to
/// <see cref="Parallelism.MaxThreads"/> threads, each pair computed whole by one thread, so results are
/// the same bits for any thread count. Per pair, both passes work in tiles of query rows whose products
/// (Q·Kᵀ, P·V and their gradients) run on the packed GEMM and stop at the causal edge of the tile, so no
/// product touches more than the tile's prefix of keys.
/// </remarks>
public static unsafe class CausalAttention
{
    /// <summary>Below this many multiply-adds (batch·time²·width) a pass runs on the calling thread alone.</summary>
    private const long ParallelThreshold = 1L << 18;

    /// <summary>
    /// Computes the attention weights <c>att[b,h,t,t2] = softmax_{t2≤t}(q_t·k_t2 / sqrt(hs))</c> (zero for
    /// <c>t2 &gt; t</c>) and <c>output[b,t,h·hs+i] = Σ_{t2≤t} att[b,h,t,t2]·v[b,t2,h·hs+i]</c>.
    /// Overwrites <paramref name="output"/> and <paramref name="att"/>.
    /// </summary>
    /// <param name="output">Attention output, <c>batch·time·width</c> floats.</param>
    /// <param name="att">Attention weights, <c>batch·heads·time·time</c> floats (kept for the backward pass).</param>
    /// <param name="qkv">Packed queries, keys and values, <c>batch·time·3·width</c> floats.</param>
    /// <param name="batch">Batch size; positive.</param>
    /// <param name="time">Sequence length; positive.</param>
    /// <param name="width">Model width; positive and a multiple of <paramref name="heads"/>.</param>
    /// <param name="heads">Number of heads; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length, a written span overlaps one that is read, or <paramref name="heads"/> does not divide <paramref name="width"/>.</exception>
    public static void Forward(Span<float> output, Span<float> att, ReadOnlySpan<float> qkv, int batch, int time, int width, int heads)
    {
        CheckSizes(batch, time, width, heads);
        Guard.Length(output.Length, nameof(output), "batch·time·width", batch, time, width);
        Guard.Length(att.Length, nameof(att), "batch·heads·time·time", batch, heads, time, time);
        Guard.Length(qkv.Length, nameof(qkv), "batch·time·3·width", batch, time, 3, width);
        Guard.Disjoint(output, nameof(output), qkv, nameof(qkv));
        Guard.Disjoint(att, nameof(att), qkv, nameof(qkv));
        Guard.Disjoint(output, nameof(output), att, nameof(att));

        fixed (float* y = output, a = att, q = qkv)
        {
            var job = new Job { Output = y, Att = a, Qkv = q, Batch = batch, Time = time, Width = width, Heads = heads };
            WorkerPool.Run(&ForwardPart, &job, Parts(batch, time, width, heads));
        }
    }

    private static void ForwardPart(void* state, int part, int parts)
    {
        var job = (Job*)state;
        int time = job->Time, width = job->Width, heads = job->Heads;
        int hs = width / heads, stride = 3 * width;
        float scale = 1f / MathF.Sqrt(hs);
        var (first, end) = job->Pairs(part, parts);
        for (int pair = first; pair < end; pair++)
        {
            int b = pair / heads, h = pair % heads;
            // This head's q, k, v rows for the whole sequence, `stride` apart; its T × T probabilities.
            float* q = job->Qkv + (long)b * time * stride + h * hs, k = q + width, v = q + 2 * width;
            float* p = job->Att + (long)pair * time * time;
            float* o = job->Output + (long)b * time * width + h * hs;
            // Q and K transposed once per pair (hs × T each), so every tile's Q·Kᵀ reads both in the GEMM's
            // packed layout instead of repacking K's prefix for each tile.
            float* qT = Transposed.Of(q, stride, time, hs, 0), kT = Transposed.Of(k, stride, time, hs, 1);
            for (int t0 = 0; t0 < time; t0 += QueryTile)
            {
                // Query rows t0..t1 only see keys 0..t1: the tile's scores, softmax and output stop there.
                int t1 = Math.Min(time, t0 + QueryTile), rows = t1 - t0;
                // scores[t, t2] = q_t · k_t2  (Q·Kᵀ, K read transposed in place)
                Product(p + t0 * time, time, qT + t0, 1, time, kT, time, 1, rows, Columns(t1, time), hs, accumulate: false);
                for (int t = t0; t < t1; t++)
                {
                    var row = new Span<float>(p + t * time, time);
                    Vectors.Softmax(row.Slice(0, t + 1), row.Slice(0, t + 1), scale);
                    row.Slice(t + 1).Clear(); // causal: no weight on later tokens
                }
                // o_t = Σ_{t2 ≤ t} P[t, t2]·v_t2  (P·V; P is zero above the diagonal)
                Product(o + t0 * width, width, p + t0 * time, time, 1, v, stride, 1, rows, hs, t1, accumulate: false);
            }
        }
    }

    /// <summary>
    /// Backward pass of <see cref="Forward"/>. Accumulates into <paramref name="dQkv"/> (or overwrites it, with
    /// <paramref name="accumulate"/> false); <paramref name="dAtt"/> is scratch.
    /// </summary>
    /// <param name="dQkv">Gradient of the packed <c>qkv</c>, <c>batch·time·3·width</c> floats (accumulated, or overwritten).</param>
    /// <param name="dAtt">Scratch, <c>batch·heads·time·time</c> floats; its contents on entry are ignored and on exit are unspecified.</param>
    /// <param name="dOutput">Gradient of the attention output, <c>batch·time·width</c> floats.</param>
    /// <param name="qkv">The forward pass's packed queries, keys and values, <c>batch·time·3·width</c> floats.</param>
    /// <param name="att">The forward pass's attention weights, <c>batch·heads·time·time</c> floats.</param>
    /// <param name="batch">Batch size; positive.</param>
    /// <param name="time">Sequence length; positive.</param>
    /// <param name="width">Model width; positive and a multiple of <paramref name="heads"/>.</param>
    /// <param name="heads">Number of heads; positive.</param>
    /// <param name="accumulate">
    /// True (the default): add into <paramref name="dQkv"/>. False: overwrite it (every element is written once,
    /// so this saves clearing it first).
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length, a written span overlaps one that is read, or <paramref name="heads"/> does not divide <paramref name="width"/>.</exception>
    public static void Backward(Span<float> dQkv, Span<float> dAtt, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> qkv, ReadOnlySpan<float> att, int batch, int time, int width, int heads, bool accumulate = true)
    {
        CheckSizes(batch, time, width, heads);
        Guard.Length(dQkv.Length, nameof(dQkv), "batch·time·3·width", batch, time, 3, width);
        Guard.Length(dAtt.Length, nameof(dAtt), "batch·heads·time·time", batch, heads, time, time);
        Guard.Length(dOutput.Length, nameof(dOutput), "batch·time·width", batch, time, width);
        Guard.Length(qkv.Length, nameof(qkv), "batch·time·3·width", batch, time, 3, width);
        Guard.Length(att.Length, nameof(att), "batch·heads·time·time", batch, heads, time, time);
        Guard.Disjoint(dQkv, nameof(dQkv), dOutput, nameof(dOutput));
        Guard.Disjoint(dQkv, nameof(dQkv), qkv, nameof(qkv));
        Guard.Disjoint(dQkv, nameof(dQkv), att, nameof(att));
        Guard.Disjoint(dQkv, nameof(dQkv), dAtt, nameof(dAtt));
        Guard.Disjoint(dAtt, nameof(dAtt), dOutput, nameof(dOutput));
        Guard.Disjoint(dAtt, nameof(dAtt), qkv, nameof(qkv));
        Guard.Disjoint(dAtt, nameof(dAtt), att, nameof(att));

        fixed (float* dq = dQkv, da = dAtt, dy = dOutput, q = qkv, a = att)
        {
            var job = new Job { DQkv = dq, DAtt = da, DOutput = dy, Qkv = q, Att = a, Batch = batch, Time = time, Width = width, Heads = heads, Accumulate = accumulate };
            WorkerPool.Run(&BackwardPart, &job, Parts(batch, time, width, heads));
        }
    }

    private static void BackwardPart(void* state, int part, int parts)
    {
        var job = (Job*)state;
        int time = job->Time, width = job->Width, heads = job->Heads;
        int hs = width / heads, stride = 3 * width;
        float scale = 1f / MathF.Sqrt(hs);
        var (first, end) = job->Pairs(part, parts);
        for (int pair = first; pair < end; pair++)
        {
            int b = pair / heads, h = pair % heads;
            long token0 = (long)b * time;
            float* q = job->Qkv + token0 * stride + h * hs, k = q + width, v = q + 2 * width;
            float* dq = job->DQkv + token0 * stride + h * hs, dk = dq + width, dv = dq + 2 * width;
            float* dy = job->DOutput + token0 * width + h * hs;
            float* p = job->Att + (long)pair * time * time, g = job->DAtt + (long)pair * time * time;
            float* dyT = Transposed.Of(dy, width, time, hs, 0), vT = Transposed.Of(v, stride, time, hs, 1);

            // g = ∂L/∂score·scale, tile by tile of query rows (row t only has keys t2 ≤ t).
            for (int t0 = 0; t0 < time; t0 += QueryTile)
            {
                int t1 = Math.Min(time, t0 + QueryTile), rows = t1 - t0;
                // Through output = P·V: ∂L/∂P[t, t2] = dy_t · v_t2  (dY·Vᵀ)
                Product(g + t0 * time, time, dyT + t0, 1, time, vT, time, 1, rows, Columns(t1, time), hs, accumulate: false);
                for (int t = t0; t < t1; t++)
                {
                    var pt = new ReadOnlySpan<float>(p + t * time, t + 1);
                    var gt = new Span<float>(g + t * time, time);
                    // Through the softmax: ∂L/∂score = P·(∂L/∂P − Σ P·∂L/∂P).
                    float dot = Vectors.Dot(pt, gt.Slice(0, t + 1));
                    SoftmaxGradient(pt, gt.Slice(0, t + 1), dot, scale);
                    gt.Slice(t + 1).Clear(); // the products below read whole rows
                }
            }

            // dq_t (+)= Σ_{t2 ≤ t} g[t, t2]·k_t2  (G·K), by tiles of query rows. Each element of dq, dk and dv is
            // written by exactly one product below, so overwriting needs no clearing first.
            for (int t0 = 0; t0 < time; t0 += QueryTile)
            {
                int t1 = Math.Min(time, t0 + QueryTile);
                Product(dq + t0 * stride, stride, g + t0 * time, time, 1, k, stride, 1, t1 - t0, hs, t1, job->Accumulate);
            }

            // dk_s (+)= Σ_{t ≥ s} g[t, s]·q_t (Gᵀ·Q) and dv_s (+)= Σ_{t ≥ s} P[t, s]·dy_t (Pᵀ·dY), by tiles of key
            // rows s0..s1: only queries t ≥ s0 contribute, and Gᵀ, Pᵀ are read transposed in place.
            for (int s0 = 0; s0 < time; s0 += QueryTile)
            {
                int s1 = Math.Min(time, s0 + QueryTile), depth = time - s0;
                long corner = (long)s0 * time + s0;
                Product(dk + s0 * stride, stride, g + corner, 1, time, q + s0 * stride, stride, 1, s1 - s0, hs, depth, job->Accumulate);
                Product(dv + s0 * stride, stride, p + corner, 1, time, dy + s0 * width, width, 1, s1 - s0, hs, depth, job->Accumulate);
            }
        }
    }

    /// <summary>
    /// Columns to compute for a tile of query rows that sees keys 0…<paramref name="keys"/>−1: rounded up to whole
    /// 32-column micro-tiles where the row has room (the extra columns lie above the causal diagonal and are
    /// cleared afterwards), so the GEMM never takes its slower ragged-edge path for them.
    /// </summary>
    private static int Columns(int keys, int time) => Math.Min(time, (keys + 31) & ~31);

    /// <summary><c>g[i] = p[i]·(g[i] − dot)·scale</c>: the softmax's backward step for one row, in vectors.</summary>
    private static void SoftmaxGradient(ReadOnlySpan<float> p, Span<float> g, float dot, float scale)
    {
        int n = g.Length, i = 0;
        ref float pp = ref MemoryMarshal.GetReference(p);
        ref float pg = ref MemoryMarshal.GetReference(g);
        if (Vector512.IsHardwareAccelerated) SoftmaxGradientLoop<V512, Vector512<float>>(ref pp, ref pg, dot, scale, ref i, n);
        if (Vector256.IsHardwareAccelerated) SoftmaxGradientLoop<V256, Vector256<float>>(ref pp, ref pg, dot, scale, ref i, n);
        if (Vector128.IsHardwareAccelerated) SoftmaxGradientLoop<V128, Vector128<float>>(ref pp, ref pg, dot, scale, ref i, n);
        SoftmaxGradientLoop<Scalar, float>(ref pp, ref pg, dot, scale, ref i, n);
    }

    // The same three operations in the same order on every width, so every lane gets the scalar loop's bits.
    private static void SoftmaxGradientLoop<S, V>(ref float p, ref float g, float dot, float scale, ref int i, int n) where S : ISimd<V> where V : struct
    {
        V d = S.Splat(dot), sc = S.Splat(scale);
        for (; i <= n - S.Count; i += S.Count)
        {
            ref float gi = ref Unsafe.Add(ref g, i);
            S.Store(S.Mul(S.Mul(S.Load(in Unsafe.Add(ref p, i)), S.Sub(S.Load(in gi), d)), sc), ref gi);
        }
    }

    /// <summary>Query (or key) rows per tile: a multiple of the GEMM's 12- and 6-row micro-tiles.</summary>
    private const int QueryTile = 48;

    /// <summary>
    /// <c>C (+)= A·B</c> for one head's small product on the packed <see cref="Gemm"/>, on this thread (the
    /// pairs are already spread over the threads): A(i, p) = a[i·aRow + p·aCol], B(p, j) = b[p·bRow + j·bCol].
    /// </summary>
    private static void Product(float* c, int ldc, float* a, int aRow, int aCol, float* b, int bRow, int bCol, int m, int n, int k, bool accumulate)
    {
        var problem = new GemmProblem
        {
            C = c, Ldc = ldc,
            A = a, ARowStride = aRow, AColStride = aCol,
            B = b, BRowStride = bRow, BColStride = bCol,
            M = m, N = n, K = k, Accumulate = accumulate,
        };
        Gemm.RunOnThisThread(&problem);
    }

    private static int Parts(int batch, int time, int width, int heads) =>
        (long)batch * time * time * width < ParallelThreshold ? 1 : Math.Min(Parallelism.MaxThreads, batch * heads);

    /// <summary>
    /// Per-thread buffers for one head's transposed operands (<c>hs × T</c> floats each, two slots), allocated on a
    /// thread's first use and when a longer sequence needs more, then reused: no allocation per call.
    /// </summary>
    private static class Transposed
    {
        [ThreadStatic] private static float[]? t_storage;

        /// <summary>
        /// <c>dst[d·time + t] = src[t·rowStride + d]</c> for <c>t &lt; time</c>, <c>d &lt; hs</c>, into slot
        /// <paramref name="slot"/> (0 or 1) of this thread's buffer.
        /// </summary>
        public static float* Of(float* src, int rowStride, int time, int hs, int slot)
        {
            int floats = time * hs;
            if (t_storage is null || t_storage.Length < 2 * floats)
                t_storage = GC.AllocateUninitializedArray<float>(2 * floats, pinned: true);
            float* dst = (float*)Unsafe.AsPointer(ref t_storage[0]) + slot * floats;
            GemmPacking.TransposeLanes(src, rowStride, time, hs, time, dst);
            return dst;
        }
    }

    /// <summary>A pass's arguments, on the caller's stack while the workers read them.</summary>
    private struct Job
    {
        public float* Output, Att, Qkv, DQkv, DAtt, DOutput;
        public int Batch, Time, Width, Heads;

        /// <summary>Backward only: add into dQkv (true) or overwrite it.</summary>
        public bool Accumulate;

        /// <summary>The (batch, head) pairs of one part: a near-equal share of batch·heads.</summary>
        public readonly (int First, int End) Pairs(int part, int parts)
        {
            int pairs = Batch * Heads;
            return (pairs * part / parts, pairs * (part + 1) / parts);
        }
    }

    private static void CheckSizes(int batch, int time, int width, int heads)
    {
        Guard.Positive(batch, nameof(batch));
        Guard.Positive(time, nameof(time));
        Guard.Positive(width, nameof(width));
        Guard.Positive(heads, nameof(heads));
        if (width % heads != 0)
            Guard.Fail(nameof(heads), $"heads = {heads} does not divide width = {width}; each head needs width/heads columns.");
    }
}
