using System;
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
/// the same bits for any thread count. Per pair, forward works one query row at a time (scores, softmax and
/// the weighted sum of values over the causal prefix only) and backward one gradient row at a time.
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
        int batch = job->Batch, time = job->Time, width = job->Width, heads = job->Heads;
        var output = new Span<float>(job->Output, batch * time * width);
        var att = new Span<float>(job->Att, batch * heads * time * time);
        var qkv = new ReadOnlySpan<float>(job->Qkv, batch * time * 3 * width);
        int hs = width / heads;
        int stride = 3 * width;
        float scale = 1f / MathF.Sqrt(hs);
        var (first, end) = job->Pairs(part, parts);
        for (int pair = first; pair < end; pair++)
        {
            int b = pair / heads, h = pair % heads;
            var seq = qkv.Slice(b * time * stride, time * stride);
            // Rows of this head's keys and values for the whole sequence, `stride` apart.
            var keys = seq.Slice(width + h * hs);
            var values = seq.Slice(2 * width + h * hs);
            for (int t = 0; t < time; t++)
            {
                var a = att.Slice(((b * heads + h) * time + t) * time, time);
                var weights = a.Slice(0, t + 1);
                Vectors.DotRows(seq.Slice(t * stride + h * hs, hs), keys, stride, weights);
                Vectors.Softmax(weights, weights, scale);
                a.Slice(t + 1).Clear();
                Vectors.WeightedRowSum(weights, 1, t + 1, values, stride, output.Slice((b * time + t) * width + h * hs, hs), accumulate: false);
            }
        }
    }

    /// <summary>
    /// Backward pass of <see cref="Forward"/>. Accumulates into <paramref name="dQkv"/>;
    /// <paramref name="dAtt"/> is scratch.
    /// </summary>
    /// <param name="dQkv">Gradient of the packed <c>qkv</c>, <c>batch·time·3·width</c> floats (accumulated).</param>
    /// <param name="dAtt">Scratch, <c>batch·heads·time·time</c> floats; its contents on entry are ignored and on exit are unspecified.</param>
    /// <param name="dOutput">Gradient of the attention output, <c>batch·time·width</c> floats.</param>
    /// <param name="qkv">The forward pass's packed queries, keys and values, <c>batch·time·3·width</c> floats.</param>
    /// <param name="att">The forward pass's attention weights, <c>batch·heads·time·time</c> floats.</param>
    /// <param name="batch">Batch size; positive.</param>
    /// <param name="time">Sequence length; positive.</param>
    /// <param name="width">Model width; positive and a multiple of <paramref name="heads"/>.</param>
    /// <param name="heads">Number of heads; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length, a written span overlaps one that is read, or <paramref name="heads"/> does not divide <paramref name="width"/>.</exception>
    public static void Backward(Span<float> dQkv, Span<float> dAtt, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> qkv, ReadOnlySpan<float> att, int batch, int time, int width, int heads)
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
            var job = new Job { DQkv = dq, DAtt = da, DOutput = dy, Qkv = q, Att = a, Batch = batch, Time = time, Width = width, Heads = heads };
            WorkerPool.Run(&BackwardPart, &job, Parts(batch, time, width, heads));
        }
    }

    private static void BackwardPart(void* state, int part, int parts)
    {
        var job = (Job*)state;
        int batch = job->Batch, time = job->Time, width = job->Width, heads = job->Heads;
        var dQkv = new Span<float>(job->DQkv, batch * time * 3 * width);
        var dAtt = new Span<float>(job->DAtt, batch * heads * time * time);
        var dOutput = new ReadOnlySpan<float>(job->DOutput, batch * time * width);
        var qkv = new ReadOnlySpan<float>(job->Qkv, batch * time * 3 * width);
        var att = new ReadOnlySpan<float>(job->Att, batch * heads * time * time);
        int hs = width / heads;
        int stride = 3 * width;
        float scale = 1f / MathF.Sqrt(hs);
        var (first, end) = job->Pairs(part, parts);
        for (int pair = first; pair < end; pair++)
        {
            int b = pair / heads, h = pair % heads;
            var seq = qkv.Slice(b * time * stride, time * stride);
            var dSeq = dQkv.Slice(b * time * stride, time * stride);
            var dy = dOutput.Slice(b * time * width, time * width);
            int matrix = (b * heads + h) * time * time;
            var a = att.Slice(matrix, time * time);
            var g = dAtt.Slice(matrix, time * time);
            var queries = seq.Slice(h * hs);
            var keys = seq.Slice(width + h * hs);
            var values = seq.Slice(2 * width + h * hs);
            var dyHead = dy.Slice(h * hs);

            // Pass 1, row by row: g[t, t2] = ∂L/∂score[t, t2]·scale for t2 ≤ t (only the lower
            // triangle of the scratch is written, and only it is read below).
            for (int t = 0; t < time; t++)
            {
                var at = a.Slice(t * time, t + 1);
                var gt = g.Slice(t * time, t + 1);
                // Through output = Σ att·v: ∂L/∂att[t, t2] = dy_t · v_t2.
                Vectors.DotRows(dyHead.Slice(t * width, hs), values, stride, gt);
                // Through the softmax: ∂L/∂score = att·(∂L/∂att − Σ att·∂L/∂att).
                float dot = Vectors.Dot(at, gt);
                for (int t2 = 0; t2 <= t; t2++)
                    gt[t2] = at[t2] * (gt[t2] - dot) * scale;
            }

            // Pass 2, one gradient row at a time, each a weighted sum kept in registers:
            //   dq_t  += Σ_{t2 ≤ t} g[t, t2]·k_t2     (row t of g)
            //   dk_t2 += Σ_{t ≥ t2} g[t, t2]·q_t      (column t2 of g, from the diagonal down)
            //   dv_t2 += Σ_{t ≥ t2} att[t, t2]·dy_t   (column t2 of att, from the diagonal down)
            for (int t = 0; t < time; t++)
            {
                int below = time - t;
                int token = t * stride + h * hs;
                Vectors.WeightedRowSum(g.Slice(t * time), 1, t + 1, keys, stride, dSeq.Slice(token, hs), accumulate: true);
                Vectors.WeightedRowSum(g.Slice(t * time + t), time, below, queries.Slice(t * stride), stride, dSeq.Slice(token + width, hs), accumulate: true);
                Vectors.WeightedRowSum(a.Slice(t * time + t), time, below, dyHead.Slice(t * width), width, dSeq.Slice(token + 2 * width, hs), accumulate: true);
            }
        }
    }

    private static int Parts(int batch, int time, int width, int heads) =>
        (long)batch * time * time * width < ParallelThreshold ? 1 : Math.Min(Parallelism.MaxThreads, batch * heads);

    /// <summary>A pass's arguments, on the caller's stack while the workers read them.</summary>
    private struct Job
    {
        public float* Output, Att, Qkv, DQkv, DAtt, DOutput;
        public int Batch, Time, Width, Heads;

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
