using System;

namespace Residual.Training;

/// <summary>Gradient-norm utilities for keeping a step from blowing up on a spike.</summary>
public static class GradientClipping
{
    /// <summary>The L2 norm of all gradients together, <c>√(Σ g²)</c>, accumulated in double in arena order.</summary>
    /// <param name="gradients">The gradient arena.</param>
    /// <exception cref="ArgumentNullException"><paramref name="gradients"/> is null.</exception>
    public static float GlobalNorm(ParameterArena gradients)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        double sum = 0;
        foreach (float g in gradients.Data) sum += (double)g * g;
        return (float)Math.Sqrt(sum);
    }

    /// <summary>
    /// Scales every gradient by <c>maxNorm / norm</c> when the global norm exceeds <paramref name="maxNorm"/>,
    /// so that the norm becomes <paramref name="maxNorm"/>; leaves them untouched otherwise.
    /// </summary>
    /// <param name="gradients">The gradient arena, scaled in place.</param>
    /// <param name="maxNorm">Largest allowed global norm; positive and finite.</param>
    /// <returns>
    /// The global norm before clipping (log it). When it is not finite (a NaN or infinite gradient) nothing is
    /// scaled, so the caller can see it and skip the step.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="gradients"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not positive and finite.</exception>
    public static float ClipGlobalNorm(ParameterArena gradients, float maxNorm)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        if (!(maxNorm > 0f) || !float.IsFinite(maxNorm))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "maxNorm must be positive and finite.");
        float norm = GlobalNorm(gradients);
        if (float.IsFinite(norm) && norm > maxNorm)
        {
            float scale = maxNorm / norm;
            var data = gradients.Data;
            for (int i = 0; i < data.Length; i++) data[i] *= scale;
        }
        return norm;
    }
}
