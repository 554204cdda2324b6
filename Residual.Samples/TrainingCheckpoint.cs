using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Residual.Checkpoints;

namespace Residual.Samples;

/// <summary>
/// The files of a training run's folder, and saving and resuming a <see cref="Trainer"/> through them:
/// <c>model.safetensors</c> (the weights, GPT-2 names and orientation), <c>optimizer.safetensors</c> (AdamW's moments
/// and step, plus the run's settings and position in <c>__metadata__</c>), <c>metrics.csv</c> and <c>loss.png</c>.
/// </summary>
public sealed class TrainingCheckpoint
{
    /// <summary>The metadata key of the steps done, in both files (a resume checks that they agree).</summary>
    public const string StepKey = "train.step";

    /// <summary>The metadata key naming the tokenizer, so that <c>sample</c> refuses weights trained on other tokens.</summary>
    public const string VocabularyKey = "vocabulary";

    /// <summary>The value of <see cref="VocabularyKey"/>: newline + printable ASCII, see <see cref="CharVocabulary"/>.</summary>
    public const string VocabularyName = "ascii96";

    /// <summary>Uses <paramref name="folder"/> (created on the first save).</summary>
    public TrainingCheckpoint(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Folder = folder;
    }

    /// <summary>The run's folder.</summary>
    public string Folder { get; }

    /// <summary>The weights.</summary>
    public string ModelPath => Path.Combine(Folder, "model.safetensors");

    /// <summary>The optimizer state and the run's position.</summary>
    public string OptimizerPath => Path.Combine(Folder, "optimizer.safetensors");

    /// <summary>One row per report.</summary>
    public string MetricsPath => Path.Combine(Folder, "metrics.csv");

    /// <summary>The loss curve.</summary>
    public string PlotPath => Path.Combine(Folder, "loss.png");

    /// <summary>Whether the folder holds a checkpoint to resume from.</summary>
    public bool Exists => File.Exists(ModelPath) && File.Exists(OptimizerPath);

    /// <summary>Writes the weights, then the optimizer state and position (each file atomically).</summary>
    public void Save(Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        string step = trainer.Step.ToString(CultureInfo.InvariantCulture);
        Checkpoint.Save(trainer.Model, ModelPath,
        [
            new(StepKey, step),
            new(VocabularyKey, VocabularyName),
            new("train.data", trainer.Corpus.Name),
        ]);
        OptimizerCheckpoint.Save(trainer.Model, trainer.Optimizer, OptimizerPath, Position(trainer, step));
    }

