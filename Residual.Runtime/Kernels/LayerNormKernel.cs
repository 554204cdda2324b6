using System;

namespace Residual.Kernels;

/// <summary>
/// Layer normalisation over the last dimension: per row, <c>out = (x − mean)·rstd·weight + bias</c>
/// with the biased variance and <c>rstd = 1/sqrt(var + ε)</c>.
/// </summary>
public static class LayerNormKernel
{
    /// <summary>The ε added to the variance (GPT-2 / PyTorch default).</summary>
    public const float Epsilon = 1e-5f;

    /// <summary>
    /// Normalises each row of <paramref name="input"/>, writing <paramref name="output"/> and the per-row
    /// statistics the backward pass needs. Overwrites <paramref name="output"/>, <paramref name="mean"/>
    /// and <paramref name="rstd"/>.
    /// </summary>
    /// <param name="output">Normalised rows, <c>rows·width</c> floats. May be the same span as <paramref name="input"/>.</param>
    /// <param name="mean">Per-row mean, <c>rows</c> floats.</param>
    /// <param name="rstd">Per-row reciprocal standard deviation, <c>rows</c> floats.</param>
    /// <param name="input">Rows to normalise, <c>rows·width</c> floats.</param>
    /// <param name="weight">Per-column gain, <c>width</c> floats.</param>
    /// <param name="bias">Per-column shift, <c>width</c> floats.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="width">Row width; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void Forward(Span<float> output, Span<float> mean, Span<float> rstd, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int rows, int width)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(width, nameof(width));
        Guard.Length(output.Length, nameof(output), "rows·width", rows, width);
        Guard.Length(mean.Length, nameof(mean), "rows", rows);
        Guard.Length(rstd.Length, nameof(rstd), "rows", rows);
        Guard.Length(input.Length, nameof(input), "rows·width", rows, width);
        Guard.Length(weight.Length, nameof(weight), "width", width);
        Guard.Length(bias.Length, nameof(bias), "width", width);

        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * width, width);
            var y = output.Slice(r * width, width);
            float m = 0f;
            for (int i = 0; i < width; i++) m += x[i];
            m /= width;
            float v = 0f;
            for (int i = 0; i < width; i++) { float d = x[i] - m; v += d * d; }
            v /= width;
            float s = 1f / MathF.Sqrt(v + Epsilon);
            for (int i = 0; i < width; i++) y[i] = (x[i] - m) * s * weight[i] + bias[i];
            mean[r] = m;
            rstd[r] = s;
        }
    }

    /// <summary>
    /// Backward pass of <see cref="Forward"/>. Accumulates into <paramref name="dInput"/>,
    /// <paramref name="dWeight"/> and <paramref name="dBias"/>.
    /// </summary>
    /// <param name="dInput">Input gradient, <c>rows·width</c> floats (accumulated).</param>
    /// <param name="dWeight">Gain gradient, <c>width</c> floats (accumulated).</param>
    /// <param name="dBias">Shift gradient, <c>width</c> floats (accumulated).</param>
    /// <param name="dOutput">Output gradient, <c>rows·width</c> floats.</param>
    /// <param name="input">The forward pass's input, <c>rows·width</c> floats.</param>
    /// <param name="weight">Per-column gain, <c>width</c> floats.</param>
    /// <param name="mean">Per-row mean from the forward pass, <c>rows</c> floats.</param>
    /// <param name="rstd">Per-row reciprocal standard deviation from the forward pass, <c>rows</c> floats.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="width">Row width; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void Backward(Span<float> dInput, Span<float> dWeight, Span<float> dBias, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, int rows, int width)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(width, nameof(width));
        Guard.Length(dInput.Length, nameof(dInput), "rows·width", rows, width);
        Guard.Length(dWeight.Length, nameof(dWeight), "width", width);
        Guard.Length(dBias.Length, nameof(dBias), "width", width);
        Guard.Length(dOutput.Length, nameof(dOutput), "rows·width", rows, width);
        Guard.Length(input.Length, nameof(input), "rows·width", rows, width);
        Guard.Length(weight.Length, nameof(weight), "width", width);
        Guard.Length(mean.Length, nameof(mean), "rows", rows);
        Guard.Length(rstd.Length, nameof(rstd), "rows", rows);

        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * width, width);
            var dy = dOutput.Slice(r * width, width);
            var dx = dInput.Slice(r * width, width);
            float m = mean[r], s = rstd[r];
            // With n = x̂ = (x − m)·s and g = dy·weight: dx = s·(g − mean(g) − x̂·mean(g·x̂)).
            float sumG = 0f, sumGx = 0f;
            for (int i = 0; i < width; i++)
            {
                float xhat = (x[i] - m) * s;
                float g = dy[i] * weight[i];
                sumG += g;
                sumGx += g * xhat;
            }
            float meanG = sumG / width, meanGx = sumGx / width;
            for (int i = 0; i < width; i++)
            {
                float xhat = (x[i] - m) * s;
                float g = dy[i] * weight[i];
                dBias[i] += dy[i];
                dWeight[i] += dy[i] * xhat;
                dx[i] += s * (g - meanG - xhat * meanGx);
            }
        }
    }
}
