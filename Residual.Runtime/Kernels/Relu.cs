using System;

namespace Residual.Kernels;

/// <summary>ReLU activation, <c>relu(x) = max(x, 0)</c>, with derivative 0 at <c>x ≤ 0</c>.</summary>
public static class Relu
{
    /// <summary>Elementwise <c>output = max(input, 0)</c>. Overwrites <paramref name="output"/>.</summary>
    /// <param name="output">Result; same length as <paramref name="input"/>. May be the same span as <paramref name="input"/>.</param>
    /// <param name="input">Pre-activations; non-empty.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="input"/> is empty.</exception>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Forward(Span<float> output, ReadOnlySpan<float> input)
    {
        Guard.NotEmpty(input.Length, nameof(input));
        Guard.Length(output.Length, nameof(output), "input.Length", input.Length);
        for (int i = 0; i < input.Length; i++)
            output[i] = input[i] > 0f ? input[i] : 0f;
    }

    /// <summary>Elementwise <c>dInput += input &gt; 0 ? dOutput : 0</c>. Accumulates into <paramref name="dInput"/>.</summary>
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
            if (input[i] > 0f)
                dInput[i] += dOutput[i];
    }
}
