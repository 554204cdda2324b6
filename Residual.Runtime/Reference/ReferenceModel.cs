using System;

namespace Residual.Reference;

/// <summary>
/// Interprets a <see cref="ModelDescription"/> in double precision: token plus position embedding,
/// <c>Layers</c> copies of the block (layer <c>l</c> reads the tensors <c>h.{l}.*</c>), the final norm
/// <c>ln_f</c> (skipped for <see cref="Norm.None"/>), a head tied to the token embedding
/// (<c>logits = x·wteᵀ</c>, no bias) and the mean cross-entropy over all positions. Parameters are
/// laid out exactly as <see cref="Layouts.Model(ModelDescription, System.Func{SublayerDescription, System.Collections.Generic.IReadOnlyList{ParameterShape}})"/> says; tensors are found there by name.
/// </summary>
public static class ReferenceModel
{
    /// <summary>Runs the model and keeps everything the backward pass needs.</summary>
    /// <param name="model">The model.</param>
    /// <param name="parameters">The model's parameters, laid out per <see cref="Layouts.Model(ModelDescription, System.Func{SublayerDescription, System.Collections.Generic.IReadOnlyList{ParameterShape}})"/>.</param>
    /// <param name="tokens">Input token ids, <c>[batch, time]</c>, each in <c>[0, Vocab)</c>.</param>
    /// <param name="targets">
    /// Target token ids, <c>[batch, time]</c>, each in <c>[0, Vocab)</c>; or empty to compute only the logits
    /// (the loss is then <see cref="double.NaN"/> and there is nothing to differentiate).
    /// </param>
    /// <param name="batch">Batch size.</param>
    /// <param name="time">Sequence length, at most <c>Context</c>.</param>
    /// <returns>The loss, logits and saved activations.</returns>
    /// <exception cref="NotSupportedException">The block has a custom sublayer.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length or the description is inconsistent.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> exceeds the context, or a token id is outside the vocabulary.</exception>
    public static ReferenceModelActivations Forward(ModelDescription model, ReadOnlySpan<double> parameters, ReadOnlySpan<int> tokens, ReadOnlySpan<int> targets, int batch, int time)
    {
        var table = Prepare(model);
        ReferenceGuard.Positive(batch, nameof(batch));
        ReferenceGuard.Positive(time, nameof(time));
        if (time > model.Context)
            throw new ArgumentOutOfRangeException(nameof(time), time, $"time ({time}) exceeds the context of model '{model.Name}' ({model.Context}).");
        ReferenceGuard.Length(parameters.Length, table.Count, nameof(parameters), "floats in Layouts.Model(model)");
        int rows = batch * time, c = model.Block.Width, v = model.Vocab;
        ReferenceGuard.Length(tokens.Length, rows, nameof(tokens), "batch·time");
        ReferenceGuard.Ids(tokens, v, nameof(tokens), "vocabulary");
        if (!targets.IsEmpty)
        {
            ReferenceGuard.Length(targets.Length, rows, nameof(targets), "batch·time, or 0 for no loss");
            ReferenceGuard.Ids(targets, v, nameof(targets), "vocabulary");
        }
        var t = Resolve(model, table);

        var x0 = new double[rows * c];
        ReferenceKernels.EmbeddingForward(x0, tokens, Slice(parameters, t.Wte), Slice(parameters, t.Wpe), batch, time, c);

        var layers = new ReferenceBlockActivations[model.Layers];
        double[] stream = x0;
        for (int l = 0; l < layers.Length; l++)
        {
            layers[l] = ReferenceBlock.ForwardCore(model.Block, t.Layers[l], parameters, stream, batch, time);
            stream = layers[l].OutputArray;
        }

        double[] xf = stream, mean = [], rstd = [];
        if (t.FinalNorm is not null)
        {
            xf = new double[rows * c];
            mean = new double[rows];
            rstd = new double[rows];
            t.FinalNorm.Forward(parameters, xf, mean, rstd, stream, rows, c);
        }

        var logits = new double[rows * v];
        ReferenceKernels.MatMulForward(logits, xf, Slice(parameters, t.Wte), ReadOnlySpan<double>.Empty, rows, c, v);
        var probs = new double[rows * v];
        ReferenceKernels.SoftmaxForward(probs, logits, rows, v);

        double loss = double.NaN;
        if (!targets.IsEmpty)
        {
            var losses = new double[rows];
            ReferenceKernels.CrossEntropyForward(losses, probs, targets, rows, v);
            loss = 0.0;
            foreach (double l in losses) loss += l;
            loss /= rows;
        }

        return new ReferenceModelActivations(model, batch, time, tokens.ToArray(), targets.ToArray(), layers, stream, mean, rstd, xf, logits, probs, loss);
    }

