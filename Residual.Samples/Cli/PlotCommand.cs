using System.CommandLine;
using System.IO;

namespace Residual.Samples.Cli;

/// <summary><c>plot</c>: a PNG of training and validation loss against steps, from a run's <c>metrics.csv</c>.</summary>
public static class PlotCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var metrics = new Option<string>("--metrics") { Description = "A metrics.csv written by train.", DefaultValueFactory = _ => Path.Combine(ResidualCli.DefaultRun, "metrics.csv") };
        var output = new Option<string?>("--out") { Description = "The PNG to write (default: loss.png beside the metrics)." };

        var command = new Command("plot", "Plot training and validation loss against steps.") { metrics, output };
        command.SetAction(result => ResidualCli.Guard(result, writer =>
        {
            string source = result.GetValue(metrics)!;
            string png = result.GetValue(output) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(source))!, "loss.png");
            var rows = MetricsLog.Read(source);
            LossPlot.Save(rows, png, $"{CharGpt.Description.Name}: {rows.Count} reports from {Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(source)))}");
            writer.WriteLine($"Wrote {png}");
            return 0;
        }));
        return command;
    }
}
