namespace Residual;

/// <summary>The normalisation applied around a sublayer or before the model's head.</summary>
public enum Norm
{
    /// <summary>No normalisation.</summary>
    None = 0,

    /// <summary>LayerNorm: <c>(x - mean) / sqrt(var + eps) * weight + bias</c> over the width.</summary>
    LayerNorm = 1,

    /// <summary>RMSNorm: <c>x / sqrt(mean(x²) + eps) * weight</c> over the width (no bias, no centring).</summary>
    RMSNorm = 2,
}

/// <summary>The nonlinearity between the two linear layers of a <see cref="FeedForward"/> sublayer.</summary>
public enum Activation
{
    /// <summary>GELU, tanh approximation (GPT-2).</summary>
    Gelu = 0,

    /// <summary>ReLU: <c>max(0, x)</c>.</summary>
    Relu = 1,
}
