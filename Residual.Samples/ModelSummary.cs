using System;
using System.IO;
using System.Linq;
using Residual.Training;

namespace Residual.Samples;

/// <summary>Writes a declared model as a reader would want to see it: topology, sizes and tensors.</summary>
public static class ModelSummary
{
    /// <summary>Writes the declaration, the parameter count and the tensor layout (layer 0 standing for every layer).</summary>
    public static void Write(LanguageModel model, TextWriter output)
    {
        var d = model.Description;
        var block = d.Block;
        output.WriteLine($"Model {d.Name}: {d.Layers} × {block.Name}, width {block.Width}, vocabulary {d.Vocab}, context {d.Context}, final norm {d.FinalNorm}");
        output.WriteLine("  x = wte[token] + wpe[position]");
        foreach (var sub in block.Sublayers) output.WriteLine("  " + Formula(sub));
        output.WriteLine($"  ... {d.Layers} times, then x = {d.FinalNorm}(x) (ln_f), logits = x·wteᵀ (tied head)");

        var tensors = model.Parameters.Tensors;
        int decayed = tensors.Where(Optimizer.IsDecayed).Sum(t => t.Count);
        output.WriteLine($"Parameters: {model.Parameters.Count:N0} floats in {tensors.Count} tensors ({decayed:N0} in weight-decayed matrices)");
        foreach (var t in tensors.Where(t => !t.Name.StartsWith("h.", StringComparison.Ordinal) || t.Name.StartsWith("h.0.", StringComparison.Ordinal)))
            output.WriteLine($"  {t.Name,-24} {t.ShapeText,-10} {t.Count,8:N0}");
        if (d.Layers > 1) output.WriteLine($"  (h.1 … h.{d.Layers - 1} repeat h.0)");
    }

    private static string Formula(SublayerDescription s)
    {
        string f = s.Kind switch
        {
            SublayerKind.Attention => "Attention",
            SublayerKind.FeedForward => "FeedForward",
            _ => s.Member,
        };
        string detail = s.Kind switch
        {
            SublayerKind.Attention => $"{s.Heads} heads",
            SublayerKind.FeedForward => $"hidden {s.Hidden}, {s.Activation.ToString().ToUpperInvariant()}",
            _ => "custom",
        };
        string branch = s.Placement == NormPlacement.Pre ? $"{f}({s.Norm}(x))" : $"{f}(x)";
        string sum = s.Residual ? $"x + {branch}" : branch;
        if (s.Placement == NormPlacement.Post) sum = $"{s.Norm}({sum})";
        return $"x ← {sum,-36} [{s.Member}: {detail}]";
    }
}
