namespace Residual;

/// <summary>How residual-branch output projections start.</summary>
public enum OutputInit
{
    /// <summary>Normal with the model's standard deviation, like every other weight.</summary>
    Normal = 0,

    /// <summary>GPT-2: standard deviation divided by <c>sqrt(2·Layers)</c>.</summary>
    Scaled = 1,

    /// <summary>Zero: every residual branch starts switched off, so each block starts as the identity.</summary>
    Zero = 2,
}

/// <summary>Construction options for models and standalone blocks.</summary>
public sealed record ModelOptions
{
    /// <summary>Seed for the initial weights; the same seed gives the same weights.</summary>
    public ulong Seed { get; init; } = 1337;

    /// <summary>Standard deviation of normally initialised weights (GPT-2: 0.02).</summary>
    public float InitStd { get; init; } = 0.02f;

    /// <summary>How residual-branch output projections start.</summary>
    public OutputInit OutputInit { get; init; } = OutputInit.Scaled;
}
