using System;

namespace Residual.Training;

/// <summary>Hyperparameters of <see cref="Sgd"/>.</summary>
public sealed record SgdOptions
{
    /// <summary>Learning rate of <see cref="Optimizer.Step()"/>. Default 0.01.</summary>
    public float LearningRate { get; init; } = 0.01f;

    /// <summary>Momentum in [0, 1); 0 (the default) is plain gradient descent.</summary>
    public float Momentum { get; init; }

    /// <summary>
    /// L2 weight decay, added to the gradient as <c>λ·p</c> before momentum (PyTorch's SGD), on tensors with
    /// two or more dimensions only. Default 0 (off).
    /// </summary>
    public float WeightDecay { get; init; }
}

/// <summary>
/// Stochastic gradient descent with optional momentum and weight decay. For each float, with gradient <c>g</c>:
/// <code>
/// d ← g + λ·p                          (λ only on tensors with 2+ dimensions)
/// b ← μ·b + d                          (b starts at 0; without momentum b = d)
/// p ← p − lr·b
/// </code>
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly float[] _velocity;

    /// <summary>Binds SGD to a model's arenas; the momentum buffer starts at zero.</summary>
    /// <param name="parameters">The parameters, updated in place by each step.</param>
    /// <param name="gradients">The gradients, same layout as <paramref name="parameters"/>.</param>
    /// <param name="options">Hyperparameters; defaults when null.</param>
    /// <exception cref="ArgumentNullException">An arena is null.</exception>
    /// <exception cref="ArgumentException">The arenas are the same object or do not share one layout.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range.</exception>
    public Sgd(ParameterArena parameters, ParameterArena gradients, SgdOptions? options = null)
        : base(parameters, gradients)
    {
        Options = options ?? new SgdOptions();
        CheckLearningRate(Options.LearningRate, "options.LearningRate");
        CheckRate(Options.Momentum, "options.Momentum");
        CheckWeightDecay(Options.WeightDecay, "options.WeightDecay");
        _velocity = Options.Momentum > 0f ? new float[parameters.Count] : [];
    }

    /// <summary>The hyperparameters.</summary>
    public SgdOptions Options { get; }

    /// <inheritdoc/>
    public override float LearningRate => Options.LearningRate;

    /// <summary>The momentum buffer, same layout as the parameters (empty without momentum).</summary>
    public ReadOnlySpan<float> Velocity => _velocity;

    /// <inheritdoc/>
    protected override void Update(float[] parameters, float[] gradients, int start, int end, float learningRate, bool decay)
    {
        float lambda = decay ? Options.WeightDecay : 0f, mu = Options.Momentum;
        var p = parameters.AsSpan(start, end - start);
        var g = gradients.AsSpan(start, end - start);
        if (mu == 0f)
        {
            for (int i = 0; i < p.Length; i++)
                p[i] -= learningRate * (g[i] + lambda * p[i]);
            return;
        }
        var b = _velocity.AsSpan(start, end - start);
        for (int i = 0; i < p.Length; i++)
        {
            float bi = mu * b[i] + (g[i] + lambda * p[i]);
            b[i] = bi;
            p[i] -= learningRate * bi;
        }
    }
}
