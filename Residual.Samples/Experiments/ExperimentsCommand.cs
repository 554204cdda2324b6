using System;
using System.CommandLine;
using System.IO;
using System.Linq;

namespace Residual.Samples.Experiments;

/// <summary>
/// The <c>experiments</c> verb: trains the same block in four wirings at several depths and writes PNG plots and a
/// Markdown report (<c>report.md</c>) into the folder given with <c>--out</c>.
/// </summary>
public static class ExperimentsCommand
{
    /// <summary>Creates the verb with its options.</summary>
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out", "-o")
        {
            Description = "Folder for report.md and the PNG plots (created if missing).",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("runs", "experiments")),
        };
        var quick = new Option<bool>("--quick")
        {
            Description = "Fewer depths (2, 4, 8, 16) and steps (150): finishes in under two minutes on two cores.",
        };
        var steps = new Option<int?>("--steps")
        {
            Description = "Training steps per run (overrides the preset: 400 full, 150 quick).",
        };
        var depths = new Option<int[]>("--depths")
        {
            Description = $"Depths to train (overrides the preset; declared: {string.Join(", ", DepthModels.Depths)}).",
            AllowMultipleArgumentsPerToken = true,
        };
        var jobs = new Option<int?>("--jobs", "-j")
        {
            Description = "Runs trained at once (default: one per processor). Results do not depend on it.",
        };
        var learningRate = new Option<float?>("--learning-rate")
        {
            Description = "Peak AdamW learning rate (default 1e-2).",
        };
        var initStd = new Option<float?>("--init-std")
        {
            Description = "Standard deviation of normally initialised weights (default 0.02, GPT-2's).",
        };
        var seed = new Option<ulong?>("--seed")
        {
            Description = "Seed of the weights and the batch order (default 1).",
        };

        var command = new Command("experiments", "Depth experiments: the same block with per-sublayer pre-norm or post-norm residuals, one residual around the whole block, or none, at several depths; gradients at initialisation, loss after a fixed budget, zero-initialised branches. Writes PNG plots and report.md.")
        {
            output, quick, steps, depths, jobs, learningRate, initStd, seed,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(steps) is <= 0) result.AddError("--steps must be positive.");
            if (result.GetValue(jobs) is <= 0) result.AddError("--jobs must be positive.");
            if (result.GetValue(learningRate) is float lr && !(lr > 0 && float.IsFinite(lr))) result.AddError("--learning-rate must be positive.");
            if (result.GetValue(initStd) is float std && !(std > 0 && float.IsFinite(std))) result.AddError("--init-std must be positive.");
            foreach (int d in result.GetValue(depths) ?? [])
                if (!DepthModels.Depths.Contains(d))
                    result.AddError($"--depths {d}: no model is declared at that depth; declared: {string.Join(", ", DepthModels.Depths)}.");
        });
        command.SetAction(parse =>
        {
            var settings = parse.GetValue(quick) ? ExperimentSettings.Quick : ExperimentSettings.Full;
            if (parse.GetValue(steps) is int n) settings = settings with { Steps = n, WarmupSteps = Math.Min(settings.WarmupSteps, n / 10) };
            if (parse.GetValue(depths) is { Length: > 0 } ds)
                settings = settings with { Depths = ds.Distinct().Order().ToArray(), GradientDepths = [ds.Max()] };
            if (parse.GetValue(jobs) is int j) settings = settings with { Jobs = j };
            if (parse.GetValue(learningRate) is float lr) settings = settings with { LearningRate = lr, MinLearningRate = lr / 10 };
            if (parse.GetValue(initStd) is float std) settings = settings with { InitStd = std };
            if (parse.GetValue(seed) is ulong sd) settings = settings with { Seed = sd };
            var folder = parse.GetValue(output)!;
            return Run(settings, folder.FullName, Console.Out);
        });
        return command;
    }

    /// <summary>Runs the experiments with <paramref name="settings"/> and writes the plots and the report into <paramref name="folder"/>.</summary>
    /// <returns>The process exit code (0).</returns>
    public static int Run(ExperimentSettings settings, string folder, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        log.WriteLine($"Depth experiments{(settings.IsQuick ? " (quick)" : "")}: wirings {string.Join(", ", settings.Wirings.Select(w => w.Key()))}; "
            + $"depths {string.Join(", ", settings.Depths)}; {settings.Steps} steps of {settings.Batch}×{settings.Time}; {settings.Jobs} at a time.");
        var results = new ExperimentRunner(settings, log).Run();
        var plots = ExperimentPlots.WriteAll(results, folder);
        string report = ReportWriter.Write(results, folder);
        log.WriteLine($"Wrote {report} and {plots.Count} plots in {results.Seconds:F0} s.");
        return 0;
    }
}
