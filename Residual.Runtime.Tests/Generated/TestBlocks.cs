using System;
using System.Collections.Generic;
using Residual;

namespace Residual.Runtime.Tests.Generated;

/// <summary>GPT-2's block: pre-norm LayerNorm, attention then MLP, a residual around each.</summary>
[Block(Width = 32)]
public partial class GptTestBlock
{
    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention Attend { get; }

    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 64)]
    public partial FeedForward Mix { get; }
}

/// <summary>The 2017 Transformer's "Add &amp; Norm" wiring with RMSNorm, three sublayers (exercises both stream buffers).</summary>
[Block(Width = 20)]
public partial class PostNormTestBlock
{
    [Residual, PostNorm(Norm.RMSNorm)]
    [Sublayer(typeof(Attention), Heads = 2)]
    public partial Attention Attend { get; }

    [Residual(Scale = 0.5), PostNorm(Norm.RMSNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 24, Activation = Activation.Relu)]
    public partial FeedForward Mix { get; }

    [Residual(Learnable = true, Scale = 0.25), PostNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 5)]
    public partial Attention Again { get; }
}

/// <summary>A user-defined sublayer: <c>F(x)_i = tanh(w_i·x_i + b_i)</c>, channel by channel.</summary>
public sealed class TanhGate : Sublayer
{
    public override IReadOnlyList<ParameterShape> DescribeParameters(int width) =>
    [
        new ParameterShape("weight", [width], ParameterInit.Normal),
        new ParameterShape("bias", [width], ParameterInit.Zeros),
    ];

    // Keeps tanh(·) for the backward pass.
    public override long ActivationFloats(int width, int batch, int time) => (long)batch * time * width;

    public override void Forward(in SublayerContext context, ReadOnlySpan<float> input, Span<float> output)
    {
        int c = context.Width;
        var w = context.Parameters.Slice(0, c);
        var b = context.Parameters.Slice(c, c);
        var saved = context.Activations;
        for (int r = 0; r < context.Rows; r++)
            for (int i = 0; i < c; i++)
                output[r * c + i] = saved[r * c + i] = MathF.Tanh(w[i] * input[r * c + i] + b[i]);
    }

    public override void Backward(in SublayerContext context, ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, Span<float> dInput)
    {
        int c = context.Width;
        var w = context.Parameters.Slice(0, c);
        var dw = context.Gradients.Slice(0, c);
        var db = context.Gradients.Slice(c, c);
        var saved = context.Activations;
        for (int r = 0; r < context.Rows; r++)
            for (int i = 0; i < c; i++)
            {
                float t = saved[r * c + i];
                float g = dOutput[r * c + i] * (1f - t * t);
                dInput[r * c + i] += g * w[i];
                dw[i] += g * input[r * c + i];
                db[i] += g;
            }
    }
}

/// <summary>A custom sublayer between two built-ins, with the same wiring as they get.</summary>
[Block(Width = 12)]
public partial class CustomTestBlock
{
    [Residual, PreNorm(Norm.RMSNorm)]
    [Sublayer(typeof(TanhGate))]
    public partial TanhGate Gate { get; }

    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 16)]
    public partial FeedForward Mix { get; }
}

[Model(Vocab = 11, Context = 8, Layers = 2, FinalNorm = Norm.LayerNorm)]
public partial class GptTestModel : Transformer<GptTestBlock>;

[Model(Vocab = 7, Context = 6, Layers = 3, FinalNorm = Norm.RMSNorm)]
public partial class PostNormTestModel : Transformer<PostNormTestBlock>;

[Model(Vocab = 9, Context = 5, Layers = 2, FinalNorm = Norm.None)]
public partial class CustomTestModel : Transformer<CustomTestBlock>;
