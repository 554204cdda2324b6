using System;

namespace Residual.Kernels;

/// <summary>
/// GELU activation, tanh approximation (GPT-2):
/// <c>gelu(x) = 0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³)))</c>.
/// </summary>
public static class Gelu
{
    private const float SqrtTwoOverPi = 0.7978845608028654f;
    private const float Cubic = 0.044715f;

    /// <summary>Elementwise <c>output = gelu(input)</c>. Overwrites <paramref name="output"/>.</summary>
    /// <param name="output">Result; same length as <paramref name="input"/>. May be the same span as <paramref name="input"/>.</param>
    /// <param name="input">Pre-activations; non-empty.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="input"/> is empty.</exception>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Forward(Span<float> output, ReadOnlySpan<float> input)
    {
        Guard.NotEmpty(input.Length, nameof(input));
        Guard.Length(output.Length, nameof(output), "input.Length", input.Length);
        for (int i = 0; i < input.Length; i++)
        {
            float x = input[i];
            float u = SqrtTwoOverPi * (x + Cubic * x * x * x);
            output[i] = 0.5f * x * (1f + MathF.Tanh(u));
        }
    }

    /// <summary>Elementwise <c>dInput += dOutput·gelu′(input)</c>. Accumulates into <paramref name="dInput"/>.</summary>
    /// <param name="dInput">Input gradient (accumulated); same length as <paramref name="input"/>.</param>
    /// <param name="dOutput">Output gradient; same length as <paramref name="input"/>.</param>
    /// <param name="input">The forward pass's pre-activations; non-empty.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="input"/> is empty.</exception>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Backward(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input)
    {
        Guard.NotEmpty(input.Length, nameof(input));
        Guard.Length(dInput.Length, nameof(dInput), "input.Length", input.Length);
        Guard.Length(dOutput.Length, nameof(dOutput), "input.Length", input.Length);
        for (int i = 0; i < input.Length; i++)
        {
            float x = input[i];
            float u = SqrtTwoOverPi * (x + Cubic * x * x * x);
            float th = MathF.Tanh(u);
            float du = SqrtTwoOverPi * (1f + 3f * Cubic * x * x);
            float grad = 0.5f * (1f + th) + 0.5f * x * (1f - th * th) * du;
            dInput[i] += dOutput[i] * grad;
        }
    }
}
