using System;

namespace Residual.Kernels;

/// <summary>
/// Causal multi-head scaled dot-product self-attention on a packed <c>qkv</c> tensor
/// <c>[batch, time, 3·width]</c> (per token <c>q | k | v</c>, each <c>width</c> wide; head <c>h</c>
/// uses columns <c>h·hs … (h+1)·hs − 1</c> of each, <c>hs = width / heads</c>).
/// </summary>
public static class CausalAttention
{
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
    /// <exception cref="ArgumentException">A span has the wrong length, or <paramref name="heads"/> does not divide <paramref name="width"/>.</exception>
    public static void Forward(Span<float> output, Span<float> att, ReadOnlySpan<float> qkv, int batch, int time, int width, int heads)
    {
        CheckSizes(batch, time, width, heads);
        Guard.Length(output.Length, nameof(output), "batch·time·width", batch, time, width);
        Guard.Length(att.Length, nameof(att), "batch·heads·time·time", batch, heads, time, time);
        Guard.Length(qkv.Length, nameof(qkv), "batch·time·3·width", batch, time, 3, width);

        int hs = width / heads;
        int stride = 3 * width;
        float scale = 1f / MathF.Sqrt(hs);
        for (int b = 0; b < batch; b++)
        {
            var seq = qkv.Slice(b * time * stride, time * stride);
            for (int h = 0; h < heads; h++)
            {
                for (int t = 0; t < time; t++)
                {
                    var a = att.Slice(((b * heads + h) * time + t) * time, time);
                    var q = seq.Slice(t * stride + h * hs, hs);
                    for (int t2 = 0; t2 <= t; t2++)
                        a[t2] = Vectors.Dot(q, seq.Slice(t2 * stride + width + h * hs, hs)) * scale;
                    Vectors.Softmax(a.Slice(0, t + 1), a.Slice(0, t + 1));
                    a.Slice(t + 1).Clear();

                    var y = output.Slice((b * time + t) * width + h * hs, hs);
                    y.Clear();
                    for (int t2 = 0; t2 <= t; t2++)
                        Vectors.Axpy(a[t2], seq.Slice(t2 * stride + 2 * width + h * hs, hs), y);
                }
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
    /// <exception cref="ArgumentException">A span has the wrong length, or <paramref name="heads"/> does not divide <paramref name="width"/>.</exception>
    public static void Backward(Span<float> dQkv, Span<float> dAtt, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> qkv, ReadOnlySpan<float> att, int batch, int time, int width, int heads)
    {
        CheckSizes(batch, time, width, heads);
        Guard.Length(dQkv.Length, nameof(dQkv), "batch·time·3·width", batch, time, 3, width);
        Guard.Length(dAtt.Length, nameof(dAtt), "batch·heads·time·time", batch, heads, time, time);
        Guard.Length(dOutput.Length, nameof(dOutput), "batch·time·width", batch, time, width);
        Guard.Length(qkv.Length, nameof(qkv), "batch·time·3·width", batch, time, 3, width);
        Guard.Length(att.Length, nameof(att), "batch·heads·time·time", batch, heads, time, time);

        int hs = width / heads;
        int stride = 3 * width;
        float scale = 1f / MathF.Sqrt(hs);
        for (int b = 0; b < batch; b++)
        {
            var seq = qkv.Slice(b * time * stride, time * stride);
            var dSeq = dQkv.Slice(b * time * stride, time * stride);
            for (int h = 0; h < heads; h++)
            {
                for (int t = 0; t < time; t++)
                {
                    int row = ((b * heads + h) * time + t) * time;
                    var a = att.Slice(row, t + 1);
                    var da = dAtt.Slice(row, t + 1);
                    var dy = dOutput.Slice((b * time + t) * width + h * hs, hs);
                    // Through output = Σ att·v: dAtt = dy·v, dv += att·dy.
                    for (int t2 = 0; t2 <= t; t2++)
                    {
                        da[t2] = Vectors.Dot(dy, seq.Slice(t2 * stride + 2 * width + h * hs, hs));
                        Vectors.Axpy(a[t2], dy, dSeq.Slice(t2 * stride + 2 * width + h * hs, hs));
                    }
                    // Through the softmax: dScore = att·(dAtt − Σ att·dAtt).
                    float dot = Vectors.Dot(a, da);
                    for (int t2 = 0; t2 <= t; t2++)
                        da[t2] = a[t2] * (da[t2] - dot);
                    // Through score = q·k·scale.
                    var q = seq.Slice(t * stride + h * hs, hs);
                    var dq = dSeq.Slice(t * stride + h * hs, hs);
                    for (int t2 = 0; t2 <= t; t2++)
                    {
                        float g = da[t2] * scale;
                        Vectors.Axpy(g, seq.Slice(t2 * stride + width + h * hs, hs), dq);
                        Vectors.Axpy(g, q, dSeq.Slice(t2 * stride + width + h * hs, hs));
                    }
                }
            }
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
