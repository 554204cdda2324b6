using System;

namespace Residual.Training;

/// <summary>Hyperparameters of <see cref="AdamW"/>.</summary>
public sealed record AdamWOptions
{
    /// <summary>Learning rate of <see cref="Optimizer.Step()"/>. Default 1e-3.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Decay rate of the first moment (the gradient's running mean). Default 0.9.</summary>
    public float Beta1 { get; init; } = 0.9f;

    /// <summary>
    /// Decay rate of the second moment (the squared gradient's running mean). Default 0.95, the value
    /// GPT-2/GPT-3-style training uses: the denominator then follows a changing gradient scale within a few
    /// dozen steps, which keeps short runs stable. PyTorch's default is 0.999.
    /// </summary>
    public float Beta2 { get; init; } = 0.95f;

    /// <summary>Added to the square root of the second moment to avoid dividing by zero. Default 1e-8.</summary>
    public float Epsilon { get; init; } = 1e-8f;

    /// <summary>
    /// Decoupled weight decay: each step multiplies a weight by <c>1 − lr·WeightDecay</c> before the Adam
    /// update, on tensors with two or more dimensions only. Default 0.01 (PyTorch's default); 0 turns it off.
    /// </summary>
    public float WeightDecay { get; init; } = 0.01f;
}

/// <summary>
/// Adam with decoupled weight decay (Loshchilov and Hutter) and bias-corrected moments. For each float at
/// step <c>t</c> (starting at 1), with gradient <c>g</c>:
/// <code>
/// p ← p − lr·λ·p                       (only tensors with 2+ dimensions)
/// m ← β1·m + (1 − β1)·g
/// v ← β2·v + (1 − β2)·g²
/// p ← p − lr·(m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + ε)
/// </code>
/// Biases, norm weights and scalar residual scales are never decayed.
/// </summary>
/// <example>
/// <code>
/// var model = new TinyGpt(new ModelOptions { Seed = 1 });
/// var optimizer = new AdamW(model.Parameters, model.Gradients, new AdamWOptions { LearningRate = 3e-3f });
/// model.ZeroGradients();
/// float loss = model.Forward(tokens, targets, batch, time);
/// model.Backward();
/// optimizer.Step();
/// </code>
/// </example>
public sealed class AdamW : Optimizer
{
    private readonly float[] _m;
    private readonly float[] _v;
    private double _beta1Power = 1.0;
    private double _beta2Power = 1.0;
    private float _correction1;
    private float _correction2;

    /// <summary>Binds AdamW to a model's arenas; both moments start at zero.</summary>
    /// <param name="parameters">The parameters, updated in place by each step.</param>
    /// <param name="gradients">The gradients, same layout as <paramref name="parameters"/>.</param>
    /// <param name="options">Hyperparameters; defaults when null.</param>
    /// <exception cref="ArgumentNullException">An arena is null.</exception>
    /// <exception cref="ArgumentException">The arenas are the same object or do not share one layout.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range.</exception>
    public AdamW(ParameterArena parameters, ParameterArena gradients, AdamWOptions? options = null)
        : base(parameters, gradients)
    {
        Options = options ?? new AdamWOptions();
        CheckLearningRate(Options.LearningRate, "options.LearningRate");
        CheckRate(Options.Beta1, "options.Beta1");
        CheckRate(Options.Beta2, "options.Beta2");
        if (!(Options.Epsilon > 0f) || !float.IsFinite(Options.Epsilon))
            throw new ArgumentOutOfRangeException("options.Epsilon", Options.Epsilon, "options.Epsilon must be positive and finite.");
        CheckWeightDecay(Options.WeightDecay, "options.WeightDecay");
        _m = new float[parameters.Count];
        _v = new float[parameters.Count];
    }

    /// <summary>The hyperparameters.</summary>
    public AdamWOptions Options { get; }

    /// <inheritdoc/>
    public override float LearningRate => Options.LearningRate;

