using System;

namespace Residual.Kernels;

/// <summary>
/// Root-mean-square normalisation over the last dimension: per row,
/// <c>out = x·rstd·weight</c> with <c>rstd = 1/sqrt(mean(x²) + ε)</c> (no centring, no bias).
/// </summary>
public static class RmsNormKernel
{
    /// <summary>The ε added to the mean square.</summary>
    public const float Epsilon = 1e-5f;

    /// <summary>
    /// Normalises each row of <paramref name="input"/>. Overwrites <paramref name="output"/> and <paramref name="rstd"/>.
    /// </summary>
    /// <param name="output">Normalised rows, <c>rows·width</c> floats. May be the same span as <paramref name="input"/>.</param>
    /// <param name="rstd">Per-row <c>1/sqrt(mean(x²) + ε)</c>, <c>rows</c> floats.</param>
    /// <param name="input">Rows to normalise, <c>rows·width</c> floats.</param>
    /// <param name="weight">Per-column gain, <c>width</c> floats.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="width">Row width; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void Forward(Span<float> output, Span<float> rstd, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, int rows, int width)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(width, nameof(width));
        Guard.Length(output.Length, nameof(output), "rows·width", rows, width);
        Guard.Length(rstd.Length, nameof(rstd), "rows", rows);
        Guard.Length(input.Length, nameof(input), "rows·width", rows, width);
        Guard.Length(weight.Length, nameof(weight), "width", width);

        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * width, width);
            var y = output.Slice(r * width, width);
            float s = 1f / MathF.Sqrt(Vectors.Dot(x, x) / width + Epsilon);
            for (int i = 0; i < width; i++) y[i] = x[i] * s * weight[i];
            rstd[r] = s;
        }
    }

    /// <summary>
    /// Backward pass of <see cref="Forward"/>. Accumulates into <paramref name="dInput"/> and <paramref name="dWeight"/>.
    /// </summary>
    /// <param name="dInput">Input gradient, <c>rows·width</c> floats (accumulated).</param>
    /// <param name="dWeight">Gain gradient, <c>width</c> floats (accumulated).</param>
    /// <param name="dOutput">Output gradient, <c>rows·width</c> floats.</param>
    /// <param name="input">The forward pass's input, <c>rows·width</c> floats.</param>
    /// <param name="weight">Per-column gain, <c>width</c> floats.</param>
    /// <param name="rstd">Per-row <c>rstd</c> from the forward pass, <c>rows</c> floats.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="width">Row width; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void Backward(Span<float> dInput, Span<float> dWeight, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> rstd, int rows, int width)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(width, nameof(width));
        Guard.Length(dInput.Length, nameof(dInput), "rows·width", rows, width);
        Guard.Length(dWeight.Length, nameof(dWeight), "width", width);
        Guard.Length(dOutput.Length, nameof(dOutput), "rows·width", rows, width);
        Guard.Length(input.Length, nameof(input), "rows·width", rows, width);
        Guard.Length(weight.Length, nameof(weight), "width", width);
        Guard.Length(rstd.Length, nameof(rstd), "rows", rows);

        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * width, width);
            var dy = dOutput.Slice(r * width, width);
            var dx = dInput.Slice(r * width, width);
            float s = rstd[r];
            // With g = dy·weight: dx = s·g − x·s³·mean(g·x).
            float sumGx = 0f;
            for (int i = 0; i < width; i++) sumGx += dy[i] * weight[i] * x[i];
            float c = s * s * s * sumGx / width;
            for (int i = 0; i < width; i++)
            {
                dWeight[i] += dy[i] * x[i] * s;
                dx[i] += s * dy[i] * weight[i] - c * x[i];
            }
        }
    }
}
