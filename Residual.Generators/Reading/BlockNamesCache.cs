using System.Collections.Concurrent;
using System.Collections.Generic;
using Residual.Generators.Emitting;
using Residual.Generators.Specs;

namespace Residual.Generators.Reading;

/// <summary>
/// <see cref="GeneratedNames.ForBlock"/> by spec value, kept across compilations. Every edit, even one that declares
/// nothing, makes the generator read every declaration again, and walking a block's plan for the names it declares was
/// half of reading a block (≈ 50 µs of ≈ 100 on a bound compilation). The names depend on the spec alone, so a spec
/// equal to one read before takes that spec's names.
/// </summary>
/// <remarks>
/// The sets are shared: callers only ask <c>Contains</c>. Bounded: emptied when it holds <see cref="MaxEntries"/> specs
/// (a few kB each), so a process that opens many projects does not keep every block it ever read.
/// </remarks>
internal static class BlockNamesCache
{
    private const int MaxEntries = 1024;

    private static readonly ConcurrentDictionary<BlockSpec, (ISet<string> Names, IReadOnlyList<(string Member, string Name)> Duplicates)> s_names = new();

    /// <summary>As <see cref="GeneratedNames.ForBlock"/>; do not modify the set.</summary>
    public static (ISet<string> Names, IReadOnlyList<(string Member, string Name)> Duplicates) ForBlock(BlockSpec spec)
    {
        if (s_names.TryGetValue(spec, out var names)) return names;
        names = GeneratedNames.ForBlock(spec);
        if (s_names.Count >= MaxEntries) s_names.Clear();
        s_names[spec] = names;
        return names;
    }
}
