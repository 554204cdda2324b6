namespace Residual.Samples;

/// <summary>
/// Everything one training run depends on. The defaults train <see cref="CharGpt"/> on the sample's stories in
/// about 15 s on two cores. A checkpoint stores them (<see cref="TrainingCheckpoint"/>) so that a resumed run continues
/// with the same ones.
/// </summary>
public sealed record TrainSettings
{
    /// <summary>Seed of the initial weights, of the batch order and of sampling.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Optimizer steps.</summary>
    public int Steps { get; init; } = 1500;

    /// <summary>Sequences per batch.</summary>
    public int Batch { get; init; } = 8;

    /// <summary>Characters per sequence (at most the model's Context).</summary>
    public int Time { get; init; } = CharGpt.Context;

    /// <summary>Peak learning rate, reached after <see cref="WarmupSteps"/>.</summary>
    public float LearningRate { get; init; } = 1e-2f;

    /// <summary>Learning rate the cosine decay from the peak approaches at the end of training.</summary>
    public float MinLearningRate { get; init; } = 1e-3f;

    /// <summary>Steps of linear warm-up.</summary>
    public int WarmupSteps { get; init; } = 20;

    /// <summary>AdamW's decoupled weight decay (weight matrices and embeddings only).</summary>
    public float WeightDecay { get; init; } = 0.1f;

    /// <summary>Largest global gradient norm; larger gradients are scaled down.</summary>
    public float ClipNorm { get; init; } = 1f;

    /// <summary>Share of the text, from its end, held out for the validation loss.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Steps between two loss reports.</summary>
    public int ReportEvery { get; init; } = 100;

    /// <summary>Steps between two checkpoints (one is also written at the end and when a run is stopped).</summary>
    public int CheckpointEvery { get; init; } = 500;

    /// <summary>Fixed validation batches averaged for each validation loss.</summary>
    public int ValidationBatches { get; init; } = 8;

    /// <summary>Text the model continues after training.</summary>
    public string Prompt { get; init; } = "Anna and the ";

    /// <summary>Characters to generate after training.</summary>
    public int SampleLength { get; init; } = 240;

    /// <summary>Sampling temperature; lower is more conservative.</summary>
    public float Temperature { get; init; } = 0.5f;
}
