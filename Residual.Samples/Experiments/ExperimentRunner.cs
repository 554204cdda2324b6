using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace Residual.Samples.Experiments;

/// <summary>
/// Runs the three measurements of the depth experiments on the sample's stories: gradients at initialisation
/// layer by layer, losses after a fixed training budget against depth, and zero-initialised branch outputs
/// against the default. Every run has the same seed, data and batch order; results do not depend on
/// <see cref="ExperimentSettings.Jobs"/>.
/// </summary>
public sealed class ExperimentRunner
{
    private readonly ExperimentSettings _settings;
    private readonly TextWriter _log;
    private readonly object _logLock = new();

    /// <summary>Prepares a run; <paramref name="log"/> receives one line per finished measurement.</summary>
    public ExperimentRunner(ExperimentSettings settings, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        settings.Validate();
        _settings = settings;
        _log = log;
    }

    /// <summary>Runs everything.</summary>
    public ExperimentResults Run()
    {
        var s = _settings;
        var clock = Stopwatch.StartNew();
        var corpus = TextCorpus.Stories(s.ValidationFraction, s.Time);
        var options = new ParallelOptions { MaxDegreeOfParallelism = s.Jobs };

        // 1. Gradients at initialisation: one forward and backward pass per model.
        var probes = (from init in s.GradientInits from d in s.GradientDepths from w in s.Wirings select (w, d, init)).ToArray();
        var gradients = new LayerGradients[probes.Length];
        Parallel.For(0, probes.Length, options, i =>
        {
            var (w, d, init) = probes[i];
            gradients[i] = GradientProbe.Measure(w, d, init, corpus, s.Seed, s.GradientBatch, s.Time);
            Log($"gradient at init ({init.Key,-6}) {w.Label(),-22} depth {d,2}: first/last layer {gradients[i].FirstOverLast:G3}");
        });

        // 2 and 3. Training runs; the deepest first, so that the parallel runs finish together.
        // A plain sublayer's output projection is not a residual branch (Layouts.OutputInit), so OutputInit.Zero leaves the
        // plain model unchanged: it is trained once.
        var jobs = (from init in new[] { BranchInit.Default, BranchInit.Zero } from w in s.Wirings from d in s.Depths
                    where !(init == BranchInit.Zero && w == Wiring.Plain)
                    select (w, d, init))
            .OrderByDescending(j => j.d).ToArray();
        var runs = new TrainingRun[jobs.Length];
        // No buffering: each worker takes the next job when it is free (Parallel.For would give each a fixed range).
        Parallel.ForEach(Partitioner.Create(Enumerable.Range(0, jobs.Length), EnumerablePartitionerOptions.NoBuffering), options, i =>
        {
            var (w, d, init) = jobs[i];
            runs[i] = Train(w, d, init, corpus);
            var r = runs[i];
            Log($"trained {w.Label(),-22} depth {d,2} init {init,-7}: val {r.InitialValidation:F3} → {r.FinalValidation:F3}, train → {r.FinalTrain:F3} ({r.Seconds:F1} s)");
        });

        var ordered = runs.OrderBy(r => r.Init).ThenBy(r => s.Wirings.ToList().IndexOf(r.Wiring)).ThenBy(r => r.Depth).ToArray();
        return new ExperimentResults(s, $"{corpus.Name} ({corpus.Train.Length:N0} training and {corpus.Validation.Length:N0} validation characters)", gradients, ordered, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Trains one model for the fixed budget and measures it before and after.</summary>
    public TrainingRun Train(Wiring wiring, int depth, BranchInit init, TextCorpus corpus)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var s = _settings;
        var clock = Stopwatch.StartNew();
        var model = DepthModels.Create(wiring, depth, new ModelOptions
        {
            Seed = s.Seed,
            InitStd = s.InitStd,
            OutputInit = init == BranchInit.Zero ? OutputInit.Zero : OutputInit.Scaled,
        });
        double initialTrain = Evaluation.Loss(model, corpus.Train, s.EvaluationBatches, s.Batch, s.Time);
        double initialValidation = Evaluation.Loss(model, corpus.Validation, s.EvaluationBatches, s.Batch, s.Time);
        double embeddingOnly = Evaluation.EmbeddingOnlyLoss(model, corpus.Validation, s.EvaluationBatches, s.Batch, s.Time);

        var trainer = new Trainer(model, corpus, s.ToTrainSettings());
        double firstNorm = double.NaN;
        trainer.Run(report =>
        {
            if (report.Step == 0) firstNorm = report.GradientNorm;
        });
        double finalTrain = Evaluation.Loss(model, corpus.Train, s.EvaluationBatches, s.Batch, s.Time);
        double finalValidation = Evaluation.Loss(model, corpus.Validation, s.EvaluationBatches, s.Batch, s.Time);
        return new TrainingRun(wiring, depth, init, initialTrain, initialValidation, embeddingOnly, finalTrain, finalValidation, firstNorm, clock.Elapsed.TotalSeconds);
    }

    private void Log(string line)
    {
        lock (_logLock) _log.WriteLine(line);
    }
}
