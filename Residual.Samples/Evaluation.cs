using System;
using System.IO;
using Residual.Checkpoints;

namespace Residual.Samples;

/// <summary>Scores a model on a text: the mean cross-entropy over every next-character prediction.</summary>
public static class Evaluation
{
    /// <summary>
    /// Mean loss (nats per character) of predicting each token of <paramref name="tokens"/> from the ones before it, in
    /// consecutive windows of the model's Context (each window starts fresh), <paramref name="batch"/> windows per pass.
    /// Every token after the first is predicted exactly once.
    /// </summary>
    public static double Loss(LanguageModel model, int[] tokens, int batch = 8)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Length < 2) throw new ArgumentException("At least two tokens are needed to predict one.", nameof(tokens));
        int time = model.Description.Context;
        int predictions = tokens.Length - 1, full = predictions / time, rest = predictions % time;
        var input = new int[batch * time];
        var target = new int[batch * time];
        double sum = 0;
        for (int w = 0; w < full; w += batch)
        {
            int b = Math.Min(batch, full - w);
            for (int i = 0; i < b; i++)
            {
                tokens.AsSpan((w + i) * time, time).CopyTo(input.AsSpan(i * time));
                tokens.AsSpan((w + i) * time + 1, time).CopyTo(target.AsSpan(i * time));
            }
            sum += (double)model.Forward(input.AsSpan(0, b * time), target.AsSpan(0, b * time), b, time) * b * time;
        }
        if (rest > 0)
            sum += (double)model.Forward(tokens.AsSpan(full * time, rest), tokens.AsSpan(full * time + 1, rest), 1, rest) * rest;
        return sum / predictions;
    }

    /// <summary>
    /// Runs the model on the first Context tokens of <paramref name="tokens"/> and writes them and the logits to a
    /// safetensors file (<c>tokens</c> as F32 ids, <c>logits</c> [time, vocab]) for comparing with another implementation
    /// (<c>tools/load_in_pytorch.py</c>).
    /// </summary>
    public static void DumpLogits(LanguageModel model, int[] tokens, string path)
    {
        int time = Math.Min(model.Description.Context, tokens.Length);
        var window = tokens.AsSpan(0, time);
        model.Forward(window, 1, time);
        var ids = new float[time];
        for (int i = 0; i < time; i++) ids[i] = window[i];
        using var stream = File.Create(path);
        SafeTensors.Write(stream,
        [
            new SafeTensorData("tokens", [time], ids),
            new SafeTensorData("logits", [time, model.Description.Vocab], model.Logits.ToArray()),
        ]);
    }
}
