using System;

namespace Residual.Samples.Experiments;

/// <summary>
/// Gradients of one freshly initialised model on one fixed training batch, layer by layer: the quantity of
/// Xiong et al. (2020), "On Layer Normalization in the Transformer Architecture", Figure 3.
/// </summary>
/// <param name="Wiring">The wiring.</param>
/// <param name="Init">The initialisation the gradients were measured at.</param>
/// <param name="Depth">Layers.</param>
/// <param name="Loss">The loss of the batch (at initialisation).</param>
/// <param name="Stream"><c>‖dL/dx‖</c> of the residual stream entering layer l (l = 0..Depth-1) and leaving the last layer (l = Depth).</param>
/// <param name="Parameters"><c>‖dL/dθ‖</c> over all parameters of layer l (every <c>h.{l}.*</c> tensor).</param>
/// <param name="FeedForwardWeight"><c>‖dL/dW‖</c> of layer l's first feed-forward matrix <c>h.{l}.mlp.c_fc.weight</c> (Xiong et al. plot the feed-forward weights).</param>
public sealed record LayerGradients(Wiring Wiring, ProbeInit Init, int Depth, float Loss, double[] Stream, double[] Parameters, double[] FeedForwardWeight)
{
    /// <summary>First layer's parameter gradient norm over the last layer's.</summary>
    public double FirstOverLast => Parameters[0] / Parameters[^1];
}

/// <summary>An initialisation the gradients are measured at.</summary>
/// <param name="Key">Short name for file names.</param>
/// <param name="Label">What it is, for the report.</param>
/// <param name="InitStd">Standard deviation of normally initialised weights.</param>
/// <param name="OutputInit">How residual-branch output projections start.</param>
public sealed record ProbeInit(string Key, string Label, float InitStd, OutputInit OutputInit)
{
    /// <summary>The library's default: GPT-2's N(0, 0.02²), residual-branch outputs scaled by <c>1/sqrt(2·Layers)</c>.</summary>
    public static ProbeInit Gpt2 { get; } = new("gpt2", "GPT-2 initialisation (std 0.02, branch outputs scaled by 1/√(2·Layers))", 0.02f, OutputInit.Scaled);

    /// <summary>
    /// Every matrix at std <c>1/√Width</c> and no output scaling: branches as large as the stream, the regime of Xiong et al.'s
    /// analysis (Xavier initialisation). At width 32, GPT-2's 0.02 is far smaller than that (it was chosen for width 768).
    /// </summary>
    public static ProbeInit Xavier { get; } = new("xavier", $"Xavier-like initialisation (std 1/√{DepthModels.Width} = {1 / MathF.Sqrt(DepthModels.Width):0.000}, no output scaling)", 1 / MathF.Sqrt(DepthModels.Width), OutputInit.Normal);
}

/// <summary>Measures <see cref="LayerGradients"/>.</summary>
public static class GradientProbe
{
    /// <summary>
    /// Creates the model of <paramref name="wiring"/> at <paramref name="depth"/> initialised as <paramref name="init"/> says from
    /// <paramref name="seed"/>, runs one forward and backward pass on <paramref name="batch"/> fixed training windows and reads the
    /// gradients layer by layer.
    /// </summary>
    public static LayerGradients Measure(Wiring wiring, int depth, ProbeInit init, TextCorpus corpus, ulong seed, int batch, int time)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(corpus);
        var model = DepthModels.Create(wiring, depth, new ModelOptions { Seed = seed, InitStd = init.InitStd, OutputInit = init.OutputInit });
        return Measure(model, wiring, init, corpus, batch, time);
    }

    /// <summary>Measures the gradients of <paramref name="model"/> as it is (not necessarily at initialisation).</summary>
    public static LayerGradients Measure(LanguageModel model, Wiring wiring, ProbeInit init, TextCorpus corpus, int batch, int time)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(corpus);
        var tokens = new int[batch * time];
        var targets = new int[batch * time];
        TextCorpus.FixedBatch(corpus.Train, 0, 1, tokens, targets, batch, time);
        model.RecordStreamGradients = true;
        model.ZeroGradients();
        float loss = model.Forward(tokens, targets, batch, time);
        model.Backward();

        int depth = model.Description.Layers;
        var parameters = new double[depth];
        var feedForward = new double[depth];
        var g = model.Gradients.Data;
        foreach (var t in model.Gradients.Tensors)
        {
            if (!TryLayer(t.Name, out int layer, out string local)) continue;
            double sum = SumOfSquares(g.AsSpan(t.Offset, t.Count));
            parameters[layer] += sum;
            if (local == "mlp.c_fc.weight") feedForward[layer] += sum;
        }
        for (int l = 0; l < depth; l++)
        {
            parameters[l] = Math.Sqrt(parameters[l]);
            feedForward[l] = Math.Sqrt(feedForward[l]);
        }
        return new LayerGradients(wiring, init, depth, loss, model.StreamGradientNorms.ToArray(), parameters, feedForward);
    }

    /// <summary>Splits a GPT-2 tensor name <c>h.{layer}.{local}</c>.</summary>
    private static bool TryLayer(string name, out int layer, out string local)
    {
        layer = -1;
        local = "";
        if (!name.StartsWith("h.", StringComparison.Ordinal)) return false;
        int dot = name.IndexOf('.', 2);
        if (dot < 0 || !int.TryParse(name.AsSpan(2, dot - 2), out layer)) return false;
        local = name[(dot + 1)..];
        return true;
    }

    private static double SumOfSquares(ReadOnlySpan<float> a)
    {
        double s = 0;
        foreach (float x in a) s += (double)x * x;
        return s;
    }
}
