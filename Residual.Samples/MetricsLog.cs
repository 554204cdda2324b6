using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Residual.Samples;

/// <summary>
/// The metrics file of a run: CSV with the header <c>step,train_loss,val_loss,learning_rate,grad_norm,tokens_per_second</c>
/// and one row per <see cref="TrainReport"/>, numbers in invariant culture (<c>tokens_per_second</c> is empty where it
/// was not measured). Rows are appended and flushed as training goes.
/// </summary>
public static class MetricsLog
{
    /// <summary>The header line.</summary>
    public const string Header = "step,train_loss,val_loss,learning_rate,grad_norm,tokens_per_second";

    /// <summary>
    /// Prepares <paramref name="path"/> for a run that starts at <paramref name="fromStep"/>: a new file with the header at
    /// step 0; on a resume, the rows up to that step are kept and later ones (written after the checkpoint) dropped.
    /// </summary>
    public static void Start(string path, int fromStep)
    {
        var kept = fromStep > 0 && File.Exists(path) ? Read(path).Where(r => r.Step <= fromStep).ToList() : [];
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var writer = new StreamWriter(path, append: false);
        writer.WriteLine(Header);
        foreach (var r in kept) writer.WriteLine(Row(r));
    }

    /// <summary>Appends one report.</summary>
    public static void Append(string path, TrainReport report)
    {
        using var writer = new StreamWriter(path, append: true);
        writer.WriteLine(Row(report));
    }

    /// <summary>Reads every row.</summary>
    /// <exception cref="InvalidDataException">The file is not a metrics file (the message names the line).</exception>
    public static IReadOnlyList<TrainReport> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0].Trim() != Header)
            throw new InvalidDataException($"{path}: the first line must be the header '{Header}'.");
        var rows = new List<TrainReport>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var f = lines[i].Split(',');
            if (f.Length != 6) throw new InvalidDataException($"{path}:{i + 1}: expected 6 comma-separated fields, found {f.Length}.");
            try
            {
                rows.Add(new TrainReport(
                    int.Parse(f[0], CultureInfo.InvariantCulture),
                    float.Parse(f[1], CultureInfo.InvariantCulture),
                    float.Parse(f[2], CultureInfo.InvariantCulture),
                    float.Parse(f[3], CultureInfo.InvariantCulture),
                    float.Parse(f[4], CultureInfo.InvariantCulture),
                    f[5].Length == 0 ? double.NaN : double.Parse(f[5], CultureInfo.InvariantCulture)));
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"{path}:{i + 1}: {e.Message}", e);
            }
        }
        return rows;
    }

    private static string Row(TrainReport r)
    {
        string F(float x) => x.ToString("R", CultureInfo.InvariantCulture);
        string tps = double.IsNaN(r.TokensPerSecond) ? "" : r.TokensPerSecond.ToString("F0", CultureInfo.InvariantCulture);
        return $"{r.Step.ToString(CultureInfo.InvariantCulture)},{F(r.TrainLoss)},{F(r.ValidationLoss)},{F(r.LearningRate)},{F(r.GradientNorm)},{tps}";
    }
}