    /// <summary>
    /// Backward pass of <see cref="Forward"/>: adds the gradient of <see cref="ReferenceModelActivations.Loss"/>
    /// with respect to every parameter into <paramref name="dParameters"/>.
    /// </summary>
    /// <param name="model">The model given to <see cref="Forward"/>.</param>
    /// <param name="parameters">The parameters given to <see cref="Forward"/>.</param>
    /// <param name="activations">What <see cref="Forward"/> returned; it must have been given targets.</param>
    /// <param name="dParameters">Parameter gradients, same layout as <paramref name="parameters"/>; accumulated.</param>
    /// <exception cref="ArgumentException">A span has the wrong length, or <paramref name="activations"/> belong to another model.</exception>
    /// <exception cref="InvalidOperationException">The forward pass had no targets.</exception>
    public static void Backward(ModelDescription model, ReadOnlySpan<double> parameters, ReferenceModelActivations activations, Span<double> dParameters)
    {
        var table = Prepare(model);
        ArgumentNullException.ThrowIfNull(activations);
        if (!model.Equals(activations.Model))
            throw new ArgumentException($"The activations come from model '{activations.Model.Name}', not from '{model.Name}'.", nameof(activations));
        if (activations.Targets.Length == 0)
            throw new InvalidOperationException("The forward pass was run without targets, so there is no loss to differentiate.");
        ReferenceGuard.Length(parameters.Length, table.Count, nameof(parameters), "floats in Layouts.Model(model)");
        ReferenceGuard.Length(dParameters.Length, table.Count, nameof(dParameters), "floats in Layouts.Model(model)");
        var t = Resolve(model, table);
        int batch = activations.Batch, time = activations.Time, rows = batch * time, c = model.Block.Width, v = model.Vocab;

        // loss = mean_r CE_r: through softmax and cross-entropy at once.
        var dLogits = new double[rows * v];
        ReferenceKernels.CrossEntropyBackward(dLogits, activations.ProbabilitiesArray, activations.Targets, 1.0 / rows, rows, v);

        // Tied head: logits = xf·wteᵀ.
        var dXf = new double[rows * c];
        ReferenceKernels.MatMulBackwardInput(dXf, dLogits, Slice(parameters, t.Wte), rows, c, v);
        ReferenceKernels.MatMulBackwardWeight(Slice(dParameters, t.Wte), dLogits, activations.Final, rows, c, v);

        double[] dStream = dXf;
        if (t.FinalNorm is not null)
        {
            dStream = new double[rows * c];
            t.FinalNorm.Backward(parameters, dParameters, dStream, dXf, activations.LastStream, activations.FinalMean, activations.FinalRstd, rows, c);
        }

        for (int l = model.Layers - 1; l >= 0; l--)
        {
            var dPrevious = new double[rows * c];
            ReferenceBlock.BackwardCore(model.Block, t.Layers[l], parameters, activations.Layers[l], dStream, dPrevious, dParameters);
            dStream = dPrevious;
        }

        ReferenceKernels.EmbeddingBackward(Slice(dParameters, t.Wte), Slice(dParameters, t.Wpe), dStream, activations.Tokens, batch, time, c);
    }

