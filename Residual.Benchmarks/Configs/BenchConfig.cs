using System;
using System.Collections.Generic;
using System.Linq;
using Residual;

namespace Residual.Benchmarks;

/// <summary>
/// One of the speed issue's configs: a stack of <see cref="Layers"/> GPT-2 pre-norm blocks of width
/// <see cref="Width"/> run on a batch of <see cref="Batch"/> × <see cref="Time"/> tokens. These names and
/// shapes are shared with <c>bench/torch_blocks.py</c>.
/// </summary>
public sealed record BenchConfig(string Name, int Batch, int Time, int Width, int Heads, int Layers)
{
    /// <summary>S, M, L, XL as the issue defines them.</summary>
    public static IReadOnlyList<BenchConfig> All { get; } =
    [
        new("S", 4, 64, 128, 4, 4),
        new("M", 8, 128, 256, 8, 4),
        new("L", 4, 256, 512, 8, 4),
        new("XL", 4, 256, 768, 12, 2),
    ];

    /// <summary>The config called <paramref name="name"/> (case-insensitive).</summary>
    public static BenchConfig Named(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown config '{name}'; expected one of {string.Join(", ", All.Select(c => c.Name))}.", nameof(name));

    /// <summary>
    /// FLOPs of one forward + backward, counted as the issue does: 3 × forward, forward =
    /// L·(24·B·T·C² + 4·B·T²·C) (dense attention).
    /// </summary>
    public double FlopsPerStep => 3.0 * Layers * (24.0 * Batch * Time * Width * Width + 4.0 * Batch * (double)Time * Time * Width);

    /// <summary>A stack of this config's generated blocks with its buffers, ready to run.</summary>
    public BlockStack CreateStack(ulong seed = 1) => new(Enumerable.Range(0, Layers).Select(i => CreateBlock(seed + (ulong)i)).ToArray(), Batch, Time, Width);

    private IBlock CreateBlock(ulong seed)
    {
        var options = new ModelOptions { Seed = seed };
        return Name switch
        {
            "S" => new SBlock(options),
            "M" => new MBlock(options),
            "L" => new LBlock(options),
            "XL" => new XlBlock(options),
            _ => throw new InvalidOperationException($"No block declared for config {Name}."),
        };
    }
}
