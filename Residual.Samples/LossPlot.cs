using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScottPlot;

namespace Residual.Samples;

/// <summary>Draws training and validation loss against steps (ScottPlot) into a PNG.</summary>
public static class LossPlot
{
    /// <summary>Writes the plot of <paramref name="reports"/> to <paramref name="path"/> (a temporary file, then a rename).</summary>
    /// <param name="reports">The rows of a metrics file, at least one.</param>
    /// <param name="path">The PNG to write.</param>
    /// <param name="title">The plot's title.</param>
    public static void Save(IReadOnlyList<TrainReport> reports, string path, string title)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (reports.Count == 0) throw new ArgumentException("There are no metrics to plot.", nameof(reports));
        double[] steps = reports.Select(r => (double)r.Step).ToArray();
        var plot = new Plot();
        var train = plot.Add.Scatter(steps, reports.Select(r => (double)r.TrainLoss).ToArray());
        train.LegendText = "train (mean since the previous point)";
        var validation = plot.Add.Scatter(steps, reports.Select(r => (double)r.ValidationLoss).ToArray());
        validation.LegendText = "validation";
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel("cross-entropy (nats per character)");
        plot.ShowLegend(Alignment.UpperRight);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".tmp.png";
        plot.SavePng(temp, 900, 540);
        File.Move(temp, full, overwrite: true);
    }
}
