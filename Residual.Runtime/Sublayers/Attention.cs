using System;
using System.Collections.Generic;
using Residual.Kernels;

namespace Residual;

/// <summary>
/// Built-in causal multi-head self-attention with a fused QKV projection (<c>c_attn</c>, <c>[3C, C]</c>)
/// and an output projection (<c>c_proj</c>, <c>[C, C]</c>), as in GPT-2. Name it with
/// <c>[Sublayer(typeof(Attention), Heads = h)]</c>; the generator then calls the kernels directly
/// with constant shapes. The <see cref="Sublayer"/> methods below run the same computation through the
/// general contract, for tools and tests.
/// </summary>
public sealed class Attention : Sublayer
{
    /// <summary>Creates the sublayer.</summary>
    /// <param name="heads">Number of heads; must divide the width it is used with.</param>
    public Attention(int heads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        Heads = heads;
    }

    /// <summary>Number of heads.</summary>
    public int Heads { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<ParameterShape> DescribeParameters(int width)
    {
        CheckWidth(width);
        return
        [
            new ParameterShape("c_attn.weight", [3 * width, width], ParameterInit.Normal),
            new ParameterShape("c_attn.bias", [3 * width], ParameterInit.Zeros),
            new ParameterShape("c_proj.weight", [width, width], ParameterInit.ResidualOutput),
            new ParameterShape("c_proj.bias", [width], ParameterInit.Zeros),
        ];
    }

    /// <inheritdoc/>
    /// <remarks>q|k|v, probabilities and head outputs for backward, then the same again as backward scratch.</remarks>
    public override long ActivationFloats(int width, int batch, int time)
    {
        long rows = (long)batch * time;
        return 2 * (rows * 4 * width + rows * Heads * time);
    }

    /// <inheritdoc/>
    public override void Forward(in SublayerContext context, ReadOnlySpan<float> input, Span<float> output)
    {
        var (c, rows) = (context.Width, context.Rows);
        CheckWidth(c);
        var b = new Buffers(context, Heads);
        var p = context.Parameters;
        MatMul.Forward(b.Qkv, input, p.Slice(0, 3 * c * c), p.Slice(3 * c * c, 3 * c), rows, c, 3 * c);
        CausalAttention.Forward(b.Heads, b.Att, b.Qkv, context.Batch, context.Time, c, Heads);
        int proj = 3 * c * c + 3 * c;
        MatMul.Forward(output, b.Heads, p.Slice(proj, c * c), p.Slice(proj + c * c, c), rows, c, c);
    }

    /// <inheritdoc/>
    public override void Backward(in SublayerContext context, ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, Span<float> dInput)
    {
        var (c, rows) = (context.Width, context.Rows);
        CheckWidth(c);
        var b = new Buffers(context, Heads);
        var p = context.Parameters;
        var g = context.Gradients;
        int proj = 3 * c * c + 3 * c;
        b.DQkv.Clear();
        b.DHeads.Clear();
        MatMul.BackwardWeight(g.Slice(proj, c * c), dOutput, b.Heads, rows, c, c);
        MatMul.BackwardBias(g.Slice(proj + c * c, c), dOutput, rows, c);
        MatMul.BackwardInput(b.DHeads, dOutput, p.Slice(proj, c * c), rows, c, c);
        CausalAttention.Backward(b.DQkv, b.DAtt, b.DHeads, b.Qkv, b.Att, context.Batch, context.Time, c, Heads);
        MatMul.BackwardWeight(g.Slice(0, 3 * c * c), b.DQkv, input, rows, c, 3 * c);
        MatMul.BackwardBias(g.Slice(3 * c * c, 3 * c), b.DQkv, rows, 3 * c);
        MatMul.BackwardInput(dInput, b.DQkv, p.Slice(0, 3 * c * c), rows, c, 3 * c);
    }

    /// <summary>The activation region cut into what forward saves and what backward uses as scratch.</summary>
    private readonly ref struct Buffers
    {
        public Buffers(in SublayerContext context, int heads)
        {
            int rows = context.Rows, c = context.Width, att = rows * heads * context.Time;
            var a = context.Activations;
            long needed = 2 * ((long)rows * 4 * c + (long)att);
            if (a.Length < needed) throw new ArgumentException($"Activations has {a.Length} floats; expected at least {needed}.", nameof(context));
            Qkv = a.Slice(0, 3 * rows * c);
            Att = a.Slice(3 * rows * c, att);
            Heads = a.Slice(3 * rows * c + att, rows * c);
            int half = 4 * rows * c + att;
            DQkv = a.Slice(half, 3 * rows * c);
            DAtt = a.Slice(half + 3 * rows * c, att);
            DHeads = a.Slice(half + 3 * rows * c + att, rows * c);
        }

        public Span<float> Qkv { get; }
        public Span<float> Att { get; }
        public Span<float> Heads { get; }
        public Span<float> DQkv { get; }
        public Span<float> DAtt { get; }
        public Span<float> DHeads { get; }
    }

    private void CheckWidth(int width)
    {
        if (width <= 0 || width % Heads != 0)
            throw new ArgumentException($"Attention with {Heads} heads needs a positive width divisible by {Heads}; got {width}.", nameof(width));
    }
}
