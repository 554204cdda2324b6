using System;
using System.Diagnostics;
using System.Threading;
using Residual.Training;

namespace Residual.Samples;

/// <summary>What a run reports after each stretch of steps.</summary>
/// <param name="Step">Steps done (0: the untrained model).</param>
/// <param name="TrainLoss">Mean training loss over the steps since the last report (at step 0: the first batch's loss, before any update).</param>
/// <param name="ValidationLoss">Mean loss over the fixed validation batches, with the weights after <paramref name="Step"/> steps.</param>
/// <param name="LearningRate">Learning rate of the last step (at step 0: of the first step).</param>
/// <param name="GradientNorm">Global gradient norm of the last step, before clipping.</param>
/// <param name="TokensPerSecond">Training throughput (forward, backward and optimizer) since the last report; NaN at step 0, whose only step includes JIT compilation, and for the first report after a resume.</param>
public sealed record TrainReport(int Step, float TrainLoss, float ValidationLoss, float LearningRate, float GradientNorm, double TokensPerSecond);

/// <summary>How a call to <see cref="Trainer.Run"/> ended.</summary>
/// <param name="Completed">True when every step ran; false when the cancellation token stopped the run between two steps.</param>
/// <param name="Seconds">Wall-clock seconds spent in training steps (reports and validation excluded).</param>
/// <param name="Steps">Steps this call ran.</param>
public sealed record TrainOutcome(bool Completed, double Seconds, int Steps);

/// <summary>
/// Trains a declared model on a <see cref="TextCorpus"/> with AdamW, gradient clipping and a warm-up cosine
/// schedule, and measures the validation loss along the way. Deterministic for a seed; its whole position
/// (<see cref="Step"/>, the loss accumulated since the last report, the optimizer's state) can be saved and
/// restored with <see cref="TrainingCheckpoint"/>, and the resumed run continues bit for bit.
/// </summary>
public sealed class Trainer
{
    private readonly CosineSchedule _schedule;
    private readonly int[] _tokens, _targets;
    private double _lossSum;
    private int _lossCount;

    /// <summary>Prepares a run at step 0; nothing is trained yet.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (named in the message).</exception>
    public Trainer(LanguageModel model, TextCorpus corpus, TrainSettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(settings);
        // Checked before training starts, not discovered at the first report.
        Require(settings.Steps > 0, nameof(settings.Steps), settings.Steps, "must be positive");
        Require(settings.Batch > 0, nameof(settings.Batch), settings.Batch, "must be positive");
        Require(settings.Time > 0 && settings.Time <= model.Description.Context, nameof(settings.Time), settings.Time, $"must be in 1..{model.Description.Context} (the model's Context)");
        Require(settings.ReportEvery > 0, nameof(settings.ReportEvery), settings.ReportEvery, "must be positive");
        Require(settings.CheckpointEvery > 0, nameof(settings.CheckpointEvery), settings.CheckpointEvery, "must be positive");
        Require(settings.ValidationBatches > 0, nameof(settings.ValidationBatches), settings.ValidationBatches, "must be positive");
        Require(settings.WarmupSteps >= 0 && settings.WarmupSteps < settings.Steps, nameof(settings.WarmupSteps), settings.WarmupSteps, "must be in 0..Steps-1");
        Model = model;
        Corpus = corpus;
        Settings = settings;
        Optimizer = new AdamW(model.Parameters, model.Gradients, new AdamWOptions { LearningRate = settings.LearningRate, WeightDecay = settings.WeightDecay });
        _schedule = new CosineSchedule(settings.LearningRate, settings.MinLearningRate, settings.WarmupSteps, settings.Steps);
        _tokens = new int[settings.Batch * settings.Time];
        _targets = new int[settings.Batch * settings.Time];
    }

    /// <summary>The model being trained.</summary>
    public LanguageModel Model { get; }

    /// <summary>The text.</summary>
    public TextCorpus Corpus { get; }

    /// <summary>The settings.</summary>
    public TrainSettings Settings { get; }

    /// <summary>The optimizer, for its settings, step count and moments.</summary>
    public AdamW Optimizer { get; }

    /// <summary>Steps done so far (the next step to run has this 0-based index).</summary>
    public int Step { get; private set; }

