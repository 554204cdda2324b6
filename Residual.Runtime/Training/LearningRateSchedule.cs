using System;

namespace Residual.Training;

/// <summary>
/// Linear warm-up followed by cosine decay: the rate climbs from <c>MaxRate/WarmupSteps</c> to
/// <see cref="MaxRate"/> over the first <see cref="WarmupSteps"/> steps, then follows half a cosine down to
/// <see cref="MinRate"/> at <see cref="TotalSteps"/>, and stays there.
/// </summary>
public sealed class CosineSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="maxRate">Peak learning rate; positive and finite.</param>
    /// <param name="minRate">Final learning rate; positive and at most <paramref name="maxRate"/>.</param>
    /// <param name="warmupSteps">Steps of linear warm-up; zero or more.</param>
    /// <param name="totalSteps">Step at which the decay reaches <paramref name="minRate"/>; more than <paramref name="warmupSteps"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public CosineSchedule(float maxRate, float minRate, int warmupSteps, int totalSteps)
    {
        if (!(maxRate > 0f) || !float.IsFinite(maxRate))
            throw new ArgumentOutOfRangeException(nameof(maxRate), maxRate, "maxRate must be positive and finite.");
        if (!(minRate > 0f) || minRate > maxRate)
            throw new ArgumentOutOfRangeException(nameof(minRate), minRate, $"minRate must be positive and at most maxRate ({maxRate}).");
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        if (totalSteps <= warmupSteps)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, $"totalSteps must exceed warmupSteps ({warmupSteps}).");
        MaxRate = maxRate;
        MinRate = minRate;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
    }

    /// <summary>Peak learning rate, reached at the end of warm-up.</summary>
    public float MaxRate { get; }

    /// <summary>Final learning rate.</summary>
    public float MinRate { get; }

    /// <summary>Steps of linear warm-up.</summary>
    public int WarmupSteps { get; }

    /// <summary>Step at which the rate reaches <see cref="MinRate"/>.</summary>
    public int TotalSteps { get; }

    /// <summary>The learning rate of step <paramref name="step"/> (0-based: the first step is 0). Always positive.</summary>
    /// <param name="step">Zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    public float At(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step < WarmupSteps) return MaxRate * (step + 1) / WarmupSteps;
        if (step >= TotalSteps) return MinRate;
        double progress = (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps);
        return (float)(MinRate + 0.5 * (MaxRate - MinRate) * (1.0 + Math.Cos(Math.PI * progress)));
    }
}
