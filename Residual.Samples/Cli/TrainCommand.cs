using System;
using System.CommandLine;
using System.IO;
using System.Threading;
using Residual.Checkpoints;

namespace Residual.Samples.Cli;

/// <summary>
/// <c>train</c>: trains <see cref="CharGpt"/> with AdamW (weight decay, warm-up + cosine schedule, gradient clipping) on a
/// text, writing <c>model.safetensors</c>, <c>optimizer.safetensors</c>, <c>metrics.csv</c> and <c>loss.png</c> into
/// <c>--out</c>; <c>--resume</c> continues a saved run bit for bit. A cancelled run (Ctrl+C) saves a checkpoint first.
/// </summary>
public static class TrainCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var defaults = new TrainSettings();
        var data = CommonOptions.Data("to train on; the last 10% is held out for validation");
        var steps = new Option<int?>("--steps") { Description = $"Optimizer steps (default {defaults.Steps}; with --resume, the saved run's total)." };
        var output = new Option<string>("--out") { Description = "Folder for the checkpoint, metrics and plot.", DefaultValueFactory = _ => ResidualCli.DefaultRun };
        var seed = CommonOptions.Seed("the initial weights and the batch order", defaults.Seed);
        var batch = new Option<int>("--batch") { Description = "Sequences per batch.", DefaultValueFactory = _ => defaults.Batch };
        var learningRate = new Option<float>("--learning-rate") { Description = "Peak learning rate.", DefaultValueFactory = _ => defaults.LearningRate };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints (one is also written at the end).", DefaultValueFactory = _ => defaults.CheckpointEvery };
        var resume = new Option<bool>("--resume") { Description = "Continue the run saved in --out, with its settings." };
        var prompt = new Option<string>("--prompt") { Description = "Text the trained model continues at the end.", DefaultValueFactory = _ => defaults.Prompt };
        var sampleLength = new Option<int>("--sample-length") { Description = "Characters to generate at the end (0: none).", DefaultValueFactory = _ => defaults.SampleLength };

        var command = new Command("train", "Train the character-level GPT on a text and save a checkpoint, metrics and a loss plot.")
        {
            data, steps, output, seed, batch, learningRate, checkpointEvery, resume, prompt, sampleLength,
        };
        command.SetAction((result, cancellation) => System.Threading.Tasks.Task.FromResult(ResidualCli.Guard(result, writer =>
        {
            var run = new TrainingCheckpoint(result.GetValue(output)!);
            TrainSettings settings;
            if (result.GetValue(resume))
            {
                if (!run.Exists) throw new FileNotFoundException($"--resume: {run.Folder} has no checkpoint ({Path.GetFileName(run.ModelPath)} and {Path.GetFileName(run.OptimizerPath)}).");
                settings = run.ReadSettings(result.GetValue(steps));
            }
            else
            {
                settings = defaults with
                {
                    Steps = result.GetValue(steps) ?? defaults.Steps,
                    Seed = result.GetValue(seed),
                    Batch = result.GetValue(batch),
                    LearningRate = result.GetValue(learningRate),
                    MinLearningRate = Math.Min(defaults.MinLearningRate, result.GetValue(learningRate)),
                    WarmupSteps = Math.Min(defaults.WarmupSteps, Math.Max(0, (result.GetValue(steps) ?? defaults.Steps) - 1)),
                    CheckpointEvery = result.GetValue(checkpointEvery),
                };
            }
            settings = settings with { Prompt = result.GetValue(prompt)!, SampleLength = result.GetValue(sampleLength) };
            if (settings.SampleLength < 0) throw new ArgumentOutOfRangeException("--sample-length", settings.SampleLength, "--sample-length must not be negative.");
            return Train(run, result.GetValue(data), settings, result.GetValue(resume), writer, cancellation);
        })));
        return command;
    }

    private static int Train(TrainingCheckpoint run, string? dataPath, TrainSettings settings, bool resume, TextWriter output, CancellationToken cancellation)
    {
        var corpus = CommonOptions.Corpus(dataPath, settings.ValidationFraction, settings.Time);
        var model = new CharGpt(new ModelOptions { Seed = settings.Seed });
        var trainer = new Trainer(model, corpus, settings);
        if (resume) run.Resume(trainer);
        MetricsLog.Start(run.MetricsPath, trainer.Step);

        var view = TrainingView.For(output);
        view.SetTokensPerStep(settings.Batch * settings.Time);
        ModelSummary.Write(model, output);
        var adam = trainer.Optimizer.Options;
        output.WriteLine($"Text: {corpus.Name}, {corpus.Characters:N0} characters → {corpus.Train.Length:N0} training and {corpus.Validation.Length:N0} validation tokens");
        output.WriteLine($"Training: {settings.Steps} steps of {settings.Batch}×{settings.Time} tokens, seed {settings.Seed}; AdamW (β1 {adam.Beta1}, β2 {adam.Beta2}, weight decay {adam.WeightDecay}),");
        output.WriteLine($"  learning rate {settings.LearningRate:G3} after {settings.WarmupSteps} warm-up steps, cosine down to {settings.MinLearningRate:G3}; gradients clipped to norm {settings.ClipNorm}");
        output.WriteLine(resume
            ? $"Resuming {run.Folder} at step {trainer.Step}."
            : $"Writing to {run.Folder}. An untrained model scores about ln({CharGpt.Vocab}) = {MathF.Log(CharGpt.Vocab):F3}; train is the mean over the steps since the last line.");
        output.WriteLine();

        TrainReport? last = null;
        var outcome = view.Show(trainer.Step, settings.Steps, () => trainer.Run(
            report: r =>
            {
                last = r;
                MetricsLog.Append(run.MetricsPath, r);
                view.Report(r);
            },
            afterStep: view.Step,
            checkpoint: () => run.Save(trainer),
            cancellation: cancellation));
        run.Save(trainer);

        if (!outcome.Completed)
        {
            output.WriteLine($"Stopped after step {trainer.Step} of {settings.Steps}; checkpoint saved to {run.ModelPath}.");
            output.WriteLine($"Continue with: train --resume --out {run.Folder}");
            return 130;
        }
        LossPlot.Save(MetricsLog.Read(run.MetricsPath), run.PlotPath, $"{CharGpt.Description.Name} on {corpus.Name}");
        long tokens = (long)outcome.Steps * settings.Batch * settings.Time;
        if (outcome.Steps > 0) output.WriteLine($"Trained on {tokens:N0} tokens in {outcome.Seconds:F1} s: {tokens / Math.Max(outcome.Seconds, 1e-9):N0} tokens/s.");
        if (last is not null) output.WriteLine($"Final losses: train {last.TrainLoss:F4}, validation {last.ValidationLoss:F4}.");
        output.WriteLine($"Checkpoint: {run.ModelPath} (optimizer: {run.OptimizerPath}); metrics: {run.MetricsPath}; plot: {run.PlotPath}");

        if (settings.SampleLength > 0)
        {
            var generated = model.Generate(CharVocabulary.Encode(settings.Prompt), settings.SampleLength, settings.Temperature, topK: 0, seed: settings.Seed);
            output.WriteLine();
            output.WriteLine($"Sample ({settings.SampleLength} characters after the prompt, temperature {settings.Temperature}, seed {settings.Seed}):");
            output.WriteLine("----");
            output.WriteLine(settings.Prompt + CharVocabulary.Decode(generated));
            output.WriteLine("----");
            output.WriteLine($"More: sample --checkpoint {run.ModelPath} --prompt \"...\" --temperature 0.8 --top-k 10 --seed 2");
        }
        return 0;
    }
}
