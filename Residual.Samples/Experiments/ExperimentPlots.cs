using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScottPlot;

namespace Residual.Samples.Experiments;

/// <summary>Draws the experiments' PNG plots with ScottPlot: gradient norm per layer (log scale) and loss against depth.</summary>
public static class ExperimentPlots
{
    private const int PlotWidth = 800, PlotHeight = 500;

    /// <summary>One colour per wiring, the same in every plot.</summary>
    private static Color ColorOf(Wiring wiring) => wiring switch
    {
        Wiring.PreNorm => Color.FromHex("#1f77b4"),
        Wiring.PostNorm => Color.FromHex("#ff7f0e"),
        Wiring.WholeBlock => Color.FromHex("#2ca02c"),
        _ => Color.FromHex("#d62728"),
    };

    /// <summary>Writes every plot of <paramref name="results"/> into <paramref name="folder"/> and returns the file names.</summary>
    public static IReadOnlyList<string> WriteAll(ExperimentResults results, string folder)
    {
        ArgumentNullException.ThrowIfNull(results);
        Directory.CreateDirectory(folder);
        var files = new List<string>();
        foreach (var init in results.Settings.GradientInits)
            foreach (int depth in results.Settings.GradientDepths)
            {
                files.Add(GradientPerLayer(results, depth, init, folder, stream: true));
                files.Add(GradientPerLayer(results, depth, init, folder, stream: false));
            }
        files.Add(LossAgainstDepth(results, folder));
        files.Add(ZeroInitAgainstDefault(results, folder));
        return files;
    }

    /// <summary>File name of a gradient plot.</summary>
    public static string GradientFile(int depth, ProbeInit init, bool stream) => $"gradient-{(stream ? "stream" : "parameters")}-depth{depth}-{init.Key}.png";

    /// <summary>File name of the loss-against-depth plot.</summary>
    public const string LossFile = "loss-vs-depth.png";

    /// <summary>File name of the zero-init plot.</summary>
    public const string ZeroInitFile = "zero-init-vs-default.png";

    private static string GradientPerLayer(ExperimentResults results, int depth, ProbeInit init, string folder, bool stream)
    {
        var plot = new Plot();
        foreach (var wiring in results.Settings.Wirings)
        {
            var g = results.Gradient(wiring, depth, init);
            if (g is null) continue;
            var values = stream ? g.Stream : g.Parameters;
            var (xs, ys) = Points(Enumerable.Range(0, values.Length).Select(i => (double)i), values.Select(Log10));
            var line = plot.Add.Scatter(xs, ys, ColorOf(wiring));
            line.LegendText = wiring.Label();
            line.MarkerSize = 5;
            line.LineWidth = 2;
        }
        LogAxis(plot.Axes.Left);
        plot.Title(stream
            ? $"Residual-stream gradient ‖dL/dx‖ at initialisation, {depth} layers, {init.Key} init"
            : $"Parameter gradient ‖dL/dθ‖ per layer at initialisation, {depth} layers, {init.Key} init");
        plot.XLabel(stream ? "stream index l (0 = embedding output, entering layer h.l)" : "layer h.l");
        plot.YLabel(stream ? "‖dL/dx‖ (log scale)" : "‖dL/dθ‖ (log scale)");
        plot.ShowLegend(Alignment.LowerLeft);
        string file = GradientFile(depth, init, stream);
        plot.SavePng(Path.Combine(folder, file), PlotWidth, PlotHeight);
        return file;
    }

    private static string LossAgainstDepth(ExperimentResults results, string folder)
    {
        var plot = new Plot();
        foreach (var wiring in results.Settings.Wirings)
        {
            var runs = results.Settings.Depths.Select(d => results.Run(wiring, d, BranchInit.Default)).OfType<TrainingRun>().ToArray();
            var (xs, ys) = Points(runs.Select(r => Math.Log2(r.Depth)), runs.Select(r => r.FinalValidation));
            var val = plot.Add.Scatter(xs, ys, ColorOf(wiring));
            val.LegendText = wiring.Label() + ", validation";
            val.MarkerSize = 6;
            val.LineWidth = 2;
            var (xt, yt) = Points(runs.Select(r => Math.Log2(r.Depth)), runs.Select(r => r.FinalTrain));
            var train = plot.Add.Scatter(xt, yt, ColorOf(wiring));
            train.LegendText = wiring.Label() + ", training";
            train.LinePattern = LinePattern.Dashed;
            train.MarkerSize = 4;
        }
        DepthAxis(plot, results.Settings.Depths);
        // Short titles: with the legend on the right edge, the title is centred over the narrower data area.
        plot.Title($"Loss after {results.Settings.Steps} steps, by depth");
        plot.YLabel("mean cross-entropy (nats per character)");
        plot.ShowLegend(Edge.Right);
        plot.SavePng(Path.Combine(folder, LossFile), PlotWidth, PlotHeight);
        return LossFile;
    }

    private static string ZeroInitAgainstDefault(ExperimentResults results, string folder)
    {
        var plot = new Plot();
        foreach (var wiring in results.Settings.Wirings)
            foreach (var init in new[] { BranchInit.Default, BranchInit.Zero })
            {
                var runs = results.Settings.Depths.Select(d => results.Run(wiring, d, init)).OfType<TrainingRun>().ToArray();
                if (runs.Length == 0) continue;
                var (xs, ys) = Points(runs.Select(r => Math.Log2(r.Depth)), runs.Select(r => r.FinalValidation));
                var line = plot.Add.Scatter(xs, ys, ColorOf(wiring));
                line.LegendText = $"{wiring.Label()}, {(init == BranchInit.Zero ? "zero-init branches" : "default init")}";
                line.LinePattern = init == BranchInit.Zero ? LinePattern.Dashed : LinePattern.Solid;
                line.MarkerSize = 5;
                line.LineWidth = 2;
            }
        DepthAxis(plot, results.Settings.Depths);
        plot.Title($"Validation loss after {results.Settings.Steps} steps: zero-init dashed");
        plot.YLabel("mean cross-entropy (nats per character)");
        plot.ShowLegend(Edge.Right);
        plot.SavePng(Path.Combine(folder, ZeroInitFile), PlotWidth, PlotHeight);
        return ZeroInitFile;
    }

    /// <summary>Drops points that cannot be drawn (a diverged run's NaN, a zero gradient's −∞).</summary>
    private static (double[] Xs, double[] Ys) Points(IEnumerable<double> xs, IEnumerable<double> ys)
    {
        var kept = xs.Zip(ys).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToArray();
        return (kept.Select(p => p.First).ToArray(), kept.Select(p => p.Second).ToArray());
    }

    private static double Log10(double v) => v > 0 ? Math.Log10(v) : double.NaN;

    /// <summary>Values are log10 of the data: ticks at whole powers of ten, labelled 1e-3, …, with log-spaced minor ticks.</summary>
    private static void LogAxis(IAxis axis)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => $"1e{Math.Round(y):0}",
        };
    }

    /// <summary>x is log2(depth): one labelled tick per depth.</summary>
    private static void DepthAxis(Plot plot, IReadOnlyList<int> depths)
    {
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            depths.Select(d => Math.Log2(d)).ToArray(), depths.Select(d => d.ToString()).ToArray());
        plot.XLabel("layers (log scale)");
    }
}
