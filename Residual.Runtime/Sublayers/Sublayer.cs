using System;
using System.Collections.Generic;

namespace Residual;

/// <summary>
/// The sublayer contract: a function <c>F</c> from the (normalised) residual stream to a tensor of the
/// same width, <c>[batch·time, width] → [batch·time, width]</c>, with its parameters and backward pass.
/// Derive from it (with a public or internal parameterless constructor) and name the type in
/// <c>[Sublayer(typeof(MySublayer))]</c>: the generated block gives it the same residual wiring, norms,
/// parameter arena and training support as the built-ins.
/// </summary>
/// <remarks>
/// One instance serves every layer of a block type, so implementations keep no per-call state in
/// fields: everything lives in the spans of <see cref="SublayerContext"/>.
/// </remarks>
public abstract class Sublayer
{
    /// <summary>
    /// The parameter tensors, in the order they are laid out in the arena. Names are relative to the
    /// sublayer (<c>weight</c>, <c>c_fc.bias</c>); the generator prefixes <c>h.{layer}.{member}.</c>.
    /// Mark a projection that writes into the residual stream <see cref="ParameterInit.ResidualOutput"/>.
    /// </summary>
    /// <param name="width">The residual stream width.</param>
    public abstract IReadOnlyList<ParameterShape> DescribeParameters(int width);

    /// <summary>Floats this sublayer keeps between forward and backward (and uses as backward scratch) for a whole batch.</summary>
    /// <param name="width">The residual stream width.</param>
    /// <param name="batch">Batch size.</param>
    /// <param name="time">Sequence length.</param>
    public virtual long ActivationFloats(int width, int batch, int time) => 0;

    /// <summary>Computes <c>output = F(input)</c>; both are <c>[batch·time, width]</c>. Overwrites <paramref name="output"/>.</summary>
    /// <param name="context">Parameters, gradients, activations and sizes.</param>
    /// <param name="input">The sublayer's input.</param>
    /// <param name="output">Where <c>F(input)</c> goes.</param>
    public abstract void Forward(in SublayerContext context, ReadOnlySpan<float> input, Span<float> output);

    /// <summary>
    /// Adds <c>dL/dinput</c> into <paramref name="dInput"/> and <c>dL/dθ</c> into
    /// <see cref="SublayerContext.Gradients"/>, given <c>dL/doutput</c>. Runs after the matching
    /// <see cref="Forward"/> with the same activations. Accumulates; never overwrites.
    /// </summary>
    /// <param name="context">Parameters, gradients, activations and sizes.</param>
    /// <param name="input">The input the forward pass saw.</param>
    /// <param name="dOutput">Gradient of the loss with respect to the output.</param>
    /// <param name="dInput">Gradient of the loss with respect to the input (accumulated).</param>
    public abstract void Backward(in SublayerContext context, ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, Span<float> dInput);
}

/// <summary>What a <see cref="Sublayer"/> sees during one call: its slices of the arenas and the run-time sizes.</summary>
public readonly ref struct SublayerContext
{
    /// <summary>Creates a context.</summary>
    /// <param name="parameters">This sublayer's parameters, in <see cref="Sublayer.DescribeParameters"/> order.</param>
    /// <param name="gradients">Gradients with the same layout (accumulated by backward).</param>
    /// <param name="activations">This sublayer's activation region, <see cref="Sublayer.ActivationFloats"/> long.</param>
    /// <param name="batch">Batch size.</param>
    /// <param name="time">Sequence length.</param>
    /// <param name="width">Residual stream width.</param>
    public SublayerContext(ReadOnlySpan<float> parameters, Span<float> gradients, Span<float> activations, int batch, int time, int width)
    {
        Parameters = parameters;
        Gradients = gradients;
        Activations = activations;
        Batch = batch;
        Time = time;
        Width = width;
    }

    /// <summary>This sublayer's parameters.</summary>
    public ReadOnlySpan<float> Parameters { get; }

    /// <summary>This sublayer's gradients (same layout as <see cref="Parameters"/>).</summary>
    public Span<float> Gradients { get; }

    /// <summary>This sublayer's activation region.</summary>
    public Span<float> Activations { get; }

    /// <summary>Batch size.</summary>
    public int Batch { get; }

    /// <summary>Sequence length.</summary>
    public int Time { get; }

    /// <summary>Residual stream width.</summary>
    public int Width { get; }

    /// <summary>Rows of the input and output, <c>Batch·Time</c>.</summary>
    public int Rows => Batch * Time;
}
