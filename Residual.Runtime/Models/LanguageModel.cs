using System;
using System.Collections.Generic;
using Residual.Kernels;

namespace Residual;

/// <summary>
/// What every generated model shares: the parameter and gradient arenas, input checks, the softmax and
/// cross-entropy loss, activation memory, and sampling. The generator writes the rest (embedding, the
/// stack of blocks, the final norm, the tied head) in <see cref="ForwardCore"/> and <see cref="BackwardCore"/>.
/// </summary>
public abstract partial class LanguageModel
{
    private float[] _activations = [];
    private float[] _scratch = [];
    private float[] _logits = [];
    private float[] _probs = [];
    private float[] _dLogits = [];
    private float[] _losses = [];
    private int[] _tokens = [];
    private int[] _targets = [];
    private bool _hasTargets;

    /// <summary>Creates the arenas and initialises the parameters.</summary>
    /// <param name="description">The declared model.</param>
    /// <param name="layout">Every tensor, in arena order.</param>
    /// <param name="options">Seed and initialisation; defaults when null.</param>
    protected LanguageModel(ModelDescription description, IReadOnlyList<TensorInfo> layout, ModelOptions? options)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(layout);
        Description = description;
        Options = options ?? new ModelOptions();
        Parameters = new ParameterArena(layout);
        Gradients = new ParameterArena(layout);
        Initializer.Initialize(Parameters, Options, description.Layers);
    }

    /// <summary>The declared model.</summary>
    public ModelDescription Description { get; }

    /// <summary>The options the model was created with.</summary>
    public ModelOptions Options { get; }

    /// <summary>All parameters, named as GPT-2's checkpoints.</summary>
    public ParameterArena Parameters { get; }

    /// <summary>Gradients, same layout as <see cref="Parameters"/>. <see cref="Backward"/> adds into them; clear with <see cref="ZeroGradients"/>.</summary>
    public ParameterArena Gradients { get; }

    /// <summary>Batch size of the last forward pass.</summary>
    public int Batch { get; private set; }

    /// <summary>Sequence length of the last forward pass.</summary>
    public int Time { get; private set; }

    /// <summary>Logits of the last forward pass, <c>[Batch, Time, Vocab]</c>.</summary>
    public ReadOnlySpan<float> Logits => _logits.AsSpan(0, Batch * Time * Description.Vocab);

    /// <summary>Softmax of <see cref="Logits"/>.</summary>
    public ReadOnlySpan<float> Probabilities => _probs.AsSpan(0, Batch * Time * Description.Vocab);

    /// <summary>Floats of activation memory a forward pass of this shape needs (known before anything runs).</summary>
    /// <param name="batch">Batch size.</param>
    /// <param name="time">Sequence length.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batch"/> is not positive, or <paramref name="time"/> is not in 1..Context.</exception>
    public long ActivationMemory(int batch, int time)
    {
        CheckShape(batch, time);
        return ActivationFloats(batch, time) + ScratchFloats(batch, time) + 3L * batch * time * Description.Vocab;
    }

    /// <summary>Runs the model on <paramref name="tokens"/> (<c>[batch, time]</c>, row-major) and returns the mean cross-entropy against <paramref name="targets"/>.</summary>
    /// <param name="tokens">Input token ids, <c>batch·time</c> of them, each in [0, Vocab).</param>
    /// <param name="targets">Next-token ids, same shape.</param>
    /// <param name="batch">Batch size.</param>
    /// <param name="time">Sequence length, at most Context.</param>
    /// <returns>The mean loss over all positions.</returns>
    public float Forward(ReadOnlySpan<int> tokens, ReadOnlySpan<int> targets, int batch, int time)
    {
        Check(tokens, batch, time);
        CheckIds(targets, nameof(targets), batch, time);
        Run(tokens, batch, time);
        targets.CopyTo(Grow(ref _targets, targets.Length));
        int rows = batch * time, v = Description.Vocab;
        CrossEntropy.Forward(_losses.AsSpan(0, rows), Probabilities, Logits, targets, rows, v);
        _hasTargets = true;
        double sum = 0;
        foreach (float l in _losses.AsSpan(0, rows)) sum += l;
        return (float)(sum / rows);
    }

    /// <summary>Runs the model without targets (inference): fills <see cref="Logits"/> and <see cref="Probabilities"/>.</summary>
    /// <param name="tokens">Input token ids, <c>batch·time</c> of them, each in [0, Vocab).</param>
    /// <param name="batch">Batch size.</param>
    /// <param name="time">Sequence length, at most Context.</param>
    public void Forward(ReadOnlySpan<int> tokens, int batch, int time)
    {
        Check(tokens, batch, time);
        Run(tokens, batch, time);
    }

    /// <summary>
    /// Backpropagates the mean loss of the last <see cref="Forward(ReadOnlySpan{int}, ReadOnlySpan{int}, int, int)"/>
    /// and adds the gradient of every parameter into <see cref="Gradients"/>.
    /// </summary>
    public void Backward()
    {
        if (!_hasTargets) throw new InvalidOperationException("Backward needs a preceding Forward with targets.");
        int rows = Batch * Time, v = Description.Vocab;
        var dLogits = _dLogits.AsSpan(0, rows * v);
        dLogits.Clear();
        CrossEntropy.Backward(dLogits, Probabilities, _targets.AsSpan(0, rows), 1f / rows, rows, v);
        BeginStreamGradients();
        BackwardCore(_tokens.AsSpan(0, rows), dLogits, _activations, Grow(ref _scratch, ScratchFloats(Batch, Time)), Batch, Time);
    }

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGradients() => Gradients.Clear();

    /// <summary>
    /// Continues <paramref name="prompt"/> by <paramref name="count"/> tokens, sampling each from the
    /// softmax of the last position's logits divided by <paramref name="temperature"/>, restricted to the
    /// <paramref name="topK"/> most likely tokens when positive. The same seed gives the same text.
    /// </summary>
    /// <param name="prompt">At least one token id.</param>
    /// <param name="count">Tokens to generate.</param>
    /// <param name="temperature">Positive; lower is greedier.</param>
    /// <param name="topK">Keep only the k most likely tokens (0 keeps all; tokens tied with the k-th are kept too).</param>
    /// <param name="seed">Sampling seed.</param>
    /// <returns>The generated tokens (without the prompt).</returns>
    public int[] Generate(ReadOnlySpan<int> prompt, int count, float temperature = 1f, int topK = 0, ulong seed = 0)
    {
        if (prompt.IsEmpty) throw new ArgumentException("prompt needs at least one token.", nameof(prompt));
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!(temperature > 0f) || !float.IsFinite(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be positive and finite.");
        ArgumentOutOfRangeException.ThrowIfNegative(topK);
        CheckIds(prompt, nameof(prompt), 1, prompt.Length);
        int v = Description.Vocab, context = Description.Context;
        // Prompt and continuation in one buffer; each step reads the last Context tokens of it.
        var sequence = new int[prompt.Length + count];
        prompt.CopyTo(sequence);
        var rng = new Rng(seed);
        var weights = new double[v];
        var sorted = topK > 0 && topK < v ? new float[v] : null;
        for (int length = prompt.Length; length < sequence.Length; length++)
        {
            int time = Math.Min(length, context);
            Forward(sequence.AsSpan(length - time, time), 1, time);
            sequence[length] = Sample(Logits.Slice((time - 1) * v, v), temperature, topK, rng, weights, sorted);
        }
        return sequence[prompt.Length..];
    }

    /// <summary>
    /// Draws one token from <c>softmax(logits / temperature)</c>, keeping only logits at least as large as the
    /// <paramref name="topK"/>-th largest (ties at that value are all kept).
    /// </summary>
    private static int Sample(ReadOnlySpan<float> logits, float temperature, int topK, Rng rng, double[] weights, float[]? sorted)
    {
        int v = logits.Length;
        float cutoff = float.NegativeInfinity;
        if (sorted is not null)
        {
            logits.CopyTo(sorted);
            Array.Sort(sorted);
            cutoff = sorted[v - topK];
        }
        float max = float.NegativeInfinity;
        foreach (float l in logits) max = Math.Max(max, l);
        double total = 0;
        for (int j = 0; j < v; j++)
        {
            weights[j] = logits[j] < cutoff ? 0 : Math.Exp((logits[j] - max) / temperature);
            total += weights[j];
        }
        if (!(total > 0) || !double.IsFinite(total))
            throw new InvalidOperationException("The model's logits are not finite (NaN or infinity): the parameters have diverged.");
        double u = rng.NextDouble() * total;
        for (int j = 0; j < v; j++)
        {
            u -= weights[j];
            if (u < 0) return j;
        }
        for (int j = v - 1; j >= 0; j--) if (weights[j] > 0) return j;
        return 0;
    }

    private void Run(ReadOnlySpan<int> tokens, int batch, int time)
    {
        // Until this pass completes, there is no loss to backpropagate.
        _hasTargets = false;
        int rows = batch * time, v = Description.Vocab;
        var activations = Grow(ref _activations, ActivationFloats(batch, time));
        var logits = Grow(ref _logits, (long)rows * v);
        Grow(ref _probs, (long)rows * v);
        Grow(ref _dLogits, (long)rows * v);
        Grow(ref _losses, rows);
        tokens.CopyTo(Grow(ref _tokens, rows));
        Batch = batch;
        Time = time;
        ForwardCore(tokens, logits.Slice(0, rows * v), activations, batch, time);
        CrossEntropy.Softmax(_probs.AsSpan(0, rows * v), Logits, rows, v);
    }

    private void CheckShape(int batch, int time)
    {
        if (batch <= 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be positive.");
        if (time <= 0 || time > Description.Context)
            throw new ArgumentOutOfRangeException(nameof(time), time, $"time must be in 1..{Description.Context} (the declared Context of {Description.Name}).");
    }

    private void Check(ReadOnlySpan<int> tokens, int batch, int time)
    {
        CheckShape(batch, time);
        CheckIds(tokens, nameof(tokens), batch, time);
        long activations = ActivationFloats(batch, time);
        if (activations > Array.MaxLength || ScratchFloats(batch, time) > Array.MaxLength || (long)batch * time * Description.Vocab > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(batch), $"batch {batch} × time {time} needs {activations} activation floats, more than one array can hold.");
    }

    private void CheckIds(ReadOnlySpan<int> ids, string name, int batch, int time)
    {
        if (ids.Length != (long)batch * time)
            throw new ArgumentException($"{name} has {ids.Length} ids; expected batch·time = {batch}·{time} = {(long)batch * time}.", name);
        int v = Description.Vocab;
        for (int i = 0; i < ids.Length; i++)
            if ((uint)ids[i] >= (uint)v)
                throw new ArgumentOutOfRangeException(name, ids[i], $"{name}[{i}] = {ids[i]} is outside the vocabulary [0, {v}).");
    }

    private static Span<T> Grow<T>(ref T[] buffer, long length)
    {
        if (buffer.Length < length) buffer = new T[length];
        return buffer.AsSpan(0, (int)length);
    }

    /// <summary>Floats of activations the generated forward pass keeps for a batch.</summary>
    /// <param name="batch">Batch size.</param>
    /// <param name="time">Sequence length.</param>
    protected abstract long ActivationFloats(int batch, int time);

    /// <summary>Floats of scratch the generated backward pass needs.</summary>
    /// <param name="batch">Batch size.</param>
    /// <param name="time">Sequence length.</param>
    protected abstract long ScratchFloats(int batch, int time);

    /// <summary>Embeds <paramref name="tokens"/>, runs the blocks, the final norm and the tied head into <paramref name="logits"/>.</summary>
    /// <param name="tokens">Validated token ids.</param>
    /// <param name="logits"><c>[batch·time, Vocab]</c>, overwritten.</param>
    /// <param name="activations">At least <see cref="ActivationFloats"/> floats.</param>
    /// <param name="batch">Batch size.</param>
    /// <param name="time">Sequence length.</param>
    protected abstract void ForwardCore(ReadOnlySpan<int> tokens, Span<float> logits, Span<float> activations, int batch, int time);

    /// <summary>Backpropagates <paramref name="dLogits"/> to every parameter, adding into <see cref="Gradients"/>.</summary>
    /// <param name="tokens">The tokens of the forward pass.</param>
    /// <param name="dLogits">Gradient of the loss with respect to the logits.</param>
    /// <param name="activations">What the forward pass saved.</param>
    /// <param name="scratch">At least <see cref="ScratchFloats"/> floats.</param>
    /// <param name="batch">Batch size.</param>
    /// <param name="time">Sequence length.</param>
    protected abstract void BackwardCore(ReadOnlySpan<int> tokens, ReadOnlySpan<float> dLogits, Span<float> activations, Span<float> scratch, int batch, int time);
}

/// <summary>
/// Base class of a declared model: <c>[Model(...)] public partial class TinyGpt : Transformer&lt;GptBlock&gt;;</c>
/// stacks <c>Layers</c> copies of the <typeparamref name="TBlock"/> block between the embeddings and the head.
/// </summary>
/// <typeparam name="TBlock">A <c>[Block]</c> class.</typeparam>
public abstract class Transformer<TBlock> : LanguageModel
    where TBlock : class, IBlock
{
    /// <summary>Called by the generated constructor.</summary>
    /// <param name="description">The declared model.</param>
    /// <param name="layout">Every tensor, in arena order.</param>
    /// <param name="options">Seed and initialisation; defaults when null.</param>
    protected Transformer(ModelDescription description, IReadOnlyList<TensorInfo> layout, ModelOptions? options)
        : base(description, layout, options)
    {
    }
}
