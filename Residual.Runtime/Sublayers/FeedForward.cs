using System;
using System.Collections.Generic;
using Residual.Kernels;

namespace Residual;

/// <summary>
/// Built-in feed-forward sublayer: <c>c_fc</c> (<c>[hidden, C]</c>) → GELU (tanh approximation) or
/// ReLU → <c>c_proj</c> (<c>[C, hidden]</c>), as GPT-2's MLP. Name it with
/// <c>[Sublayer(typeof(FeedForward), Hidden = h)]</c>; the generator calls the kernels directly. The
/// <see cref="Sublayer"/> methods below run the same computation through the general contract.
/// </summary>
public sealed class FeedForward : Sublayer
{
    /// <summary>Creates the sublayer.</summary>
    /// <param name="hidden">Hidden size.</param>
    /// <param name="activation">Nonlinearity.</param>
    public FeedForward(int hidden, Activation activation = Activation.Gelu)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hidden);
        if (!Enum.IsDefined(activation)) throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        Hidden = hidden;
        Activation = activation;
    }

    /// <summary>Hidden size.</summary>
    public int Hidden { get; }

    /// <summary>Nonlinearity.</summary>
    public Activation Activation { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<ParameterShape> DescribeParameters(int width) =>
    [
        new ParameterShape("c_fc.weight", [Hidden, width], ParameterInit.Normal),
        new ParameterShape("c_fc.bias", [Hidden], ParameterInit.Zeros),
        new ParameterShape("c_proj.weight", [width, Hidden], ParameterInit.ResidualOutput),
        new ParameterShape("c_proj.bias", [width], ParameterInit.Zeros),
    ];

    /// <inheritdoc/>
    /// <remarks>Pre-activation and activation for backward, then their gradients as scratch.</remarks>
    public override long ActivationFloats(int width, int batch, int time) => 4L * batch * time * Hidden;

    /// <inheritdoc/>
    public override void Forward(in SublayerContext context, ReadOnlySpan<float> input, Span<float> output)
    {
        int c = context.Width, rows = context.Rows, h = Hidden;
        var a = Regions(context);
        Span<float> fc = a.Slice(0, rows * h), act = a.Slice(rows * h, rows * h);
        var p = context.Parameters;
        MatMul.Forward(fc, input, p.Slice(0, h * c), p.Slice(h * c, h), rows, c, h);
        if (Activation == Activation.Gelu) Gelu.Forward(act, fc); else Relu.Forward(act, fc);
        MatMul.Forward(output, act, p.Slice(h * c + h, c * h), p.Slice(h * c + h + c * h, c), rows, h, c);
    }

    /// <inheritdoc/>
    public override void Backward(in SublayerContext context, ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, Span<float> dInput)
    {
        int c = context.Width, rows = context.Rows, h = Hidden;
        var a = Regions(context);
        Span<float> fc = a.Slice(0, rows * h), act = a.Slice(rows * h, rows * h);
        Span<float> dFc = a.Slice(2 * rows * h, rows * h), dAct = a.Slice(3 * rows * h, rows * h);
        var p = context.Parameters;
        var g = context.Gradients;
        int proj = h * c + h;
        dFc.Clear();
        dAct.Clear();
        MatMul.BackwardWeight(g.Slice(proj, c * h), dOutput, act, rows, h, c);
        MatMul.BackwardBias(g.Slice(proj + c * h, c), dOutput, rows, c);
        MatMul.BackwardInput(dAct, dOutput, p.Slice(proj, c * h), rows, h, c);
        if (Activation == Activation.Gelu) Gelu.Backward(dFc, dAct, fc); else Relu.Backward(dFc, dAct, fc);
        MatMul.BackwardWeight(g.Slice(0, h * c), dFc, input, rows, c, h);
        MatMul.BackwardBias(g.Slice(h * c, h), dFc, rows, h);
        MatMul.BackwardInput(dInput, dFc, p.Slice(0, h * c), rows, c, h);
    }

    /// <summary>The activation region: saved h and a, then their gradients as scratch, rows·Hidden floats each.</summary>
    private Span<float> Regions(in SublayerContext context)
    {
        long needed = ActivationFloats(context.Width, context.Batch, context.Time);
        var a = context.Activations;
        if (a.Length < needed) throw new ArgumentException($"Activations has {a.Length} floats; expected at least {needed}.", nameof(context));
        return a;
    }
}