    private static TensorTable Prepare(ModelDescription model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Vocab <= 0 || model.Context <= 0 || model.Layers < 0)
            throw new ArgumentException($"Model '{model.Name}' has Vocab {model.Vocab}, Context {model.Context}, Layers {model.Layers}; Vocab and Context must be positive and Layers non-negative.", nameof(model));
        if (model.FinalNorm is not (Norm.None or Norm.LayerNorm or Norm.RMSNorm))
            throw new ArgumentException($"Model '{model.Name}' has unknown final norm {model.FinalNorm}.", nameof(model));
        ReferenceBlock.Validate(model.Block, nameof(model));
        return new TensorTable(Layouts.Model(model));
    }

    private static ModelTensors Resolve(ModelDescription model, TensorTable table)
    {
        int c = model.Block.Width;
        var layers = new BlockTensors[model.Layers];
        for (int l = 0; l < layers.Length; l++) layers[l] = SublayerTensors.Resolve(model.Block, table, $"h.{l}.");
        return new ModelTensors(
            table.Find("wte.weight", (long)model.Vocab * c),
            table.Find("wpe.weight", (long)model.Context * c),
            layers,
            model.FinalNorm == Norm.None ? null : NormTensors.Resolve(table, model.FinalNorm, "ln_f", c));
    }

    private static ReadOnlySpan<double> Slice(ReadOnlySpan<double> span, TensorInfo t) => span.Slice(t.Offset, t.Count);

    private static Span<double> Slice(Span<double> span, TensorInfo t) => span.Slice(t.Offset, t.Count);

    private sealed record ModelTensors(TensorInfo Wte, TensorInfo Wpe, BlockTensors[] Layers, NormTensors? FinalNorm);
}

/// <summary>
/// What <see cref="ReferenceModel.Forward"/> computed: the loss, the logits and probabilities, and every
/// intermediate tensor the backward pass reads. Pass it unchanged to <see cref="ReferenceModel.Backward"/>.
/// </summary>
public sealed class ReferenceModelActivations
{
    private readonly double[] _logits;

    internal ReferenceModelActivations(ModelDescription model, int batch, int time, int[] tokens, int[] targets, ReferenceBlockActivations[] layers, double[] lastStream, double[] finalMean, double[] finalRstd, double[] final, double[] logits, double[] probabilities, double loss)
    {
        Model = model;
        Batch = batch;
        Time = time;
        Tokens = tokens;
        Targets = targets;
        Layers = layers;
        LastStream = lastStream;
        FinalMean = finalMean;
        FinalRstd = finalRstd;
        Final = final;
        _logits = logits;
        ProbabilitiesArray = probabilities;
        Loss = loss;
    }

    /// <summary>The model that produced these activations.</summary>
    public ModelDescription Model { get; }

    /// <summary>Batch size.</summary>
    public int Batch { get; }

    /// <summary>Sequence length.</summary>
    public int Time { get; }

    /// <summary>Mean cross-entropy over all <c>batch·time</c> positions; <see cref="double.NaN"/> when no targets were given.</summary>
    public double Loss { get; }

    /// <summary>Logits, <c>[batch, time, Vocab]</c>.</summary>
    public ReadOnlySpan<double> Logits => _logits;

    /// <summary>Softmax of the logits, <c>[batch, time, Vocab]</c>.</summary>
    public ReadOnlySpan<double> Probabilities => ProbabilitiesArray;

    internal int[] Tokens { get; }

    internal int[] Targets { get; }

    internal ReferenceBlockActivations[] Layers { get; }

    /// <summary>Output of the last block (input of the final norm).</summary>
    internal double[] LastStream { get; }

    internal double[] FinalMean { get; }

    internal double[] FinalRstd { get; }

    /// <summary>Input of the head: the final norm's output, or <see cref="LastStream"/> without a final norm.</summary>
    internal double[] Final { get; }

    internal double[] ProbabilitiesArray { get; }
}
