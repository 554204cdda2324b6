using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Residual.Samples.Experiments;

/// <summary>
/// Writes <c>report.md</c>: the settings, a table per measurement and a reading of each, worded from the numbers
/// of this run (whatever they show), with the plots inline.
/// </summary>
public static class ReportWriter
{
    /// <summary>File name of the report inside the output folder.</summary>
    public const string FileName = "report.md";

    /// <summary>Writes the report into <paramref name="folder"/> and returns its path.</summary>
    public static string Write(ExperimentResults results, string folder)
    {
        ArgumentNullException.ThrowIfNull(results);
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, FileName);
        File.WriteAllText(path, Render(results));
        return path;
    }

    /// <summary>The report as Markdown.</summary>
    public static string Render(ExperimentResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var s = results.Settings;
        var w = new StringBuilder();
        w.AppendLine("# Depth experiments: residual, plain, pre-norm and post-norm wiring");
        w.AppendLine();
        w.AppendLine($"Written by `Residual.Samples experiments{(s.IsQuick ? " --quick" : "")}` in {results.Seconds:F0} s ({s.Jobs} run{(s.Jobs == 1 ? "" : "s")} at a time). "
            + "Every model is declared with the DSL (`Residual.Samples/Experiments/Models/`): the same block, "
            + $"width {DepthModels.Width}, attention with {DepthModels.Heads} heads and a GELU feed-forward of {DepthModels.Hidden}, "
            + $"in each wiring, stacked {Join(s.Depths)} times between a character embedding (vocabulary {CharVocabulary.Size}, context {DepthModels.Context}) and a final LayerNorm with a tied head.");
        w.AppendLine();
        w.AppendLine("| wiring | one block computes |");
        w.AppendLine("|---|---|");
        foreach (var wiring in s.Wirings) w.AppendLine($"| {wiring.Label()} | `{wiring.Formula()}` |");
        w.AppendLine();
        w.AppendLine($"Data: {results.Corpus}. Every model starts from seed {s.Seed} and sees the same batches in the same order: "
            + $"{s.Steps} AdamW steps of {s.Batch}×{s.Time} characters, learning rate {F(s.LearningRate)} after {s.WarmupSteps} warm-up steps, cosine to {F(s.MinLearningRate)}, "
            + $"weight decay {F(s.WeightDecay)}, gradients clipped to norm {F(s.ClipNorm)}. Losses are means over {s.EvaluationBatches} fixed batches "
            + $"(natural log; an untrained model scores about ln {CharVocabulary.Size} = {Math.Log(CharVocabulary.Size):F3}).");
        w.AppendLine();

        Gradients(w, results);
        Losses(w, results);
        ZeroInit(w, results);
        return w.ToString();
    }

    private static void Gradients(StringBuilder w, ExperimentResults results)
    {
        var s = results.Settings;
        w.AppendLine("## 1. Gradients at initialisation, layer by layer");
        w.AppendLine();
        w.AppendLine($"One forward and backward pass of each freshly initialised model on {s.GradientBatch}×{s.Time} fixed training characters. "
            + "`‖dL/dx‖` is the residual stream's gradient entering layer l (`LanguageModel.StreamGradientNorms`; l = 0 is the embedding output, the last row the stream leaving the top layer); "
            + "`‖dL/dθ‖` is the gradient of all parameters of layer l. Compare Xiong et al. (2020), *On Layer Normalization in the Transformer Architecture*, Figure 3.");
        w.AppendLine();
        foreach (var init in s.GradientInits)
        foreach (int depth in s.GradientDepths)
        {
            var measured = s.Wirings.Select(x => results.Gradient(x, depth, init)).OfType<LayerGradients>().ToArray();
            w.AppendLine($"### {depth} layers, {init.Label}");
            w.AppendLine();
            w.AppendLine($"![stream gradient per layer]({ExperimentPlots.GradientFile(depth, init, true)})");
            w.AppendLine($"![parameter gradient per layer]({ExperimentPlots.GradientFile(depth, init, false)})");
            w.AppendLine();
            w.AppendLine("| wiring | loss at init | ‖dL/dθ‖ first layer | ‖dL/dθ‖ last layer | first / last | ‖dL/dx‖ entering layer 0 | ‖dL/dx‖ leaving the top | bottom / top |");
            w.AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (var g in measured)
                w.AppendLine($"| {g.Wiring.Label()} | {g.Loss:F3} | {E(g.Parameters[0])} | {E(g.Parameters[^1])} | {E(g.FirstOverLast)} | {E(g.Stream[0])} | {E(g.Stream[^1])} | {E(g.Stream[0] / g.Stream[^1])} |");
            w.AppendLine();
            w.AppendLine("<details><summary>Every layer</summary>");
            w.AppendLine();
            w.AppendLine("| l | " + string.Join(" | ", measured.Select(g => $"‖dL/dx‖ {g.Wiring.Key()}")) + " | " + string.Join(" | ", measured.Select(g => $"‖dL/dθ‖ {g.Wiring.Key()}")) + " |");
            w.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", 2 * measured.Length)));
            for (int l = 0; l <= depth; l++)
                w.AppendLine($"| {l} | " + string.Join(" | ", measured.Select(g => E(g.Stream[l]))) + " | " + string.Join(" | ", measured.Select(g => l < depth ? E(g.Parameters[l]) : ""))+ " |");
            w.AppendLine();
            w.AppendLine("</details>");
            w.AppendLine();
            w.AppendLine("**Reading.** " + ReadGradients(measured, depth));
            w.AppendLine();
        }
    }

    private static string ReadGradients(IReadOnlyList<LayerGradients> measured, int depth)
    {
        var parts = new List<string>();
        foreach (var g in measured)
        {
            double r = g.FirstOverLast;
            string shape = r switch
            {
                double.NaN => "could not be compared (a gradient is zero or not finite)",
                < 1e-2 => $"the first layer's parameter gradient is {E(r)} of the last one's: it vanishes by {Math.Log10(1 / r):F1} orders of magnitude on the way down",
                < 0.25 => $"the first layer's parameter gradient is {E(r)}× the last one's: it shrinks towards the input",
                <= 4 => $"the first layer's parameter gradient is {E(r)}× the last one's: flat within a factor of {Math.Max(r, 1 / r):F1}",
                _ => $"the first layer's parameter gradient is {E(r)}× the last one's: it grows towards the input",
            };
            double st = g.Stream[0] / g.Stream[^1];
            string stream = !double.IsFinite(st) ? "" : $", and the stream gradient entering layer 0 is {E(st)}× the one leaving the top";
            parts.Add($"{g.Wiring.Label()}: {shape}{stream}");
        }
        var pre = measured.FirstOrDefault(g => g.Wiring == Wiring.PreNorm);
        var post = measured.FirstOrDefault(g => g.Wiring == Wiring.PostNorm);
        string xiong = "";
        if (pre is not null && post is not null)
        {
            bool preFlat = pre.FirstOverLast is > 0.25 and < 4;
            bool postGrowsUp = post.FirstOverLast < 1;
            xiong = preFlat && postGrowsUp
                ? " This is the shape of Xiong et al.'s Figure 3: pre-norm gradients stay level across layers, post-norm gradients are largest at the top layers."
                : preFlat
                    ? $" Pre-norm stays level as in Xiong et al.'s Figure 3; post-norm, which they find largest at the top layers, is here {(post.FirstOverLast >= 1 ? "not" : "only mildly")} so (first/last {E(post.FirstOverLast)}) at this width and depth."
                    : $" Pre-norm is not level here (first/last {E(pre.FirstOverLast)}), unlike Xiong et al.'s Figure 3.";
        }
        return $"At {depth} layers, " + string.Join("; ", parts) + "." + xiong;
    }

    private static void Losses(StringBuilder w, ExperimentResults results)
    {
        var s = results.Settings;
        w.AppendLine("## 2. Loss after a fixed budget, against depth");
        w.AppendLine();
        w.AppendLine($"Default initialisation, {s.Steps} steps. The degradation problem of He et al. (2016), *Deep Residual Learning for Image Recognition*, Figure 1: "
            + "a deeper plain network ends with a higher *training* loss than a shallower one, which no amount of overfitting explains; residual connections remove it.");
        w.AppendLine();
        w.AppendLine($"![loss against depth]({ExperimentPlots.LossFile})");
        w.AppendLine();
        w.AppendLine("| layers | " + string.Join(" | ", s.Wirings.Select(x => $"{x.Label()}: train / val")) + " |");
        w.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", s.Wirings.Count)));
        foreach (int d in s.Depths)
            w.AppendLine($"| {d} | " + string.Join(" | ", s.Wirings.Select(x => results.Run(x, d, BranchInit.Default) is { } r ? $"{L(r.FinalTrain)} / {L(r.FinalValidation)}" : "")) + " |");
        w.AppendLine();
        w.AppendLine("**Reading.** " + ReadLosses(results));
        w.AppendLine();
    }

    private static string ReadLosses(ExperimentResults results)
    {
        var s = results.Settings;
        int shallow = s.Depths.Min(), deep = s.Depths.Max();
        var parts = new List<string>();
        foreach (var wiring in s.Wirings)
        {
            var runs = s.Depths.Select(d => results.Run(wiring, d, BranchInit.Default)).OfType<TrainingRun>().ToArray();
            var a = results.Run(wiring, shallow, BranchInit.Default);
            var b = results.Run(wiring, deep, BranchInit.Default);
            if (a is null || b is null) continue;
            var best = runs.Where(r => double.IsFinite(r.FinalTrain)).OrderBy(r => r.FinalTrain).FirstOrDefault();
            string trend = !double.IsFinite(b.FinalTrain)
                ? $"the {deep}-layer run diverged"
                : b.FinalTrain > a.FinalTrain + 0.02
                    ? $"training loss rises from {a.FinalTrain:F3} at {shallow} layers to {b.FinalTrain:F3} at {deep} (degradation)"
                    : b.FinalTrain < a.FinalTrain - 0.02
                        ? $"training loss falls from {a.FinalTrain:F3} at {shallow} layers to {b.FinalTrain:F3} at {deep}"
                        : $"training loss is about the same at {shallow} and {deep} layers ({a.FinalTrain:F3} and {b.FinalTrain:F3})";
            string optimum = best is null ? "" : $", best at {best.Depth} layers ({best.FinalTrain:F3})";
            parts.Add($"{wiring.Label()}: {trend}{optimum}");
        }
        string verdict = "";
        var plainDeep = results.Run(Wiring.Plain, deep, BranchInit.Default);
        var preDeep = results.Run(Wiring.PreNorm, deep, BranchInit.Default);
        var plainShallow = results.Run(Wiring.Plain, shallow, BranchInit.Default);
        if (plainDeep is not null && preDeep is not null && plainShallow is not null)
        {
            bool degraded = !double.IsFinite(plainDeep.FinalTrain) || plainDeep.FinalTrain > plainShallow.FinalTrain + 0.02;
            verdict = degraded
                ? $" The plain stack degrades with depth as He et al. report, while at {deep} layers the pre-norm residual stack trains to {L(preDeep.FinalTrain)} against the plain stack's {L(plainDeep.FinalTrain)}."
                : $" At this scale and budget the plain stack does not degrade between {shallow} and {deep} layers ({L(plainShallow.FinalTrain)} → {L(plainDeep.FinalTrain)}), so He et al.'s Figure 1 is not reproduced here; the pre-norm residual stack reaches {L(preDeep.FinalTrain)} at {deep} layers.";
        }
        var gaps = s.Wirings.SelectMany(x => s.Depths.Select(d => results.Run(x, d, BranchInit.Default))).OfType<TrainingRun>()
            .Where(r => double.IsFinite(r.FinalTrain) && double.IsFinite(r.FinalValidation)).Select(r => r.FinalValidation - r.FinalTrain).ToArray();
        string generalisation = gaps.Length == 0 ? "" : $" Validation minus training loss ranges from {gaps.Min():F3} to {gaps.Max():F3} over these runs.";
        return string.Join("; ", parts) + "." + verdict + generalisation;
    }

    private static void ZeroInit(StringBuilder w, ExperimentResults results)
    {
        var s = results.Settings;
        w.AppendLine("## 3. Zero-initialised residual-branch outputs against the default");
        w.AppendLine();
        w.AppendLine("`ModelOptions.OutputInit = Zero` starts every branch's output projection (`attn.c_proj`, `mlp.c_proj`) at zero, so with a residual every block starts as the identity "
            + "and the model starts as its *embedding-only* version, `logits = ln_f(wte[token] + wpe[position])·wteᵀ`. That model's loss is computed independently of the generated code, "
            + "by the double-precision reference with `Layers = 0` on the same weights and batches (column *embedding-only*). The default is GPT-2's `0.02/sqrt(2·Layers)`.");
        w.AppendLine();
        w.AppendLine($"![zero init against default]({ExperimentPlots.ZeroInitFile})");
        w.AppendLine();
        w.AppendLine("| wiring | layers | val at step 0, default | val at step 0, zero-init | embedding-only | val after budget, default | val after budget, zero-init |");
        w.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var wiring in s.Wirings)
            foreach (int d in s.Depths)
            {
                var a = results.Run(wiring, d, BranchInit.Default);
                var z = results.Run(wiring, d, BranchInit.Zero);
                if (a is null || z is null) continue;
                w.AppendLine($"| {wiring.Label()} | {d} | {L(a.InitialValidation)} | {L(z.InitialValidation)} | {L(z.EmbeddingOnlyValidation)} | {L(a.FinalValidation)} | {L(z.FinalValidation)} |");
            }
        w.AppendLine();
        w.AppendLine("**Reading.** " + ReadZeroInit(results));
        w.AppendLine();
    }

    private static string ReadZeroInit(ExperimentResults results)
    {
        var s = results.Settings;
        var parts = new List<string>();
        foreach (var wiring in s.Wirings)
        {
            var zero = s.Depths.Select(d => results.Run(wiring, d, BranchInit.Zero)).OfType<TrainingRun>().ToArray();
            var pairs = s.Depths.Select(d => (a: results.Run(wiring, d, BranchInit.Default), z: results.Run(wiring, d, BranchInit.Zero)))
                .Where(p => p.a is not null && p.z is not null).Select(p => (a: p.a!, z: p.z!)).ToArray();
            if (zero.Length == 0) continue;
            double gap = zero.Max(r => Math.Abs(r.InitialValidation - r.EmbeddingOnlyValidation));
            string start = gap <= 1e-4
                ? $"at step 0 the zero-init model's loss equals the embedding-only loss at every depth (largest difference {E(gap)}, float against double)"
                : $"at step 0 the zero-init model's loss differs from the embedding-only loss by up to {gap:F4}";
            var finite = pairs.Where(p => double.IsFinite(p.a.FinalValidation) && double.IsFinite(p.z.FinalValidation)).ToArray();
            int zeroBetter = finite.Count(p => p.z.FinalValidation < p.a.FinalValidation - 0.01);
            int defaultBetter = finite.Count(p => p.a.FinalValidation < p.z.FinalValidation - 0.01);
            double meanDelta = finite.Length == 0 ? double.NaN : finite.Average(p => p.z.FinalValidation - p.a.FinalValidation);
            string after = finite.Length == 0
                ? "no depth trained to a finite loss with both initialisations"
                : $"after the budget zero-init is better at {zeroBetter}, worse at {defaultBetter} and within 0.01 at {finite.Length - zeroBetter - defaultBetter} of {finite.Length} depths (mean change {meanDelta:+0.000;-0.000})";
            int diverged = pairs.Count(p => !double.IsFinite(p.a.FinalValidation)) + pairs.Count(p => !double.IsFinite(p.z.FinalValidation));
            parts.Add($"{wiring.Label()}: {start}; {after}{(diverged > 0 ? $"; {diverged} run(s) diverged" : "")}");
        }
        if (s.Wirings.Contains(Wiring.Plain))
            parts.Add("The plain stack is not in this table: none of its output projections feeds a residual, and a plain sublayer's output projection never starts at zero "
                + "(nothing would flow past it, `Layouts.OutputInit`), so `OutputInit.Zero` leaves it unchanged");
        return string.Join(". ", parts) + ".";
    }

    private static string Join(IEnumerable<int> xs) => string.Join(", ", xs);

    private static string F(float x) => x.ToString("G3", CultureInfo.InvariantCulture);

    private static string L(double x) => double.IsFinite(x) ? x.ToString("F3", CultureInfo.InvariantCulture) : "diverged";

    private static string E(double x) => !double.IsFinite(x) ? "n/a" : x.ToString(Math.Abs(x) is >= 0.01 and < 1000 || x == 0 ? "G3" : "0.00e0", CultureInfo.InvariantCulture);
}
