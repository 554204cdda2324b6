using System;

namespace Residual;

/// <summary>Fills a parameter arena according to each tensor's <see cref="ParameterInit"/>, deterministically for a seed.</summary>
public static class Initializer
{
    /// <summary>Initialises every tensor of <paramref name="arena"/> in layout order.</summary>
    /// <param name="arena">The parameters.</param>
    /// <param name="options">Seed, standard deviation and output-projection policy.</param>
    /// <param name="layers">Depth used by <see cref="OutputInit.Scaled"/> (<c>std / sqrt(2·layers)</c>).</param>
    public static void Initialize(ParameterArena arena, ModelOptions options, int layers)
    {
        ArgumentNullException.ThrowIfNull(arena);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layers);
        // Everything is checked before the first tensor is written.
        if (!float.IsFinite(options.InitStd) || options.InitStd < 0f)
            throw new ArgumentOutOfRangeException(nameof(options), options.InitStd, "options.InitStd must be finite and not negative.");
        if (!Enum.IsDefined(options.OutputInit))
            throw new ArgumentOutOfRangeException(nameof(options), options.OutputInit, "options.OutputInit must be Scaled, Normal or Zero.");
        foreach (var t in arena.Tensors)
            if (!Enum.IsDefined(t.Init))
                throw new ArgumentOutOfRangeException(nameof(arena), t.Init, $"Tensor '{t.Name}' has an unknown ParameterInit.");
        var rng = new Rng(options.Seed);
        foreach (var t in arena.Tensors)
        {
            var span = arena.Data.AsSpan(t.Offset, t.Count);
            switch (t.Init)
            {
                case ParameterInit.Zeros: span.Clear(); break;
                case ParameterInit.Ones: span.Fill(1f); break;
                case ParameterInit.Constant: span.Fill(t.Value); break;
                case ParameterInit.Normal: FillNormal(span, options.InitStd, rng); break;
                case ParameterInit.ResidualOutput:
                    switch (options.OutputInit)
                    {
                        case OutputInit.Zero: span.Clear(); break;
                        case OutputInit.Scaled: FillNormal(span, options.InitStd / MathF.Sqrt(2f * layers), rng); break;
                        case OutputInit.Normal: FillNormal(span, options.InitStd, rng); break;
                    }
                    break;
            }
        }
    }

    private static void FillNormal(Span<float> span, float std, Rng rng)
    {
        for (int i = 0; i < span.Length; i++) span[i] = (float)(rng.NextNormal() * std);
    }
}
