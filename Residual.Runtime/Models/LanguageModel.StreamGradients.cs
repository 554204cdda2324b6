using System;

namespace Residual;

// The residual stream's gradient, layer by layer: the quantity of Xiong et al. (2020), "On Layer Normalization
// in the Transformer Architecture", Figure 3. The generated backward pass hands dL/dx to OnStreamGradient at
// every layer boundary; recording is off by default, so a training step pays one flag test per layer.
public abstract partial class LanguageModel
{
    private double[] _streamGradientNorms = [];
    private bool _recordStreamGradients;

    /// <summary>
    /// When true, every <see cref="Backward"/> records the L2 norm of the residual stream's gradient at each layer
    /// boundary into <see cref="StreamGradientNorms"/>. Off by default; turning it on allocates <c>Layers + 1</c>
    /// doubles once, and each recording backward pass then reads every stream gradient once more (no allocation).
    /// </summary>
    public bool RecordStreamGradients
    {
        get => _recordStreamGradients;
        set
        {
            if (value && _streamGradientNorms.Length == 0)
            {
                _streamGradientNorms = new double[Description.Layers + 1];
                _streamGradientNorms.AsSpan().Fill(double.NaN);
            }
            _recordStreamGradients = value;
        }
    }

    /// <summary>
    /// The norms the last <see cref="Backward"/> recorded while <see cref="RecordStreamGradients"/> was on, <c>Layers + 1</c> of
    /// them: element <c>l &lt; Layers</c> is <c>‖dL/dx‖</c> over all <c>batch·time·Width</c> floats of the stream entering
    /// layer <c>h.l</c> (element 0: the embedding output <c>wte[token] + wpe[position]</c>); element <c>Layers</c> is the
    /// stream leaving the last layer (the input of <c>ln_f</c>, or of the head without a final norm). L is the mean loss
    /// that <see cref="Forward(ReadOnlySpan{int}, ReadOnlySpan{int}, int, int)"/> returned. NaN until a recording backward
    /// pass has run; empty while recording has never been turned on.
    /// </summary>
    public ReadOnlySpan<double> StreamGradientNorms => _streamGradientNorms;

    /// <summary>
    /// Called by the generated backward pass once <paramref name="gradient"/> holds the complete <c>dL/dx</c> of the
    /// stream entering layer <paramref name="layer"/> (or, for <c>layer == Layers</c>, leaving the last layer).
    /// </summary>
    /// <param name="layer">Stream index, 0..Layers.</param>
    /// <param name="gradient">dL/dx of that stream, <c>[batch·time, Width]</c>.</param>
    protected void OnStreamGradient(int layer, ReadOnlySpan<float> gradient)
    {
        if (!_recordStreamGradients) return;
        if ((uint)layer >= (uint)_streamGradientNorms.Length)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"layer must be in 0..{Description.Layers}.");
        double sum = 0;
        foreach (float g in gradient) sum += (double)g * g;
        _streamGradientNorms[layer] = Math.Sqrt(sum);
    }

    // A backward pass that fails half-way leaves NaN, not the previous pass's norms, in the layers it did not reach.
    private void BeginStreamGradients()
    {
        if (_recordStreamGradients) _streamGradientNorms.AsSpan().Fill(double.NaN);
    }
}
