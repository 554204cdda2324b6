using System;

namespace Residual.Reference;

/// <summary>
/// Plain scalar double-precision versions of every Transformer kernel, written as the simplest loops
/// that state the formula. They share their argument order and semantics with the float kernels
/// (<c>double</c> spans in place of <c>float</c> spans) and are the yardstick the optimised and
/// generated code is tested against; speed is not a goal.
/// </summary>
/// <remarks>
/// Conventions: matrices are row-major; a weight is stored <c>[out, in]</c>, so <c>y = x·Wᵀ + b</c>.
/// Every forward kernel overwrites its outputs. Every backward kernel adds (<c>+=</c>) into all of
/// its gradient outputs, so gradients from several uses of a tensor sum up; clear them first when a
/// fresh gradient is wanted. Wrong span lengths throw <see cref="ArgumentException"/> naming the
/// argument, the expected and the actual length; non-positive sizes throw
/// <see cref="ArgumentOutOfRangeException"/>. Outputs must not overlap inputs unless a kernel says so.
/// </remarks>
public static class ReferenceKernels
{
    /// <summary>The ε added under the square root of LayerNorm and RMSNorm (PyTorch's default).</summary>
    public const double NormEpsilon = 1e-5;

    // ------------------------------------------------------------------ matrix products

    /// <summary>
    /// Linear layer: <c>output[r, o] = bias[o] + Σ_k input[r, k]·weight[o, k]</c>. Overwrites <paramref name="output"/>.
    /// </summary>
    /// <param name="output"><c>[rows, outFeatures]</c>.</param>
    /// <param name="input"><c>[rows, inFeatures]</c>.</param>
    /// <param name="weight"><c>[outFeatures, inFeatures]</c>.</param>
    /// <param name="bias"><c>[outFeatures]</c>, or empty for no bias.</param>
    /// <param name="rows">Number of rows (batch·time).</param>
    /// <param name="inFeatures">Input columns.</param>
    /// <param name="outFeatures">Output columns.</param>
    public static void MatMulForward(Span<double> output, ReadOnlySpan<double> input, ReadOnlySpan<double> weight, ReadOnlySpan<double> bias, int rows, int inFeatures, int outFeatures)
    {
        ReferenceGuard.Positive(rows, nameof(rows));
        ReferenceGuard.Positive(inFeatures, nameof(inFeatures));
        ReferenceGuard.Positive(outFeatures, nameof(outFeatures));
        ReferenceGuard.Length(output.Length, ReferenceGuard.Product(rows, outFeatures), nameof(output), "rows·outFeatures");
        ReferenceGuard.Length(input.Length, ReferenceGuard.Product(rows, inFeatures), nameof(input), "rows·inFeatures");
        ReferenceGuard.Length(weight.Length, ReferenceGuard.Product(outFeatures, inFeatures), nameof(weight), "outFeatures·inFeatures");
        if (!bias.IsEmpty) ReferenceGuard.Length(bias.Length, outFeatures, nameof(bias), "outFeatures, or 0 for no bias");

        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outFeatures; o++)
            {
                double sum = bias.IsEmpty ? 0.0 : bias[o];
                for (int k = 0; k < inFeatures; k++) sum += input[r * inFeatures + k] * weight[o * inFeatures + k];
                output[r * outFeatures + o] = sum;
            }
        }
    }

    /// <summary>Input gradient of <see cref="MatMulForward"/>: <c>dInput[r, k] += Σ_o dOutput[r, o]·weight[o, k]</c>.</summary>
    /// <param name="dInput"><c>[rows, inFeatures]</c>, accumulated.</param>
    /// <param name="dOutput"><c>[rows, outFeatures]</c>.</param>
    /// <param name="weight"><c>[outFeatures, inFeatures]</c>.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="inFeatures">Input columns.</param>
    /// <param name="outFeatures">Output columns.</param>
    public static void MatMulBackwardInput(Span<double> dInput, ReadOnlySpan<double> dOutput, ReadOnlySpan<double> weight, int rows, int inFeatures, int outFeatures)
    {
        ReferenceGuard.Positive(rows, nameof(rows));
        ReferenceGuard.Positive(inFeatures, nameof(inFeatures));
        ReferenceGuard.Positive(outFeatures, nameof(outFeatures));
        ReferenceGuard.Length(dInput.Length, ReferenceGuard.Product(rows, inFeatures), nameof(dInput), "rows·inFeatures");
        ReferenceGuard.Length(dOutput.Length, ReferenceGuard.Product(rows, outFeatures), nameof(dOutput), "rows·outFeatures");
        ReferenceGuard.Length(weight.Length, ReferenceGuard.Product(outFeatures, inFeatures), nameof(weight), "outFeatures·inFeatures");

        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < inFeatures; k++)
            {
                double sum = 0.0;
                for (int o = 0; o < outFeatures; o++) sum += dOutput[r * outFeatures + o] * weight[o * inFeatures + k];
                dInput[r * inFeatures + k] += sum;
            }
        }
    }

    /// <summary>Weight gradient of <see cref="MatMulForward"/>: <c>dWeight[o, k] += Σ_r dOutput[r, o]·input[r, k]</c>.</summary>
    /// <param name="dWeight"><c>[outFeatures, inFeatures]</c>, accumulated.</param>
    /// <param name="dOutput"><c>[rows, outFeatures]</c>.</param>
    /// <param name="input"><c>[rows, inFeatures]</c>, the forward pass's input.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="inFeatures">Input columns.</param>
    /// <param name="outFeatures">Output columns.</param>
    public static void MatMulBackwardWeight(Span<double> dWeight, ReadOnlySpan<double> dOutput, ReadOnlySpan<double> input, int rows, int inFeatures, int outFeatures)
    {
        ReferenceGuard.Positive(rows, nameof(rows));
        ReferenceGuard.Positive(inFeatures, nameof(inFeatures));
        ReferenceGuard.Positive(outFeatures, nameof(outFeatures));
        ReferenceGuard.Length(dWeight.Length, ReferenceGuard.Product(outFeatures, inFeatures), nameof(dWeight), "outFeatures·inFeatures");
        ReferenceGuard.Length(dOutput.Length, ReferenceGuard.Product(rows, outFeatures), nameof(dOutput), "rows·outFeatures");
        ReferenceGuard.Length(input.Length, ReferenceGuard.Product(rows, inFeatures), nameof(input), "rows·inFeatures");

        for (int o = 0; o < outFeatures; o++)
        {
            for (int k = 0; k < inFeatures; k++)
            {
                double sum = 0.0;
                for (int r = 0; r < rows; r++) sum += dOutput[r * outFeatures + o] * input[r * inFeatures + k];
                dWeight[o * inFeatures + k] += sum;
            }
        }
    }

    /// <summary>Bias gradient of <see cref="MatMulForward"/>: <c>dBias[o] += Σ_r dOutput[r, o]</c>.</summary>
    /// <param name="dBias"><c>[outFeatures]</c>, accumulated.</param>
    /// <param name="dOutput"><c>[rows, outFeatures]</c>.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="outFeatures">Output columns.</param>
    public static void MatMulBackwardBias(Span<double> dBias, ReadOnlySpan<double> dOutput, int rows, int outFeatures)
    {
        ReferenceGuard.Positive(rows, nameof(rows));
        ReferenceGuard.Positive(outFeatures, nameof(outFeatures));
        ReferenceGuard.Length(dBias.Length, outFeatures, nameof(dBias), "outFeatures");
        ReferenceGuard.Length(dOutput.Length, ReferenceGuard.Product(rows, outFeatures), nameof(dOutput), "rows·outFeatures");

        for (int o = 0; o < outFeatures; o++)
        {
            double sum = 0.0;
            for (int r = 0; r < rows; r++) sum += dOutput[r * outFeatures + o];
            dBias[o] += sum;
        }
    }

    // ------------------------------------------------------------------ norms

    /// <summary>
    /// LayerNorm over each row: <c>m</c> = mean, <c>v</c> = biased variance, <c>s = 1/sqrt(v + ε)</c>,
    /// <c>output = (x − m)·s·weight + bias</c>. Overwrites <paramref name="output"/>, <paramref name="mean"/>
    /// and <paramref name="rstd"/>. <paramref name="output"/> may be the same span as <paramref name="input"/>.
    /// </summary>
    /// <param name="output"><c>[rows, width]</c>.</param>
    /// <param name="mean">Per-row mean, <c>[rows]</c>.</param>
    /// <param name="rstd">Per-row <c>s</c>, <c>[rows]</c>.</param>
    /// <param name="input"><c>[rows, width]</c>.</param>
    /// <param name="weight">Gain, <c>[width]</c>.</param>
    /// <param name="bias">Shift, <c>[width]</c>.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="width">Row width.</param>
    public static void LayerNormForward(Span<double> output, Span<double> mean, Span<double> rstd, ReadOnlySpan<double> input, ReadOnlySpan<double> weight, ReadOnlySpan<double> bias, int rows, int width)
    {
        ReferenceGuard.Positive(rows, nameof(rows));
        ReferenceGuard.Positive(width, nameof(width));
        ReferenceGuard.Length(output.Length, ReferenceGuard.Product(rows, width), nameof(output), "rows·width");
        ReferenceGuard.Length(mean.Length, rows, nameof(mean), "rows");
        ReferenceGuard.Length(rstd.Length, rows, nameof(rstd), "rows");
        ReferenceGuard.Length(input.Length, ReferenceGuard.Product(rows, width), nameof(input), "rows·width");
        ReferenceGuard.Length(weight.Length, width, nameof(weight), "width");
        ReferenceGuard.Length(bias.Length, width, nameof(bias), "width");

        for (int r = 0; r < rows; r++)
        {
            int row = r * width;
            double m = 0.0;
            for (int i = 0; i < width; i++) m += input[row + i];
            m /= width;
            double v = 0.0;
            for (int i = 0; i < width; i++)
            {
                double d = input[row + i] - m;
                v += d * d;
            }
            v /= width;
            double s = 1.0 / Math.Sqrt(v + NormEpsilon);
            for (int i = 0; i < width; i++) output[row + i] = (input[row + i] - m) * s * weight[i] + bias[i];
            mean[r] = m;
            rstd[r] = s;
        }
    }

    /// <summary>
    /// Backward pass of <see cref="LayerNormForward"/>. With <c>n = (x − m)·s</c> and <c>g = dOutput·weight</c>:
    /// <c>dInput += s·(g − mean(g) − n·mean(g·n))</c>, <c>dWeight += Σ_rows dOutput·n</c>, <c>dBias += Σ_rows dOutput</c>.
    /// </summary>
    /// <param name="dInput"><c>[rows, width]</c>, accumulated.</param>
    /// <param name="dWeight"><c>[width]</c>, accumulated.</param>
    /// <param name="dBias"><c>[width]</c>, accumulated.</param>
    /// <param name="dOutput"><c>[rows, width]</c>.</param>
    /// <param name="input">The forward pass's input, <c>[rows, width]</c>.</param>
    /// <param name="weight">Gain, <c>[width]</c>.</param>
    /// <param name="mean">Per-row mean from the forward pass, <c>[rows]</c>.</param>
    /// <param name="rstd">Per-row <c>s</c> from the forward pass, <c>[rows]</c>.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="width">Row width.</param>
    public static void LayerNormBackward(Span<double> dInput, Span<double> dWeight, Span<double> dBias, ReadOnlySpan<double> dOutput, ReadOnlySpan<double> input, ReadOnlySpan<double> weight, ReadOnlySpan<double> mean, ReadOnlySpan<double> rstd, int rows, int width)
    {
        ReferenceGuard.Positive(rows, nameof(rows));
        ReferenceGuard.Positive(width, nameof(width));
        ReferenceGuard.Length(dInput.Length, ReferenceGuard.Product(rows, width), nameof(dInput), "rows·width");
        ReferenceGuard.Length(dWeight.Length, width, nameof(dWeight), "width");
        ReferenceGuard.Length(dBias.Length, width, nameof(dBias), "width");
        ReferenceGuard.Length(dOutput.Length, ReferenceGuard.Product(rows, width), nameof(dOutput), "rows·width");
        ReferenceGuard.Length(input.Length, ReferenceGuard.Product(rows, width), nameof(input), "rows·width");
        ReferenceGuard.Length(weight.Length, width, nameof(weight), "width");
        ReferenceGuard.Length(mean.Length, rows, nameof(mean), "rows");
        ReferenceGuard.Length(rstd.Length, rows, nameof(rstd), "rows");

        for (int r = 0; r < rows; r++)
        {
            int row = r * width;
            double m = mean[r], s = rstd[r];
            double meanG = 0.0, meanGN = 0.0;
            for (int i = 0; i < width; i++)
            {
                double n = (input[row + i] - m) * s;
                double g = dOutput[row + i] * weight[i];
                meanG += g;
                meanGN += g * n;
            }
            meanG /= width;
            meanGN /= width;
            for (int i = 0; i < width; i++)
            {
                double n = (input[row + i] - m) * s;
                double g = dOutput[row + i] * weight[i];
                dInput[row + i] += s * (g - meanG - n * meanGN);
                dWeight[i] += dOutput[row + i] * n;
                dBias[i] += dOutput[row + i];
            }
        }
    }

    /// <summary>
    /// RMSNorm over each row: <c>s = 1/sqrt(mean(x²) + ε)</c>, <c>output = x·s·weight</c>. Overwrites
    /// <paramref name="output"/> and <paramref name="rstd"/>. <paramref name="output"/> may be the same span as <paramref name="input"/>.
    /// </summary>
    /// <param name="output"><c>[rows, width]</c>.</param>
    /// <param name="rstd">Per-row <c>s</c>, <c>[rows]</c>.</param>
    /// <param name="input"><c>[rows, width]</c>.</param>
    /// <param name="weight">Gain, <c>[width]</c>.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="width">Row width.</param>
    public static void RmsNormForward(Span<double> output, Span<double> rstd, ReadOnlySpan<double> input, ReadOnlySpan<double> weight, int rows, int width)
    {
        ReferenceGuard.Positive(rows, nameof(rows));
        ReferenceGuard.Positive(width, nameof(width));
        ReferenceGuard.Length(output.Length, ReferenceGuard.Product(rows, width), nameof(output), "rows·width");
        ReferenceGuard.Length(rstd.Length, rows, nameof(rstd), "rows");
        ReferenceGuard.Length(input.Length, ReferenceGuard.Product(rows, width), nameof(input), "rows·width");
        ReferenceGuard.Length(weight.Length, width, nameof(weight), "width");

        for (int r = 0; r < rows; r++)
        {
            int row = r * width;
            double ms = 0.0;
            for (int i = 0; i < width; i++) ms += input[row + i] * input[row + i];
            ms /= width;
            double s = 1.0 / Math.Sqrt(ms + NormEpsilon);
            for (int i = 0; i < width; i++) output[row + i] = input[row + i] * s * weight[i];
            rstd[r] = s;
        }
    }

    /// <summary>
    /// Backward pass of <see cref="RmsNormForward"/>. With <c>g = dOutput·weight</c>:
    /// <c>dInput += s·g − x·s³·mean(g·x)</c>, <c>dWeight += Σ_rows dOutput·x·s</c>.
    /// </summary>
    /// <param name="dInput"><c>[rows, width]</c>, accumulated.</param>
    /// <param name="dWeight"><c>[width]</c>, accumulated.</param>
    /// <param name="dOutput"><c>[rows, width]</c>.</param>
    /// <param name="input">The forward pass's input, <c>[rows, width]</c>.</param>
    /// <param name="weight">Gain, <c>[width]</c>.</param>
    /// <param name="rstd">Per-row <c>s</c> from the forward pass, <c>[rows]</c>.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="width">Row width.</param>
    public static void RmsNormBackward(Span<double> dInput, Span<double> dWeight, ReadOnlySpan<double> dOutput, ReadOnlySpan<double> input, ReadOnlySpan<double> weight, ReadOnlySpan<double> rstd, int rows, int width)
    {
        ReferenceGuard.Positive(rows, nameof(rows));
        ReferenceGuard.Positive(width, nameof(width));
        ReferenceGuard.Length(dInput.Length, ReferenceGuard.Product(rows, width), nameof(dInput), "rows·width");
        ReferenceGuard.Length(dWeight.Length, width, nameof(dWeight), "width");
        ReferenceGuard.Length(dOutput.Length, ReferenceGuard.Product(rows, width), nameof(dOutput), "rows·width");
        ReferenceGuard.Length(input.Length, ReferenceGuard.Product(rows, width), nameof(input), "rows·width");
        ReferenceGuard.Length(weight.Length, width, nameof(weight), "width");
        ReferenceGuard.Length(rstd.Length, rows, nameof(rstd), "rows");

        for (int r = 0; r < rows; r++)
        {
            int row = r * width;
            double s = rstd[r];
            double meanGX = 0.0;
            for (int i = 0; i < width; i++) meanGX += dOutput[row + i] * weight[i] * input[row + i];
            meanGX /= width;
            for (int i = 0; i < width; i++)
            {
                double x = input[row + i];
                dInput[row + i] += s * dOutput[row + i] * weight[i] - x * s * s * s * meanGX;
                dWeight[i] += dOutput[row + i] * x * s;
            }
        }
    }

    // ------------------------------------------------------------------ attention

    /// <summary>
    /// Causal multi-head self-attention on packed projections. Per token, <paramref name="qkv"/> holds
    /// <c>[q | k | v]</c>, each <c>width</c> wide; head <c>h</c> uses columns <c>h·hs … (h+1)·hs − 1</c> of
    /// each, with <c>hs = width/heads</c>. <c>att[b, h, t, t2]</c> is the softmax over <c>t2 ≤ t</c> of
    /// <c>q_t·k_t2/sqrt(hs)</c> and 0 for <c>t2 &gt; t</c>; <c>output[b, t, h·hs + i] = Σ_t2 att·v[b, t2, h·hs + i]</c>.
    /// Overwrites <paramref name="output"/> and <paramref name="att"/>.
    /// </summary>
    /// <param name="output"><c>[batch, time, width]</c>.</param>
    /// <param name="att">Attention probabilities, <c>[batch, heads, time, time]</c>.</param>
    /// <param name="qkv"><c>[batch, time, 3·width]</c>.</param>
    /// <param name="batch">Batch size.</param>
    /// <param name="time">Sequence length.</param>
    /// <param name="width">Model width <c>C</c>; a multiple of <paramref name="heads"/>.</param>
    /// <param name="heads">Number of heads.</param>
    public static void AttentionForward(Span<double> output, Span<double> att, ReadOnlySpan<double> qkv, int batch, int time, int width, int heads)
    {
        CheckAttention(batch, time, width, heads);
        ReferenceGuard.Length(output.Length, ReferenceGuard.Product(batch, time, width), nameof(output), "batch·time·width");
        ReferenceGuard.Length(att.Length, ReferenceGuard.Product(batch, heads, time, time), nameof(att), "batch·heads·time·time");
        ReferenceGuard.Length(qkv.Length, ReferenceGuard.Product(batch, time, 3 * width), nameof(qkv), "batch·time·3·width");

        int hs = width / heads;
        int stride = 3 * width;
        double scale = 1.0 / Math.Sqrt(hs);
        for (int b = 0; b < batch; b++)
        {
            for (int h = 0; h < heads; h++)
            {
                for (int t = 0; t < time; t++)
                {
                    int q = (b * time + t) * stride + h * hs;
                    int a = ((b * heads + h) * time + t) * time;

                    // Scores q_t·k_t2/sqrt(hs) for t2 ≤ t, then a numerically stable softmax over them.
                    double max = double.NegativeInfinity;
                    for (int t2 = 0; t2 <= t; t2++)
                    {
                        int k = (b * time + t2) * stride + width + h * hs;
                        double dot = 0.0;
                        for (int i = 0; i < hs; i++) dot += qkv[q + i] * qkv[k + i];
                        att[a + t2] = dot * scale;
                        max = Math.Max(max, att[a + t2]);
                    }
                    double sum = 0.0;
                    for (int t2 = 0; t2 <= t; t2++)
                    {
                        att[a + t2] = Math.Exp(att[a + t2] - max);
                        sum += att[a + t2];
                    }
                    for (int t2 = 0; t2 <= t; t2++) att[a + t2] /= sum;
                    for (int t2 = t + 1; t2 < time; t2++) att[a + t2] = 0.0;

                    int o = (b * time + t) * width + h * hs;
                    for (int i = 0; i < hs; i++)
                    {
                        double y = 0.0;
                        for (int t2 = 0; t2 <= t; t2++) y += att[a + t2] * qkv[(b * time + t2) * stride + 2 * width + h * hs + i];
                        output[o + i] = y;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Backward pass of <see cref="AttentionForward"/>: adds the gradient with respect to the packed
    /// projections into <paramref name="dQkv"/>. <paramref name="dAtt"/> is scratch space: its contents on
    /// entry are ignored and on return it holds <c>dL/datt</c>.
    /// </summary>
    /// <param name="dQkv"><c>[batch, time, 3·width]</c>, accumulated.</param>
    /// <param name="dAtt">Scratch, <c>[batch, heads, time, time]</c>.</param>
    /// <param name="dOutput"><c>[batch, time, width]</c>.</param>
    /// <param name="qkv">The forward pass's input, <c>[batch, time, 3·width]</c>.</param>
    /// <param name="att">The forward pass's probabilities, <c>[batch, heads, time, time]</c>.</param>
    /// <param name="batch">Batch size.</param>
    /// <param name="time">Sequence length.</param>
    /// <param name="width">Model width; a multiple of <paramref name="heads"/>.</param>
    /// <param name="heads">Number of heads.</param>
    public static void AttentionBackward(Span<double> dQkv, Span<double> dAtt, ReadOnlySpan<double> dOutput, ReadOnlySpan<double> qkv, ReadOnlySpan<double> att, int batch, int time, int width, int heads)
    {
        CheckAttention(batch, time, width, heads);
        ReferenceGuard.Length(dQkv.Length, ReferenceGuard.Product(batch, time, 3 * width), nameof(dQkv), "batch·time·3·width");
        ReferenceGuard.Length(dAtt.Length, ReferenceGuard.Product(batch, heads, time, time), nameof(dAtt), "batch·heads·time·time");
        ReferenceGuard.Length(dOutput.Length, ReferenceGuard.Product(batch, time, width), nameof(dOutput), "batch·time·width");
        ReferenceGuard.Length(qkv.Length, ReferenceGuard.Product(batch, time, 3 * width), nameof(qkv), "batch·time·3·width");
        ReferenceGuard.Length(att.Length, ReferenceGuard.Product(batch, heads, time, time), nameof(att), "batch·heads·time·time");

        int hs = width / heads;
        int stride = 3 * width;
        double scale = 1.0 / Math.Sqrt(hs);
        for (int b = 0; b < batch; b++)
        {
            for (int h = 0; h < heads; h++)
            {
                for (int t = 0; t < time; t++)
                {
                    int q = (b * time + t) * stride + h * hs;
                    int a = ((b * heads + h) * time + t) * time;
                    int o = (b * time + t) * width + h * hs;

                    // output_t = Σ_t2 att[t, t2]·v_t2: gradients of att and of v.
                    for (int t2 = 0; t2 < time; t2++) dAtt[a + t2] = 0.0;
                    for (int t2 = 0; t2 <= t; t2++)
                    {
                        int v = (b * time + t2) * stride + 2 * width + h * hs;
                        double d = 0.0;
                        for (int i = 0; i < hs; i++)
                        {
                            d += dOutput[o + i] * qkv[v + i];
                            dQkv[v + i] += att[a + t2] * dOutput[o + i];
                        }
                        dAtt[a + t2] = d;
                    }

                    // Softmax: dScore[t2] = att[t2]·(dAtt[t2] − Σ_t3 att[t3]·dAtt[t3]).
                    double dot = 0.0;
                    for (int t2 = 0; t2 <= t; t2++) dot += att[a + t2] * dAtt[a + t2];

                    // score[t2] = q_t·k_t2·scale: gradients of q_t and k_t2.
                    for (int t2 = 0; t2 <= t; t2++)
                    {
                        double dScore = att[a + t2] * (dAtt[a + t2] - dot) * scale;
                        int k = (b * time + t2) * stride + width + h * hs;
                        for (int i = 0; i < hs; i++)
                        {
                            dQkv[q + i] += dScore * qkv[k + i];
                            dQkv[k + i] += dScore * qkv[q + i];
                        }
                    }
                }
            }
        }
    }

    private static void CheckAttention(int batch, int time, int width, int heads)
    {
        ReferenceGuard.Positive(batch, nameof(batch));
        ReferenceGuard.Positive(time, nameof(time));
        ReferenceGuard.Positive(width, nameof(width));
        ReferenceGuard.Positive(heads, nameof(heads));
        if (width % heads != 0)
            throw new ArgumentException($"heads ({heads}) must divide width ({width}).", nameof(heads));
    }

    // ------------------------------------------------------------------ activations

    private static readonly double GeluC = Math.Sqrt(2.0 / Math.PI);

    /// <summary>GELU, tanh approximation: <c>output = 0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³)))</c>. Overwrites <paramref name="output"/>, which may be the same span as <paramref name="input"/>.</summary>
    /// <param name="output">Same length as <paramref name="input"/>.</param>
    /// <param name="input">Any length.</param>
    public static void GeluForward(Span<double> output, ReadOnlySpan<double> input)
    {
        ReferenceGuard.Length(output.Length, input.Length, nameof(output), "input.Length");
        for (int i = 0; i < input.Length; i++)
        {
            double x = input[i];
            output[i] = 0.5 * x * (1.0 + Math.Tanh(GeluC * (x + 0.044715 * x * x * x)));
        }
    }

    /// <summary>Backward pass of <see cref="GeluForward"/>: <c>dInput += dOutput·gelu'(input)</c>.</summary>
    /// <param name="dInput">Same length as <paramref name="input"/>, accumulated.</param>
    /// <param name="dOutput">Same length as <paramref name="input"/>.</param>
    /// <param name="input">The forward pass's input.</param>
    public static void GeluBackward(Span<double> dInput, ReadOnlySpan<double> dOutput, ReadOnlySpan<double> input)
    {
        ReferenceGuard.Length(dInput.Length, input.Length, nameof(dInput), "input.Length");
        ReferenceGuard.Length(dOutput.Length, input.Length, nameof(dOutput), "input.Length");
        for (int i = 0; i < input.Length; i++)
        {
            double x = input[i];
            double u = GeluC * (x + 0.044715 * x * x * x);
            double th = Math.Tanh(u);
            double du = GeluC * (1.0 + 3.0 * 0.044715 * x * x);
            double derivative = 0.5 * (1.0 + th) + 0.5 * x * (1.0 - th * th) * du;
            dInput[i] += dOutput[i] * derivative;
        }
    }

    /// <summary>ReLU: <c>output = max(0, x)</c>. Overwrites <paramref name="output"/>, which may be the same span as <paramref name="input"/>.</summary>
    /// <param name="output">Same length as <paramref name="input"/>.</param>
    /// <param name="input">Any length.</param>
    public static void ReluForward(Span<double> output, ReadOnlySpan<double> input)
    {
        ReferenceGuard.Length(output.Length, input.Length, nameof(output), "input.Length");
        for (int i = 0; i < input.Length; i++) output[i] = input[i] > 0.0 ? input[i] : 0.0;
    }

    /// <summary>Backward pass of <see cref="ReluForward"/>: <c>dInput += dOutput</c> where <c>input &gt; 0</c>; the derivative is 0 at <c>input ≤ 0</c>.</summary>
    /// <param name="dInput">Same length as <paramref name="input"/>, accumulated.</param>
    /// <param name="dOutput">Same length as <paramref name="input"/>.</param>
    /// <param name="input">The forward pass's input.</param>
    public static void ReluBackward(Span<double> dInput, ReadOnlySpan<double> dOutput, ReadOnlySpan<double> input)
    {
        ReferenceGuard.Length(dInput.Length, input.Length, nameof(dInput), "input.Length");
        ReferenceGuard.Length(dOutput.Length, input.Length, nameof(dOutput), "input.Length");
        for (int i = 0; i < input.Length; i++)
        {
            if (input[i] > 0.0) dInput[i] += dOutput[i];
        }
    }

    // ------------------------------------------------------------------ embeddings and loss

    /// <summary>
    /// Token plus learned position embedding: <c>output[b, t] = tokenEmbedding[tokens[b, t]] + positionEmbedding[t]</c>.
    /// Overwrites <paramref name="output"/>.
    /// </summary>
    /// <param name="output"><c>[batch, time, width]</c>.</param>
    /// <param name="tokens">Token ids, <c>[batch, time]</c>, each in <c>[0, vocab)</c>.</param>
    /// <param name="tokenEmbedding"><c>[vocab, width]</c>; <c>vocab</c> is its length divided by <paramref name="width"/>.</param>
    /// <param name="positionEmbedding"><c>[context, width]</c> with <c>context ≥ time</c> (the whole table may be passed).</param>
    /// <param name="batch">Batch size.</param>
    /// <param name="time">Sequence length.</param>
    /// <param name="width">Embedding width.</param>
    public static void EmbeddingForward(Span<double> output, ReadOnlySpan<int> tokens, ReadOnlySpan<double> tokenEmbedding, ReadOnlySpan<double> positionEmbedding, int batch, int time, int width)
    {
        CheckEmbedding(output.Length, nameof(output), tokens, tokenEmbedding.Length, nameof(tokenEmbedding), positionEmbedding.Length, nameof(positionEmbedding), batch, time, width);
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < time; t++)
            {
                int o = (b * time + t) * width, e = tokens[b * time + t] * width, p = t * width;
                for (int i = 0; i < width; i++) output[o + i] = tokenEmbedding[e + i] + positionEmbedding[p + i];
            }
        }
    }

    /// <summary>Backward pass of <see cref="EmbeddingForward"/>: each row of <paramref name="dOutput"/> is added to its token's row and its position's row.</summary>
    /// <param name="dTokenEmbedding"><c>[vocab, width]</c>, accumulated.</param>
    /// <param name="dPositionEmbedding"><c>[context, width]</c> with <c>context ≥ time</c>, accumulated.</param>
    /// <param name="dOutput"><c>[batch, time, width]</c>.</param>
    /// <param name="tokens">Token ids, <c>[batch, time]</c>.</param>
    /// <param name="batch">Batch size.</param>
    /// <param name="time">Sequence length.</param>
    /// <param name="width">Embedding width.</param>
    public static void EmbeddingBackward(Span<double> dTokenEmbedding, Span<double> dPositionEmbedding, ReadOnlySpan<double> dOutput, ReadOnlySpan<int> tokens, int batch, int time, int width)
    {
        CheckEmbedding(dOutput.Length, nameof(dOutput), tokens, dTokenEmbedding.Length, nameof(dTokenEmbedding), dPositionEmbedding.Length, nameof(dPositionEmbedding), batch, time, width);
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < time; t++)
            {
                int o = (b * time + t) * width, e = tokens[b * time + t] * width, p = t * width;
                for (int i = 0; i < width; i++)
                {
                    dTokenEmbedding[e + i] += dOutput[o + i];
                    dPositionEmbedding[p + i] += dOutput[o + i];
                }
            }
        }
    }

    private static void CheckEmbedding(int rowsLength, string rowsName, ReadOnlySpan<int> tokens, int tokenLength, string tokenName, int positionLength, string positionName, int batch, int time, int width)
    {
        ReferenceGuard.Positive(batch, nameof(batch));
        ReferenceGuard.Positive(time, nameof(time));
        ReferenceGuard.Positive(width, nameof(width));
        ReferenceGuard.Length(rowsLength, ReferenceGuard.Product(batch, time, width), rowsName, "batch·time·width");
        ReferenceGuard.Length(tokens.Length, ReferenceGuard.Product(batch, time), nameof(tokens), "batch·time");
        if (tokenLength == 0 || tokenLength % width != 0)
            throw new ArgumentException($"{tokenName} has length {tokenLength}; expected a positive multiple of width ({width}): vocab·width.", tokenName);
        if (positionLength % width != 0 || positionLength / width < time)
            throw new ArgumentException($"{positionName} has length {positionLength}; expected context·width with context ≥ time ({time}) and width {width}.", positionName);
        ReferenceGuard.Ids(tokens, tokenLength / width, nameof(tokens), "vocabulary");
    }

    /// <summary>Softmax over each row: <c>probs[r, j] = exp(logits[r, j]) / Σ_i exp(logits[r, i])</c>. Overwrites <paramref name="probs"/>.</summary>
    /// <param name="probs"><c>[rows, vocab]</c>.</param>
    /// <param name="logits"><c>[rows, vocab]</c>.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="vocab">Row width.</param>
    public static void SoftmaxForward(Span<double> probs, ReadOnlySpan<double> logits, int rows, int vocab)
    {
        ReferenceGuard.Positive(rows, nameof(rows));
        ReferenceGuard.Positive(vocab, nameof(vocab));
        ReferenceGuard.Length(probs.Length, ReferenceGuard.Product(rows, vocab), nameof(probs), "rows·vocab");
        ReferenceGuard.Length(logits.Length, ReferenceGuard.Product(rows, vocab), nameof(logits), "rows·vocab");
        for (int r = 0; r < rows; r++)
        {
            int row = r * vocab;
            double max = double.NegativeInfinity;
            for (int j = 0; j < vocab; j++) max = Math.Max(max, logits[row + j]);
            double sum = 0.0;
            for (int j = 0; j < vocab; j++)
            {
                probs[row + j] = Math.Exp(logits[row + j] - max);
                sum += probs[row + j];
            }
            for (int j = 0; j < vocab; j++) probs[row + j] /= sum;
        }
    }

    /// <summary>Per-row cross-entropy: <c>losses[r] = −ln probs[r, targets[r]]</c>. Overwrites <paramref name="losses"/>.</summary>
    /// <param name="losses"><c>[rows]</c>.</param>
    /// <param name="probs">Probabilities, <c>[rows, vocab]</c>.</param>
    /// <param name="targets">Target ids, <c>[rows]</c>, each in <c>[0, vocab)</c>.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="vocab">Row width.</param>
    public static void CrossEntropyForward(Span<double> losses, ReadOnlySpan<double> probs, ReadOnlySpan<int> targets, int rows, int vocab)
    {
        ReferenceGuard.Positive(rows, nameof(rows));
        ReferenceGuard.Positive(vocab, nameof(vocab));
        ReferenceGuard.Length(losses.Length, rows, nameof(losses), "rows");
        ReferenceGuard.Length(probs.Length, ReferenceGuard.Product(rows, vocab), nameof(probs), "rows·vocab");
        ReferenceGuard.Length(targets.Length, rows, nameof(targets), "rows");
        ReferenceGuard.Ids(targets, vocab, nameof(targets), "vocabulary");
        for (int r = 0; r < rows; r++) losses[r] = -Math.Log(probs[r * vocab + targets[r]]);
    }

    /// <summary>
    /// Gradient of <c>scale·Σ_r losses[r]</c> with respect to the logits, through the softmax:
    /// <c>dLogits[r, j] += scale·(probs[r, j] − [j = targets[r]])</c>. Use <c>scale = 1/rows</c> for a mean loss.
    /// </summary>
    /// <param name="dLogits"><c>[rows, vocab]</c>, accumulated.</param>
    /// <param name="probs">Probabilities from <see cref="SoftmaxForward"/>, <c>[rows, vocab]</c>.</param>
    /// <param name="targets">Target ids, <c>[rows]</c>.</param>
    /// <param name="scale">Factor on every row's loss.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="vocab">Row width.</param>
    public static void CrossEntropyBackward(Span<double> dLogits, ReadOnlySpan<double> probs, ReadOnlySpan<int> targets, double scale, int rows, int vocab)
    {
        ReferenceGuard.Positive(rows, nameof(rows));
        ReferenceGuard.Positive(vocab, nameof(vocab));
        ReferenceGuard.Length(dLogits.Length, ReferenceGuard.Product(rows, vocab), nameof(dLogits), "rows·vocab");
        ReferenceGuard.Length(probs.Length, ReferenceGuard.Product(rows, vocab), nameof(probs), "rows·vocab");
        ReferenceGuard.Length(targets.Length, rows, nameof(targets), "rows");
        ReferenceGuard.Ids(targets, vocab, nameof(targets), "vocabulary");
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < vocab; j++)
            {
                double indicator = j == targets[r] ? 1.0 : 0.0;
                dLogits[r * vocab + j] += scale * (probs[r * vocab + j] - indicator);
            }
        }
    }

    // ------------------------------------------------------------------ residual

    /// <summary>Residual add: <c>output = alpha·x + scale·branch</c>. Overwrites <paramref name="output"/>, which may be the same span as either input.</summary>
    /// <param name="output">Same length as <paramref name="x"/>.</param>
    /// <param name="x">The identity path.</param>
    /// <param name="branch">The sublayer's output.</param>
    /// <param name="alpha">Identity-path scale.</param>
    /// <param name="scale">Branch scale.</param>
    public static void ResidualForward(Span<double> output, ReadOnlySpan<double> x, ReadOnlySpan<double> branch, double alpha, double scale)
    {
        ReferenceGuard.Length(output.Length, x.Length, nameof(output), "x.Length");
        ReferenceGuard.Length(branch.Length, x.Length, nameof(branch), "x.Length");
        for (int i = 0; i < x.Length; i++) output[i] = alpha * x[i] + scale * branch[i];
    }

    /// <summary>Backward pass of <see cref="ResidualForward"/>: <c>dX += alpha·dOutput</c>, <c>dBranch += scale·dOutput</c>.</summary>
    /// <param name="dX">Same length as <paramref name="dOutput"/>, accumulated.</param>
    /// <param name="dBranch">Same length as <paramref name="dOutput"/>, accumulated.</param>
    /// <param name="dOutput">Gradient of the sum.</param>
    /// <param name="alpha">Identity-path scale.</param>
    /// <param name="scale">Branch scale.</param>
    public static void ResidualBackward(Span<double> dX, Span<double> dBranch, ReadOnlySpan<double> dOutput, double alpha, double scale)
    {
        ReferenceGuard.Length(dX.Length, dOutput.Length, nameof(dX), "dOutput.Length");
        ReferenceGuard.Length(dBranch.Length, dOutput.Length, nameof(dBranch), "dOutput.Length");
        for (int i = 0; i < dOutput.Length; i++)
        {
            dX[i] += alpha * dOutput[i];
            dBranch[i] += scale * dOutput[i];
        }
    }
}
