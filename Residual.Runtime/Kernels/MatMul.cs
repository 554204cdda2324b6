using System;

namespace Residual.Kernels;

/// <summary>
/// Fully connected layer <c>output = input·weightᵀ + bias</c> and its backward pass. Row-major:
/// <c>input</c> is <c>[rows, inFeatures]</c>, <c>weight</c> is <c>[outFeatures, inFeatures]</c> (PyTorch's
/// <c>nn.Linear</c> layout), <c>output</c> is <c>[rows, outFeatures]</c>.
/// </summary>
public static class MatMul
{
    /// <summary>
    /// <c>output[r,o] = bias[o] + Σ_k input[r,k]·weight[o,k]</c>. Overwrites <paramref name="output"/>.
    /// </summary>
    /// <param name="output">Result, <c>rows·outFeatures</c> floats. Must not overlap the inputs.</param>
    /// <param name="input">Input activations, <c>rows·inFeatures</c> floats.</param>
    /// <param name="weight">Weights, <c>outFeatures·inFeatures</c> floats.</param>
    /// <param name="bias">Either empty (no bias) or <c>outFeatures</c> floats.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="inFeatures">Input width; positive.</param>
    /// <param name="outFeatures">Output width; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
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

        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * inFeatures, inFeatures);
            var y = output.Slice(r * outFeatures, outFeatures);
            for (int o = 0; o < outFeatures; o++)
                y[o] = (bias.IsEmpty ? 0f : bias[o]) + Vectors.Dot(x, weight.Slice(o * inFeatures, inFeatures));
        }
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
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void BackwardInput(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> weight, int rows, int inFeatures, int outFeatures)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(inFeatures, nameof(inFeatures));
        Guard.Positive(outFeatures, nameof(outFeatures));
        Guard.Length(dInput.Length, nameof(dInput), "rows·inFeatures", rows, inFeatures);
        Guard.Length(dOutput.Length, nameof(dOutput), "rows·outFeatures", rows, outFeatures);
        Guard.Length(weight.Length, nameof(weight), "outFeatures·inFeatures", outFeatures, inFeatures);

        for (int r = 0; r < rows; r++)
        {
            var dx = dInput.Slice(r * inFeatures, inFeatures);
            for (int o = 0; o < outFeatures; o++)
                Vectors.Axpy(dOutput[r * outFeatures + o], weight.Slice(o * inFeatures, inFeatures), dx);
        }
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
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void BackwardWeight(Span<float> dWeight, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, int rows, int inFeatures, int outFeatures)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(inFeatures, nameof(inFeatures));
        Guard.Positive(outFeatures, nameof(outFeatures));
        Guard.Length(dWeight.Length, nameof(dWeight), "outFeatures·inFeatures", outFeatures, inFeatures);
        Guard.Length(dOutput.Length, nameof(dOutput), "rows·outFeatures", rows, outFeatures);
        Guard.Length(input.Length, nameof(input), "rows·inFeatures", rows, inFeatures);

        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * inFeatures, inFeatures);
            for (int o = 0; o < outFeatures; o++)
                Vectors.Axpy(dOutput[r * outFeatures + o], x, dWeight.Slice(o * inFeatures, inFeatures));
        }
    }

    /// <summary>
    /// Accumulates the bias gradient: <c>dBias[o] += Σ_r dOutput[r,o]</c>.
    /// </summary>
    /// <param name="dBias">Bias gradient, <c>outFeatures</c> floats (accumulated).</param>
    /// <param name="dOutput">Output gradient, <c>rows·outFeatures</c> floats.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="outFeatures">Output width; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void BackwardBias(Span<float> dBias, ReadOnlySpan<float> dOutput, int rows, int outFeatures)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(outFeatures, nameof(outFeatures));
        Guard.Length(dBias.Length, nameof(dBias), "outFeatures", outFeatures);
        Guard.Length(dOutput.Length, nameof(dOutput), "rows·outFeatures", rows, outFeatures);

        for (int r = 0; r < rows; r++)
            Vectors.Add(dOutput.Slice(r * outFeatures, outFeatures), dBias);
    }
}
