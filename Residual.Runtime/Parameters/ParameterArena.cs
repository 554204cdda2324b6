using System;
using System.Collections.Generic;
using System.Linq;

namespace Residual;

/// <summary>
/// One contiguous block of floats holding every tensor of a model (or of a standalone block), with
/// named offsets (llm.c style). Parameters and gradients use two arenas with the same layout, so an
/// optimizer walks both as flat arrays.
/// </summary>
public sealed class ParameterArena
{
    private readonly Dictionary<string, TensorInfo> _byName;

    /// <summary>Creates a zeroed arena for <paramref name="tensors"/>, which must tile it without gaps or overlaps.</summary>
    /// <param name="tensors">The tensors, in layout order.</param>
    public ParameterArena(IReadOnlyList<TensorInfo> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        int offset = 0;
        _byName = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            if (t.Offset != offset)
                throw new ArgumentException($"Tensor '{t.Name}' starts at {t.Offset}; expected {offset} (tensors must be contiguous, in order).", nameof(tensors));
            if (!_byName.TryAdd(t.Name, t))
                throw new ArgumentException($"Tensor name '{t.Name}' appears twice.", nameof(tensors));
            offset = checked(offset + t.Count);
        }
        Tensors = tensors.ToArray();
        Data = new float[offset];
    }

    /// <summary>All floats, in layout order.</summary>
    public float[] Data { get; }

    /// <summary>Number of floats.</summary>
    public int Count => Data.Length;

    /// <summary>The tensors, in layout order.</summary>
    public IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>Finds a tensor's layout entry by name.</summary>
    /// <param name="name">GPT-2 style name such as <c>h.0.ln_1.weight</c>.</param>
    public TensorInfo Info(string name) =>
        _byName.TryGetValue(name, out var t) ? t
        : throw new KeyNotFoundException($"No tensor named '{name}'. Known tensors: {string.Join(", ", Tensors.Take(8).Select(x => x.Name))}{(Tensors.Count > 8 ? ", ..." : "")}.");

    /// <summary>Whether a tensor of that name exists.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The floats of one tensor.</summary>
    /// <param name="name">GPT-2 style name such as <c>h.0.ln_1.weight</c>.</param>
    public Span<float> this[string name]
    {
        get
        {
            var t = Info(name);
            return Data.AsSpan(t.Offset, t.Count);
        }
    }

    /// <summary>Sets every float to zero.</summary>
    public void Clear() => Array.Clear(Data);
}
