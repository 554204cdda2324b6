using System;
using System.Collections.Generic;

namespace Residual.Training;

/// <summary>
/// What every optimizer shares: a parameter arena and a gradient arena with the same layout, a step
/// counter, and which tensors take weight decay. A step reads <see cref="Gradients"/> and updates
/// <see cref="Parameters"/> in place; it never clears the gradients (call the model's
/// <c>ZeroGradients</c> before the next backward pass).
/// </summary>
/// <remarks>
/// Weight decay applies only to tensors of two or more dimensions (weight matrices and embeddings);
/// biases, norm weights and scalar residual scales (one dimension or none) are never decayed.
/// Steps walk the arenas with plain scalar loops, in layout order, and allocate nothing: the same
/// inputs give the same bits on every machine.
/// </remarks>
public abstract class Optimizer
{
    private readonly Range[] _decayed;
    private readonly Range[] _undecayed;

    /// <summary>Binds the optimizer to a model's arenas.</summary>
    /// <param name="parameters">The parameters, updated in place by each step.</param>
    /// <param name="gradients">The gradients, same layout as <paramref name="parameters"/>; read by each step.</param>
    /// <exception cref="ArgumentNullException">An arena is null.</exception>
    /// <exception cref="ArgumentException">The arenas are the same object, differ in size, or differ in layout.</exception>
    protected Optimizer(ParameterArena parameters, ParameterArena gradients)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(gradients);
        if (ReferenceEquals(parameters, gradients))
            throw new ArgumentException("parameters and gradients must be two different arenas (the optimizer would read the gradient it is overwriting).", nameof(gradients));
        if (parameters.Count != gradients.Count)
            throw new ArgumentException($"gradients has {gradients.Count} floats but parameters has {parameters.Count}; the two arenas must share one layout.", nameof(gradients));
        if (parameters.Tensors.Count != gradients.Tensors.Count)
            throw new ArgumentException($"gradients has {gradients.Tensors.Count} tensors but parameters has {parameters.Tensors.Count}; the two arenas must share one layout.", nameof(gradients));
        for (int i = 0; i < parameters.Tensors.Count; i++)
        {
            TensorInfo p = parameters.Tensors[i], g = gradients.Tensors[i];
            if (p.Name != g.Name || p.Offset != g.Offset || !p.Shape.AsSpan().SequenceEqual(g.Shape))
                throw new ArgumentException($"Tensor {i} differs: parameters has '{p.Name}' {p.ShapeText} at {p.Offset}, gradients has '{g.Name}' {g.ShapeText} at {g.Offset}.", nameof(gradients));
        }
        Parameters = parameters;
        Gradients = gradients;
        _decayed = Runs(parameters.Tensors, decayed: true);
        _undecayed = Runs(parameters.Tensors, decayed: false);
    }

    /// <summary>The parameters this optimizer updates.</summary>
    public ParameterArena Parameters { get; }

    /// <summary>The gradients this optimizer reads.</summary>
    public ParameterArena Gradients { get; }

    /// <summary>Number of steps taken so far.</summary>
    public int StepCount { get; private set; }

    /// <summary>Sets <see cref="StepCount"/> when a saved optimizer state is restored.</summary>
    /// <param name="stepCount">Steps the saved optimizer had taken; zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepCount"/> is negative.</exception>
    protected void RestoreStepCount(int stepCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        StepCount = stepCount;
    }

    /// <summary>The learning rate <see cref="Step()"/> uses.</summary>
    public abstract float LearningRate { get; }

    /// <summary>Whether a tensor takes weight decay: true for two or more dimensions.</summary>
    /// <param name="tensor">A tensor of the layout.</param>
    public static bool IsDecayed(TensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.Shape.Length >= 2;
    }

    /// <summary>Updates the parameters once with <see cref="LearningRate"/>.</summary>
    public void Step() => Step(LearningRate);

    /// <summary>Updates the parameters once with <paramref name="learningRate"/> (for schedules).</summary>
    /// <param name="learningRate">Positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is not positive and finite.</exception>
    public void Step(float learningRate)
    {
        CheckLearningRate(learningRate, nameof(learningRate));
        StepCount++;
        BeginStep();
        float[] p = Parameters.Data, g = Gradients.Data;
        foreach (var run in _decayed) Update(p, g, run.Start.Value, run.End.Value, learningRate, decay: true);
        foreach (var run in _undecayed) Update(p, g, run.Start.Value, run.End.Value, learningRate, decay: false);
    }

    /// <summary>Called once per step, after <see cref="StepCount"/> has advanced and before the first <see cref="Update"/>.</summary>
    protected virtual void BeginStep()
    {
    }

    /// <summary>
    /// Updates <c>parameters[start..end)</c> from <c>gradients[start..end)</c>; <see cref="StepCount"/> is
    /// already the number of this step (1 for the first).
    /// </summary>
    /// <param name="parameters">The whole parameter arena.</param>
    /// <param name="gradients">The whole gradient arena.</param>
    /// <param name="start">First float of the run.</param>
    /// <param name="end">One past the last float of the run.</param>
    /// <param name="learningRate">This step's learning rate.</param>
    /// <param name="decay">Whether the run takes weight decay.</param>
    protected abstract void Update(float[] parameters, float[] gradients, int start, int end, float learningRate, bool decay);

    /// <summary>Throws unless <paramref name="value"/> is positive and finite.</summary>
    /// <param name="value">A learning rate.</param>
    /// <param name="name">The argument's name.</param>
    protected static void CheckLearningRate(float value, string name)
    {
        if (!(value > 0f) || !float.IsFinite(value))
            throw new ArgumentOutOfRangeException(name, value, "The learning rate must be positive and finite.");
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and not negative.</summary>
    /// <param name="value">A weight decay.</param>
    /// <param name="name">The argument's name.</param>
    protected static void CheckWeightDecay(float value, string name)
    {
        if (!(value >= 0f) || !float.IsFinite(value))
            throw new ArgumentOutOfRangeException(name, value, "Weight decay must be finite and not negative (0 turns it off).");
    }

    /// <summary>Throws unless <paramref name="value"/> is in [0, 1).</summary>
    /// <param name="value">A momentum or moment decay rate.</param>
    /// <param name="name">The argument's name.</param>
    protected static void CheckRate(float value, string name)
    {
        if (!(value >= 0f && value < 1f))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1).");
    }

    // Merges neighbouring tensors with the same decay into one contiguous run of the arena.
    private static Range[] Runs(IReadOnlyList<TensorInfo> tensors, bool decayed)
    {
        var runs = new List<Range>();
        int start = -1, end = -1;
        foreach (var t in tensors)
        {
            if (IsDecayed(t) != decayed || t.Count == 0) continue;
            if (t.Offset == end) { end += t.Count; continue; }
            if (start >= 0) runs.Add(start..end);
            start = t.Offset;
            end = t.Offset + t.Count;
        }
        if (start >= 0) runs.Add(start..end);
        return runs.ToArray();
    }
}