    /// <summary>
    /// Reads the settings a run was saved with, from the optimizer file's metadata. <paramref name="steps"/>, when given,
    /// replaces the saved total (the cosine schedule then stretches to the new end).
    /// </summary>
    /// <exception cref="CheckpointException">The file lacks a setting or has one that does not parse.</exception>
    public TrainSettings ReadSettings(int? steps = null)
    {
        var meta = Metadata(Checkpoint.ReadMetadata(OptimizerPath));
        string Get(string key) => meta.TryGetValue(key, out var v) ? v : throw new CheckpointException($"{OptimizerPath}: the metadata has no '{key}'.");
        int Int(string key) => int.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw Bad(key);
        float Float(string key) => float.TryParse(Get(key), NumberStyles.Float, CultureInfo.InvariantCulture, out float v) ? v : throw Bad(key);
        double Double(string key) => double.TryParse(Get(key), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : throw Bad(key);
        CheckpointException Bad(string key) => new($"{OptimizerPath}: metadata '{key}' = '{Get(key)}' does not parse.");
        return new TrainSettings
        {
            Seed = ulong.TryParse(Get("train.seed"), NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed) ? seed : throw Bad("train.seed"),
            Steps = steps ?? Int("train.steps"),
            Batch = Int("train.batch"),
            Time = Int("train.time"),
            LearningRate = Float("train.learning_rate"),
            MinLearningRate = Float("train.min_learning_rate"),
            WarmupSteps = Int("train.warmup_steps"),
            WeightDecay = Float("train.weight_decay"),
            ClipNorm = Float("train.clip_norm"),
            ValidationFraction = Double("train.validation_fraction"),
            ReportEvery = Int("train.report_every"),
            CheckpointEvery = Int("train.checkpoint_every"),
            ValidationBatches = Int("train.validation_batches"),
        };
    }

    /// <summary>
    /// Loads the weights and the optimizer state into <paramref name="trainer"/> (built with <see cref="ReadSettings"/>
    /// on the same text) and puts it at the saved step.
    /// </summary>
    /// <exception cref="CheckpointException">A file does not fit, the two files are from different steps, or the text differs.</exception>
    public void Resume(Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        var position = Metadata(Checkpoint.ReadMetadata(OptimizerPath));
        if (position.GetValueOrDefault("train.data_sha256") != trainer.Corpus.Fingerprint)
            throw new CheckpointException($"{OptimizerPath}: the run was trained on another text ({position.GetValueOrDefault("train.data", "?")}); resume it with the same --data.");
        var model = Metadata(Checkpoint.Load(trainer.Model, ModelPath));
        var saved = Metadata(OptimizerCheckpoint.Load(trainer.Model, trainer.Optimizer, OptimizerPath));
        string? modelStep = model.GetValueOrDefault(StepKey), optimizerStep = saved.GetValueOrDefault(StepKey);
        if (modelStep is null || modelStep != optimizerStep || !int.TryParse(modelStep, NumberStyles.None, CultureInfo.InvariantCulture, out int step))
            throw new CheckpointException($"{ModelPath} is at step {modelStep ?? "?"} but {OptimizerPath} at step {optimizerStep ?? "?"}; they must come from one save.");
        if (trainer.Optimizer.StepCount > step)
            throw new CheckpointException($"{OptimizerPath}: the optimizer took {trainer.Optimizer.StepCount} steps, more than the {step} the run did.");
        if (!double.TryParse(saved.GetValueOrDefault("train.loss_sum"), NumberStyles.Float, CultureInfo.InvariantCulture, out double lossSum)
            || !int.TryParse(saved.GetValueOrDefault("train.loss_count"), NumberStyles.None, CultureInfo.InvariantCulture, out int lossCount))
            throw new CheckpointException($"{OptimizerPath}: the metadata lacks the losses since the last report (train.loss_sum, train.loss_count).");
        trainer.Restore(step, lossSum, lossCount);
    }

    private static List<KeyValuePair<string, string>> Position(Trainer trainer, string step)
    {
        string F(float x) => x.ToString("R", CultureInfo.InvariantCulture);
        string I(int x) => x.ToString(CultureInfo.InvariantCulture);
        var s = trainer.Settings;
        return
        [
            new(StepKey, step),
            new("train.loss_sum", trainer.PendingLossSum.ToString("R", CultureInfo.InvariantCulture)),
            new("train.loss_count", I(trainer.PendingLossCount)),
            new("train.data", trainer.Corpus.Name),
            new("train.data_sha256", trainer.Corpus.Fingerprint),
            new("train.seed", s.Seed.ToString(CultureInfo.InvariantCulture)),
            new("train.steps", I(s.Steps)),
            new("train.batch", I(s.Batch)),
            new("train.time", I(s.Time)),
            new("train.learning_rate", F(s.LearningRate)),
            new("train.min_learning_rate", F(s.MinLearningRate)),
            new("train.warmup_steps", I(s.WarmupSteps)),
            new("train.weight_decay", F(s.WeightDecay)),
            new("train.clip_norm", F(s.ClipNorm)),
            new("train.validation_fraction", s.ValidationFraction.ToString("R", CultureInfo.InvariantCulture)),
            new("train.report_every", I(s.ReportEvery)),
            new("train.checkpoint_every", I(s.CheckpointEvery)),
            new("train.validation_batches", I(s.ValidationBatches)),
        ];
    }

    private static Dictionary<string, string> Metadata(IEnumerable<KeyValuePair<string, string>> pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
}
