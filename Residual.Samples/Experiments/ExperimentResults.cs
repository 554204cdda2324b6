using System.Collections.Generic;
using System.Linq;

namespace Residual.Samples.Experiments;

/// <summary>Initialisations the training runs compare.</summary>
public enum BranchInit
{
    /// <summary>The default: residual-branch output projections start at GPT-2's <c>0.02/sqrt(2·Layers)</c> (<see cref="OutputInit.Scaled"/>).</summary>
    Default,

    /// <summary>Residual-branch output projections start at zero (<see cref="OutputInit.Zero"/>): every branch starts switched off.</summary>
    Zero,
}

/// <summary>One model trained for the fixed budget.</summary>
/// <param name="Wiring">The wiring.</param>
/// <param name="Depth">Layers.</param>
/// <param name="Init">How the branch outputs started.</param>
/// <param name="InitialTrain">Loss on the fixed training batches before the first step.</param>
/// <param name="InitialValidation">Loss on the fixed validation batches before the first step.</param>
/// <param name="EmbeddingOnlyValidation">The embedding-only model's loss on the same validation batches (double-precision reference), at step 0.</param>
/// <param name="FinalTrain">Loss on the fixed training batches after the budget; NaN when training diverged.</param>
/// <param name="FinalValidation">Loss on the fixed validation batches after the budget; NaN when training diverged.</param>
/// <param name="InitialGradientNorm">Global gradient norm of the first step, before clipping.</param>
/// <param name="Seconds">Wall time of the run, evaluation included.</param>
public sealed record TrainingRun(
    Wiring Wiring, int Depth, BranchInit Init,
    double InitialTrain, double InitialValidation, double EmbeddingOnlyValidation,
    double FinalTrain, double FinalValidation, double InitialGradientNorm, double Seconds);

/// <summary>Everything one experiments run measured.</summary>
/// <param name="Settings">What was run.</param>
/// <param name="Corpus">The text, for the report.</param>
/// <param name="Gradients">Gradients at initialisation, one per (initialisation, gradient depth, wiring).</param>
/// <param name="Runs">Training runs, one per (init, wiring, depth).</param>
/// <param name="Seconds">Wall time of the whole run.</param>
public sealed record ExperimentResults(ExperimentSettings Settings, string Corpus, IReadOnlyList<LayerGradients> Gradients, IReadOnlyList<TrainingRun> Runs, double Seconds)
{
    /// <summary>The run of that configuration, or null.</summary>
    public TrainingRun? Run(Wiring wiring, int depth, BranchInit init) =>
        Runs.FirstOrDefault(r => r.Wiring == wiring && r.Depth == depth && r.Init == init);

    /// <summary>The gradient measurement of that configuration, or null.</summary>
    public LayerGradients? Gradient(Wiring wiring, int depth, ProbeInit init) =>
        Gradients.FirstOrDefault(g => g.Wiring == wiring && g.Depth == depth && g.Init == init);
}
