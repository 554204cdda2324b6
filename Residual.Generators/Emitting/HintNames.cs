using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Residual.Generators.Emitting;

/// <summary>
/// Hint names of the generated files: <c>&lt;Type&gt;.Residual.g.cs</c>, qualified by the namespace when two
/// generated types share a name, and given a short hash of the fully qualified name when they would still
/// collide. Roslyn compares hint names ignoring case (AddSource throws on a duplicate, CS8785), so every
/// comparison here ignores case too: <c>Foo</c> and <c>foo</c>, or <c>A.Foo</c> and <c>a.Foo</c>, get distinct names.
/// </summary>
internal static class HintNames
{
    public const string Suffix = ".Residual.g.cs";

    /// <summary>
    /// One hint name per distinct fully qualified name in <paramref name="types"/> (namespace, name, full name).
    /// The result does not depend on the order of <paramref name="types"/>, and no two names are equal ignoring case.
    /// </summary>
    public static Dictionary<string, string> Assign(IEnumerable<(string Namespace, string Name, string FullName)> types)
    {
        var distinct = types
            .GroupBy(t => t.FullName, StringComparer.Ordinal)
            .Select(g => g.First())
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();

        var sameName = distinct.GroupBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        var stems = distinct.ToDictionary(
            t => t.FullName,
            t => sameName[t.Name] > 1 && t.Namespace.Length > 0 ? t.Namespace + "." + t.Name : t.Name,
            StringComparer.Ordinal);
        var stemCount = stems.Values.GroupBy(s => s, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var t in distinct)
        {
            string stem = stems[t.FullName];
            // Stems that differ only in case (or a global type beside a namespace of the same dotted name): add a
            // hash of the full name, which is stable across builds and independent of the other types.
            string hint = stemCount[stem] > 1 ? $"{stem}.{Hash(t.FullName)}{Suffix}" : stem + Suffix;
            // A hash collision (or a stem that already looks like stem.hash) still must not throw: count on.
            for (int n = 2; !used.Add(hint); n++)
                hint = $"{stem}.{Hash(t.FullName)}_{n}{Suffix}";
            result[t.FullName] = hint;
        }
        return result;
    }

    /// <summary>FNV-1a over the UTF-16 code units, as 8 hex digits (string.GetHashCode is randomised per process).</summary>
    internal static string Hash(string text)
    {
        uint h = 2166136261;
        foreach (char c in text)
        {
            h ^= c;
            h *= 16777619;
        }
        return h.ToString("x8", CultureInfo.InvariantCulture);
    }
}