    /// <summary>The first moment (running mean of the gradient), same layout as the parameters.</summary>
    public ReadOnlySpan<float> FirstMoment => _m;

    /// <summary>The second moment (running mean of the squared gradient), same layout as the parameters.</summary>
    public ReadOnlySpan<float> SecondMoment => _v;

    /// <summary>
    /// Restores a saved state (for resuming training): the step count and both moments. The bias corrections'
    /// running products βᵗ are recomputed by the same multiplications the steps made, so the next step gives the
    /// same bits as it would have without the interruption.
    /// </summary>
    /// <param name="stepCount">Steps the saved optimizer had taken; zero or more.</param>
    /// <param name="firstMoment">The saved <see cref="FirstMoment"/>, one float per parameter.</param>
    /// <param name="secondMoment">The saved <see cref="SecondMoment"/>, one float per parameter, none negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepCount"/> is negative.</exception>
    /// <exception cref="ArgumentException">A moment has the wrong length, or the second moment has a negative or NaN value.</exception>
    public void RestoreState(int stepCount, ReadOnlySpan<float> firstMoment, ReadOnlySpan<float> secondMoment)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        if (firstMoment.Length != _m.Length)
            throw new ArgumentException($"firstMoment has {firstMoment.Length} floats; the parameters have {_m.Length}.", nameof(firstMoment));
        if (secondMoment.Length != _v.Length)
            throw new ArgumentException($"secondMoment has {secondMoment.Length} floats; the parameters have {_v.Length}.", nameof(secondMoment));
        for (int i = 0; i < secondMoment.Length; i++)
            if (!(secondMoment[i] >= 0f))
                throw new ArgumentException($"secondMoment[{i}] = {secondMoment[i]}; a running mean of squares is never negative or NaN.", nameof(secondMoment));
        double beta1Power = 1.0, beta2Power = 1.0;
        for (int t = 0; t < stepCount; t++)
        {
            beta1Power *= Options.Beta1;
            beta2Power *= Options.Beta2;
        }
        firstMoment.CopyTo(_m);
        secondMoment.CopyTo(_v);
        _beta1Power = beta1Power;
        _beta2Power = beta2Power;
        RestoreStepCount(stepCount);
    }

    /// <inheritdoc/>
    protected override void BeginStep()
    {
        // Bias corrections 1 − βᵗ. βᵗ is a running product in double (exact IEEE multiplications, unlike
        // Math.Pow, whose last bit may differ between platforms), so every machine gets the same bits.
        _beta1Power *= Options.Beta1;
        _beta2Power *= Options.Beta2;
        _correction1 = (float)(1.0 - _beta1Power);
        _correction2 = (float)(1.0 - _beta2Power);
    }

    /// <inheritdoc/>
    protected override void Update(float[] parameters, float[] gradients, int start, int end, float learningRate, bool decay)
    {
        float beta1 = Options.Beta1, beta2 = Options.Beta2, eps = Options.Epsilon;
        // 1 − β in double, like the bias corrections: then m̂ and v̂ of the first step equal g and g² up to rounding.
        float oneMinusBeta1 = (float)(1.0 - beta1), oneMinusBeta2 = (float)(1.0 - beta2);
        float c1 = _correction1, c2 = _correction2;
        float decayFactor = decay ? 1f - learningRate * Options.WeightDecay : 1f;
        var p = parameters.AsSpan(start, end - start);
        var g = gradients.AsSpan(start, end - start);
        var m = _m.AsSpan(start, end - start);
        var v = _v.AsSpan(start, end - start);
        for (int i = 0; i < p.Length; i++)
        {
            float gi = g[i];
            float mi = beta1 * m[i] + oneMinusBeta1 * gi;
            float vi = beta2 * v[i] + oneMinusBeta2 * (gi * gi);
            m[i] = mi;
            v[i] = vi;
            float mHat = mi / c1, vHat = vi / c2;
            p[i] = p[i] * decayFactor - learningRate * mHat / (MathF.Sqrt(vHat) + eps);
        }
    }
}
