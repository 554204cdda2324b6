using System;
using System.Diagnostics;
using Residual.Training;

namespace Residual.Samples;

/// <summary>What a run reports after each stretch of steps.</summary>
/// <param name="Step">Steps done (0: the untrained model).</param>
/// <param name="TrainLoss">Mean training loss over the steps since the last report (at step 0: the first batch's loss, before any update).</param>
/// <param name="ValidationLoss">Mean loss over the fixed validation batches, with the weights after <paramref name="Step"/> steps.</param>
/// <param name="LearningRate">Learning rate of the last step (at step 0: of the first step).</param>
/// <param name="GradientNorm">Global gradient norm of the last step, before clipping.</param>
/// <param name="TokensPerSecond">Training throughput (forward, backward and optimizer) since the last report; NaN at step 0, whose only step includes JIT compilation.</param>
public sealed record TrainReport(int Step, float TrainLoss, float ValidationLoss, float LearningRate, float GradientNorm, double TokensPerSecond);

/// <summary>
/// Trains a declared model on a <see cref="TextCorpus"/> with AdamW, gradient clipping and a warm-up cosine
/// schedule, and measures the validation loss along the way. Deterministic for a seed.
/// </summary>
public sealed class Trainer
{
    private readonly LanguageModel _model;
    private readonly TextCorpus _corpus;
    private readonly TrainSettings _settings;
    private readonly AdamW _optimizer;
    private readonly CosineSchedule _schedule;
    private readonly int[] _tokens, _targets;

    /// <summary>Prepares a run; nothing is trained yet.</summary>
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
        Require(settings.ValidationBatches > 0, nameof(settings.ValidationBatches), settings.ValidationBatches, "must be positive");
        Require(settings.WarmupSteps >= 0, nameof(settings.WarmupSteps), settings.WarmupSteps, "must not be negative");
        _model = model;
        _corpus = corpus;
        _settings = settings;
        _optimizer = new AdamW(model.Parameters, model.Gradients, new AdamWOptions { LearningRate = settings.LearningRate, WeightDecay = settings.WeightDecay });
        _schedule = new CosineSchedule(settings.LearningRate, settings.MinLearningRate, settings.WarmupSteps, settings.Steps);
        _tokens = new int[settings.Batch * settings.Time];
        _targets = new int[settings.Batch * settings.Time];
    }

    /// <summary>The optimizer, for its settings and step count.</summary>
    public AdamW Optimizer => _optimizer;

    /// <summary>Trains for <see cref="TrainSettings.Steps"/> steps, calling <paramref name="report"/> at step 0, every <see cref="TrainSettings.ReportEvery"/> steps and at the end.</summary>
    /// <returns>Wall-clock seconds spent in training steps (reports and validation excluded).</returns>
    public double Run(Action<TrainReport> report)
    {
        var s = _settings;
        var rng = new Rng(s.Seed);
        var clock = new Stopwatch();
        double lossSum = 0;
        int lossCount = 0, tokensSinceReport = 0;
        double secondsAtReport = 0;
        float lr = 0, norm = 0;
        float untrained = ValidationLoss();

        for (int step = 0; step < s.Steps; step++)
        {
            clock.Start();
            TextCorpus.RandomBatch(_corpus.Train, rng, _tokens, _targets, s.Batch, s.Time);
            _model.ZeroGradients();
            float loss = _model.Forward(_tokens, _targets, s.Batch, s.Time);
            _model.Backward();
            norm = GradientClipping.ClipGlobalNorm(_model.Gradients, s.ClipNorm);
            lr = _schedule.At(step);
            if (float.IsFinite(norm)) _optimizer.Step(lr);
            clock.Stop();
            lossSum += loss;
            lossCount++;
            tokensSinceReport += s.Batch * s.Time;

            int done = step + 1;
            if (step == 0 || done % s.ReportEvery == 0 || done == s.Steps)
            {
                double seconds = clock.Elapsed.TotalSeconds - secondsAtReport;
                report(step == 0
                    ? new TrainReport(0, loss, untrained, lr, norm, double.NaN)
                    : new TrainReport(done, (float)(lossSum / lossCount), ValidationLoss(), lr, norm, tokensSinceReport / Math.Max(seconds, 1e-9)));
                lossSum = 0;
                lossCount = 0;
                tokensSinceReport = 0;
                secondsAtReport = clock.Elapsed.TotalSeconds;
            }
        }
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Mean loss over the fixed validation batches (forward only).</summary>
    public float ValidationLoss()
    {
        var s = _settings;
        double sum = 0;
        for (int i = 0; i < s.ValidationBatches; i++)
        {
            TextCorpus.FixedBatch(_corpus.Validation, i, s.ValidationBatches, _tokens, _targets, s.Batch, s.Time);
            sum += _model.Forward(_tokens, _targets, s.Batch, s.Time);
        }
        return (float)(sum / s.ValidationBatches);
    }

    private static void Require(bool ok, string setting, object value, string rule)
    {
        if (!ok) throw new ArgumentOutOfRangeException("settings", value, $"TrainSettings.{setting} {rule} (got {value}).");
    }
}
