using System;
using System.Collections.Generic;
using System.Linq;
using Residual.Generators.Specs;

namespace Residual.Generators.Emitting;

/// <summary>
/// The hint name of every generated type (see <see cref="HintNames"/>), by fully qualified name. Value-equatable, so
/// the pipeline step that holds it stays cached while no generated type is added, removed or renamed.
/// </summary>
internal sealed class HintTable : IEquatable<HintTable>
{
    // Sorted by full name (ordinal): equal tables have equal arrays, and a look-up is a binary search.
    private readonly EquatableArray<Entry> _entries;

    private HintTable(IEnumerable<Entry> entries) =>
        _entries = new EquatableArray<Entry>(entries.OrderBy(e => e.FullName, StringComparer.Ordinal));

    /// <summary>
    /// Hint names for the written <paramref name="blocks"/> and <paramref name="models"/>. A class declared both
    /// (an error the analyzers report) gets one file, its block's, as a hint name can be added only once.
    /// </summary>
    public static HintTable Assign(IReadOnlyList<GeneratedType> blocks, IReadOnlyList<GeneratedType> models)
    {
        var hints = HintNames.Assign(blocks.Concat(models).Select(t => (t.Namespace, t.Name, t.FullName)));
        var blockNames = new HashSet<string>(blocks.Select(b => b.FullName), StringComparer.Ordinal);
        return new HintTable(hints.Select(h => new Entry(h.Key, h.Value, ForModel: !blockNames.Contains(h.Key))));
    }

    /// <summary>The hint name of a block's file, or null when none is written for it.</summary>
    public string? ForBlock(string fullName) => Find(fullName) is { ForModel: false } e ? e.Hint : null;

    /// <summary>The hint name of a model's file, or null when none is written for it.</summary>
    public string? ForModel(string fullName) => Find(fullName) is { ForModel: true } e ? e.Hint : null;

    /// <summary>The hint name of whichever file is written for <paramref name="fullName"/>, or null.</summary>
    public string? Any(string fullName) => Find(fullName)?.Hint;

    private Entry? Find(string fullName)
    {
        int lo = 0, hi = _entries.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = string.CompareOrdinal(_entries[mid].FullName, fullName);
            if (c == 0) return _entries[mid];
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return null;
    }

    public bool Equals(HintTable? other) => other is not null && (ReferenceEquals(this, other) || _entries.Equals(other._entries));

    public override bool Equals(object? obj) => Equals(obj as HintTable);

    public override int GetHashCode() => _entries.GetHashCode();

    private readonly record struct Entry(string FullName, string Hint, bool ForModel);
}
