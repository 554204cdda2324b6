using System;
using System.Collections.Generic;
using System.Linq;
using Residual.Samples.Experiments.Models;

namespace Residual.Samples.Experiments;

/// <summary>
/// The experiments' models: one small block per <see cref="Wiring"/> (Models/), stacked at each of
/// <see cref="Depths"/>. Every (wiring, depth) pair is its own <c>[Model]</c> declaration, since Layers is a
/// compile-time constant; this class picks the right one at run time.
/// </summary>
public static class DepthModels
{
    /// <summary>Residual-stream width of every block.</summary>
    public const int Width = 32;

    /// <summary>Attention heads (head size 8).</summary>
    public const int Heads = 4;

    /// <summary>Hidden width of the feed-forward sublayer.</summary>
    public const int Hidden = 128;

    /// <summary>Longest sequence (characters) the models read.</summary>
    public const int Context = 32;

    /// <summary>Every depth with a declaration.</summary>
    public static IReadOnlyList<int> Depths { get; } = [2, 4, 8, 16, 32, 64];

    /// <summary>The wirings with a declaration, in report order.</summary>
    public static IReadOnlyList<Wiring> Wirings { get; } = [Wiring.PreNorm, Wiring.PostNorm, Wiring.WholeBlock, Wiring.Plain];

    /// <summary>Creates the model of <paramref name="wiring"/> at <paramref name="depth"/>, initialised from <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No declaration for that wiring or depth.</exception>
    public static LanguageModel Create(Wiring wiring, int depth, ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        LanguageModel? model = (wiring, depth) switch
        {
            (Wiring.PreNorm, 2) => new PreNorm2(options),
            (Wiring.PreNorm, 4) => new PreNorm4(options),
            (Wiring.PreNorm, 8) => new PreNorm8(options),
            (Wiring.PreNorm, 16) => new PreNorm16(options),
            (Wiring.PreNorm, 32) => new PreNorm32(options),
            (Wiring.PreNorm, 64) => new PreNorm64(options),
            (Wiring.PostNorm, 2) => new PostNorm2(options),
            (Wiring.PostNorm, 4) => new PostNorm4(options),
            (Wiring.PostNorm, 8) => new PostNorm8(options),
            (Wiring.PostNorm, 16) => new PostNorm16(options),
            (Wiring.PostNorm, 32) => new PostNorm32(options),
            (Wiring.PostNorm, 64) => new PostNorm64(options),
            (Wiring.WholeBlock, 2) => new WholeBlock2(options),
            (Wiring.WholeBlock, 4) => new WholeBlock4(options),
            (Wiring.WholeBlock, 8) => new WholeBlock8(options),
            (Wiring.WholeBlock, 16) => new WholeBlock16(options),
            (Wiring.WholeBlock, 32) => new WholeBlock32(options),
            (Wiring.WholeBlock, 64) => new WholeBlock64(options),
            (Wiring.Plain, 2) => new Plain2(options),
            (Wiring.Plain, 4) => new Plain4(options),
            (Wiring.Plain, 8) => new Plain8(options),
            (Wiring.Plain, 16) => new Plain16(options),
            (Wiring.Plain, 32) => new Plain32(options),
            (Wiring.Plain, 64) => new Plain64(options),
            _ => null,
        };
        if (model is null)
        {
            if (!Wirings.Contains(wiring))
                throw new ArgumentOutOfRangeException(nameof(wiring), wiring, $"No declaration for wiring {wiring}; declared: {string.Join(", ", Wirings)}.");
            throw new ArgumentOutOfRangeException(nameof(depth), depth, $"No declaration of depth {depth}; declared depths: {string.Join(", ", Depths)}.");
        }
        return model;
    }
}