    /// <summary>Training losses summed since the last report (part of the position a checkpoint saves).</summary>
    public double PendingLossSum => _lossSum;

    /// <summary>Steps since the last report.</summary>
    public int PendingLossCount => _lossCount;

    /// <summary>Puts the run at a saved position; the optimizer's state is restored separately.</summary>
    internal void Restore(int step, double lossSum, int lossCount)
    {
        if (step < 0 || step > Settings.Steps) throw new ArgumentOutOfRangeException(nameof(step), step, $"The saved step must be in 0..{Settings.Steps}.");
        Step = step;
        _lossSum = lossSum;
        _lossCount = lossCount;
    }

    /// <summary>
    /// Trains from <see cref="Step"/> to <see cref="TrainSettings.Steps"/>, calling <paramref name="report"/> at step 0,
    /// every <see cref="TrainSettings.ReportEvery"/> steps and at the end, <paramref name="afterStep"/> after every
    /// step with its loss, and <paramref name="checkpoint"/> every <see cref="TrainSettings.CheckpointEvery"/> steps.
    /// A cancelled <paramref name="cancellation"/> stops the run between two steps.
    /// </summary>
    public TrainOutcome Run(Action<TrainReport> report, Action<int, float>? afterStep = null, Action? checkpoint = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var s = Settings;
        var clock = new Stopwatch();
        int tokensSinceReport = 0, first = Step;
        double secondsAtReport = 0;
        float lr = 0, norm = 0;
        float untrained = Step == 0 ? ValidationLoss() : float.NaN;

        while (Step < s.Steps)
        {
            if (cancellation.IsCancellationRequested) return new TrainOutcome(false, clock.Elapsed.TotalSeconds, Step - first);
            int step = Step;
            clock.Start();
            TextCorpus.TrainingBatch(Corpus.Train, s.Seed, step, _tokens, _targets, s.Batch, s.Time);
            Model.ZeroGradients();
            float loss = Model.Forward(_tokens, _targets, s.Batch, s.Time);
            Model.Backward();
            norm = GradientClipping.ClipGlobalNorm(Model.Gradients, s.ClipNorm);
            lr = _schedule.At(step);
            if (float.IsFinite(norm)) Optimizer.Step(lr);
            clock.Stop();
            _lossSum += loss;
            _lossCount++;
            tokensSinceReport += s.Batch * s.Time;
            Step = step + 1;
            afterStep?.Invoke(Step, loss);

            if (step == 0 || Step % s.ReportEvery == 0 || Step == s.Steps)
            {
                double seconds = clock.Elapsed.TotalSeconds - secondsAtReport;
                // Throughput needs a stretch measured from its start: not the JIT-laden first step, not a stretch begun before a resume.
                bool measured = step != 0 && _lossCount == tokensSinceReport / (s.Batch * s.Time);
                report(step == 0
                    ? new TrainReport(0, loss, untrained, lr, norm, double.NaN)
                    : new TrainReport(Step, (float)(_lossSum / _lossCount), ValidationLoss(), lr, norm, measured ? tokensSinceReport / Math.Max(seconds, 1e-9) : double.NaN));
                _lossSum = 0;
                _lossCount = 0;
                tokensSinceReport = 0;
                secondsAtReport = clock.Elapsed.TotalSeconds;
            }
            if (checkpoint is not null && Step % s.CheckpointEvery == 0 && Step < s.Steps) checkpoint();
        }
        return new TrainOutcome(true, clock.Elapsed.TotalSeconds, Step - first);
    }

    /// <summary>Mean loss over the fixed validation batches (forward only).</summary>
    public float ValidationLoss()
    {
        var s = Settings;
        double sum = 0;
        for (int i = 0; i < s.ValidationBatches; i++)
        {
            TextCorpus.FixedBatch(Corpus.Validation, i, s.ValidationBatches, _tokens, _targets, s.Batch, s.Time);
            sum += Model.Forward(_tokens, _targets, s.Batch, s.Time);
        }
        return (float)(sum / s.ValidationBatches);
    }

    private static void Require(bool ok, string setting, object value, string rule)
    {
        if (!ok) throw new ArgumentOutOfRangeException("settings", value, $"TrainSettings.{setting} {rule} (got {value}).");
    }
}
