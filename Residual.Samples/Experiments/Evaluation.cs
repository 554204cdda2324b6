using System;
using Residual.Reference;

namespace Residual.Samples.Experiments;

/// <summary>Losses on fixed batches, and the loss of the model with every block removed.</summary>
public static class Evaluation
{
    /// <summary>
    /// Mean loss of <paramref name="model"/> over <paramref name="batches"/> fixed batches of <paramref name="source"/>
    /// (windows spread evenly over it: the same every time, so losses compare across models and steps). NaN when a
    /// loss is not finite (the run diverged).
    /// </summary>
    public static double Loss(LanguageModel model, int[] source, int batches, int batch, int time)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        var tokens = new int[batch * time];
        var targets = new int[batch * time];
        double sum = 0;
        for (int i = 0; i < batches; i++)
        {
            TextCorpus.FixedBatch(source, i, batches, tokens, targets, batch, time);
            float loss = model.Forward(tokens, targets, batch, time);
            if (!float.IsFinite(loss)) return double.NaN;
            sum += loss;
        }
        return sum / batches;
    }

    /// <summary>
    /// The loss of the <em>embedding-only</em> model made of <paramref name="model"/>'s own <c>wte</c>, <c>wpe</c> and
    /// <c>ln_f</c>, with no blocks: <c>logits = ln_f(wte[token] + wpe[position])·wteᵀ</c>. Computed independently of
    /// the generated code, by the double-precision reference (<see cref="ReferenceModel"/> with <c>Layers = 0</c>), over the
    /// same fixed batches as <see cref="Loss"/>. A model whose residual branches all start at zero
    /// (<see cref="OutputInit.Zero"/>) computes exactly this function at step 0.
    /// </summary>
    public static double EmbeddingOnlyLoss(LanguageModel model, int[] source, int batches, int batch, int time)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        var stem = model.Description with { Name = model.Description.Name + "EmbeddingOnly", Layers = 0 };
        var layout = Layouts.Model(stem);
        var p = new double[layout.Count == 0 ? 0 : layout[^1].Offset + layout[^1].Count];
        foreach (var t in layout)
        {
            var from = model.Parameters[t.Name];
            for (int i = 0; i < from.Length; i++) p[t.Offset + i] = from[i];
        }
        var tokens = new int[batch * time];
        var targets = new int[batch * time];
        double sum = 0;
        for (int i = 0; i < batches; i++)
        {
            TextCorpus.FixedBatch(source, i, batches, tokens, targets, batch, time);
            sum += ReferenceModel.Forward(stem, p, tokens, targets, batch, time).Loss;
        }
        return sum / batches;
    }
}
