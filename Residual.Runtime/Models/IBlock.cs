using System;
using System.Collections.Generic;

namespace Residual;

/// <summary>
/// What every generated block offers, so that tools, tests and models can drive any block the same way.
/// The static members of a generated block (<c>Description</c>, <c>Layout</c>, <c>ActivationFloats</c>,
/// <c>ScratchFloats</c>) implement the first four members explicitly.
/// </summary>
public interface IBlock
{
    /// <summary>The declaration as data.</summary>
    BlockDescription Description { get; }

    /// <summary>One layer's tensors, offsets relative to the layer.</summary>
    IReadOnlyList<TensorInfo> Layout { get; }

    /// <summary>Floats of activations one layer keeps between forward and backward.</summary>
    /// <param name="batch">Batch size.</param>
    /// <param name="time">Sequence length.</param>
    long ActivationFloats(int batch, int time);

    /// <summary>Floats of scratch the backward pass needs.</summary>
    /// <param name="batch">Batch size.</param>
    /// <param name="time">Sequence length.</param>
    long ScratchFloats(int batch, int time);

    /// <summary>This layer's parameters.</summary>
    Span<float> Parameters { get; }

    /// <summary>This layer's gradients (backward adds into them).</summary>
    Span<float> Gradients { get; }

    /// <summary>Runs the block on <c>[batch·time, Width]</c> inputs.</summary>
    /// <param name="x">Input stream.</param>
    /// <param name="y">Output stream (overwritten).</param>
    /// <param name="activations">Saved for backward.</param>
    /// <param name="batch">Batch size.</param>
    /// <param name="time">Sequence length.</param>
    void Forward(ReadOnlySpan<float> x, Span<float> y, Span<float> activations, int batch, int time);

    /// <summary>Backpropagates; adds into <paramref name="dx"/> and <see cref="Gradients"/>.</summary>
    /// <param name="x">Input stream of the forward pass.</param>
    /// <param name="dy">Gradient at the output.</param>
    /// <param name="dx">Gradient at the input (accumulated).</param>
    /// <param name="activations">What forward saved.</param>
    /// <param name="scratch">Working memory.</param>
    /// <param name="batch">Batch size.</param>
    /// <param name="time">Sequence length.</param>
    void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, Span<float> activations, Span<float> scratch, int batch, int time);
}
