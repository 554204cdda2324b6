using System;
using System.Collections.Generic;
using System.Linq;

namespace Residual.Samples.Experiments;

/// <summary>
/// Everything an experiments run depends on. <see cref="Full"/> is the run the docs show; <see cref="Quick"/> keeps the
/// same models and data with fewer depths and steps so that it finishes in under two minutes on two cores.
/// </summary>
public sealed record ExperimentSettings
{
    /// <summary>Depths trained for the loss-against-depth results (each must have a declaration in <see cref="DepthModels"/>).</summary>
    public IReadOnlyList<int> Depths { get; init; } = [2, 4, 8, 16, 32];

    /// <summary>Depths whose gradient at initialisation is measured layer by layer (one plot each).</summary>
    public IReadOnlyList<int> GradientDepths { get; init; } = [16, 32];

    /// <summary>Initialisations the gradients are measured at.</summary>
    public IReadOnlyList<ProbeInit> GradientInits { get; init; } = [ProbeInit.Gpt2, ProbeInit.Xavier];

    /// <summary>Wirings compared.</summary>
    public IReadOnlyList<Wiring> Wirings { get; init; } = DepthModels.Wirings;

    /// <summary>Seed of every model's weights and of the batch order: all runs see the same data in the same order.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Standard deviation of normally initialised weights (<see cref="ModelOptions.InitStd"/>; GPT-2's 0.02 by default).</summary>
    public float InitStd { get; init; } = 0.02f;

    /// <summary>Optimizer steps of the fixed training budget.</summary>
    public int Steps { get; init; } = 400;

    /// <summary>Sequences per training batch.</summary>
    public int Batch { get; init; } = 16;

    /// <summary>Characters per sequence.</summary>
    public int Time { get; init; } = DepthModels.Context;

    /// <summary>Peak learning rate of AdamW, the same for every wiring and depth (the sample's 1e-2).</summary>
    public float LearningRate { get; init; } = 1e-2f;

    /// <summary>Learning rate the cosine decay approaches at the end.</summary>
    public float MinLearningRate { get; init; } = 1e-3f;

    /// <summary>Linear warm-up steps.</summary>
    public int WarmupSteps { get; init; } = 40;

    /// <summary>AdamW's decoupled weight decay.</summary>
    public float WeightDecay { get; init; } = 0.1f;

    /// <summary>Global gradient-norm clip.</summary>
    public float ClipNorm { get; init; } = 1f;

    /// <summary>Share of the text, from its end, held out for validation.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Fixed batches (of <see cref="Batch"/> sequences) averaged for each train or validation loss.</summary>
    public int EvaluationBatches { get; init; } = 8;

    /// <summary>Sequences in the one fixed training batch the gradient at initialisation is measured on.</summary>
    public int GradientBatch { get; init; } = 32;

    /// <summary>Runs trained at once (each run is single-threaded and deterministic, so this changes only the wall time).</summary>
    public int Jobs { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Whether this is the quick preset (recorded in the report).</summary>
    public bool IsQuick { get; init; }

    /// <summary>The full run: depths 2–32, 400 steps of 16×32 characters (add 64 with <c>--depths 2 4 8 16 32 64</c>).</summary>
    public static ExperimentSettings Full { get; } = new();

    /// <summary>The quick run: depths 2, 4, 8 and 16, 150 steps of 8×32 characters, gradients at depth 16.</summary>
    public static ExperimentSettings Quick { get; } = new()
    {
        Depths = [2, 4, 8, 16],
        GradientDepths = [16],
        Steps = 150,
        Batch = 8,
        WarmupSteps = 15,
        EvaluationBatches = 4,
        GradientBatch = 16,
        IsQuick = true,
    };

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        foreach (int d in Depths.Concat(GradientDepths))
            if (!DepthModels.Depths.Contains(d))
                throw new ArgumentOutOfRangeException(nameof(Depths), d, $"No model is declared at depth {d}; declared depths: {string.Join(", ", DepthModels.Depths)}.");
        foreach (var w in Wirings)
            if (!DepthModels.Wirings.Contains(w))
                throw new ArgumentOutOfRangeException(nameof(Wirings), w, $"Wiring {w} has no declaration; declared: {string.Join(", ", DepthModels.Wirings)}.");
        if (Depths.Count == 0) throw new ArgumentOutOfRangeException(nameof(Depths), "At least one depth is needed.");
        if (Wirings.Count == 0) throw new ArgumentOutOfRangeException(nameof(Wirings), "At least one wiring is needed.");
        Require(Steps > 0, nameof(Steps), Steps);
        Require(Batch > 0, nameof(Batch), Batch);
        Require(Time > 0 && Time <= DepthModels.Context, nameof(Time), Time, $"in 1..{DepthModels.Context}");
        Require(EvaluationBatches > 0, nameof(EvaluationBatches), EvaluationBatches);
        Require(GradientBatch > 0, nameof(GradientBatch), GradientBatch);
        Require(Jobs > 0, nameof(Jobs), Jobs);
        Require(WarmupSteps >= 0, nameof(WarmupSteps), WarmupSteps, "not negative");
        Require(float.IsFinite(LearningRate) && LearningRate > 0, nameof(LearningRate), LearningRate);
        Require(float.IsFinite(InitStd) && InitStd > 0, nameof(InitStd), InitStd);
    }

    private static void Require(bool ok, string name, object value, string rule = "positive")
    {
        if (!ok) throw new ArgumentOutOfRangeException(name, value, $"{name} must be {rule} (got {value}).");
    }

    /// <summary>The sample trainer's settings for one run of the fixed budget.</summary>
    public TrainSettings ToTrainSettings() => new()
    {
        Seed = Seed,
        Steps = Steps,
        Batch = Batch,
        Time = Time,
        LearningRate = LearningRate,
        MinLearningRate = MinLearningRate,
        WarmupSteps = WarmupSteps,
        WeightDecay = WeightDecay,
        ClipNorm = ClipNorm,
        ValidationFraction = ValidationFraction,
        ReportEvery = Steps,
        ValidationBatches = EvaluationBatches,
    };
}
