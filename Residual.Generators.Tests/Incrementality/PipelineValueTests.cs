using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Residual.Generators.Tests.Incrementality;

/// <summary>
/// What flows between the generator's steps is plain, value-equatable data: no Roslyn object that would pin a
/// compilation in memory and make every comparison fail, and equal declarations give equal values.
/// </summary>
public class PipelineValueTests
{
    /// <summary>Valid declarations, a custom sublayer, and a refused block the generator stubs.</summary>
    private static readonly string[] s_sources =
    [
        Declarations.Gpt,
        Declarations.Custom,
        Declarations.ResidualOptions,
        """
        using Residual;

        namespace Refused;

        [Block(Width = 16)]
        public partial class NoResidual
        {
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        """,
    ];

    private static readonly Type[] s_roslynObjects =
        [typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(SemanticModel), typeof(Compilation), typeof(Location), typeof(SyntaxReference), typeof(AttributeData)];

    private static GeneratorRunResult Run() =>
        IncrementalRun.Driver().RunGenerators(IncrementalRun.Compile(s_sources)).GetRunResult().Results.Single();

    [Fact]
    public void No_step_output_reaches_a_symbol_syntax_compilation_or_attribute()
    {
        var result = Run();
        Assert.NotEmpty(IncrementalRun.Texts(result));
        Assert.Contains(result.GeneratedSources, s => s.SourceText.ToString().Contains("did not generate", StringComparison.Ordinal));

        foreach (string step in ResidualGenerator.TrackedSteps)
        {
            var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Value).ToList();
            Assert.NotEmpty(outputs);
            foreach (var value in outputs)
                Assert.Equal([], RoslynObjectsReachableFrom(value, step));
        }
    }

    /// <summary>The walk itself finds what it looks for, through a tuple, an array and an immutable array.</summary>
    [Fact]
    public void The_walk_finds_a_symbol_hidden_in_nested_values()
    {
        var compilation = IncrementalRun.Compile("class C { }");
        var symbol = compilation.GetTypeByMetadataName("C")!;
        object hidden = ("name", new object[] { 1, ImmutableArray.Create<object>("x", new List<object> { symbol }) });

        Assert.Single(RoslynObjectsReachableFrom(hidden, "test"));
        Assert.Single(RoslynObjectsReachableFrom(new Holder(compilation.SyntaxTrees[0].GetRoot()), "test"));
        Assert.Empty(RoslynObjectsReachableFrom(("name", 1, new[] { "a" }), "test"));
    }

    private sealed record Holder(object Value);

    [Fact]
    public void Reading_the_same_declarations_from_separately_parsed_compilations_gives_equal_values_and_hashes()
    {
        var one = Run();
        var other = Run();

        foreach (string step in ResidualGenerator.TrackedSteps)
        {
            var first = one.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Value).ToList();
            var second = other.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Value).ToList();
            Assert.Equal(first.Count, second.Count);
            for (int i = 0; i < first.Count; i++)
                AssertValueEqual(first[i], second[i], $"{step}[{i}]");
        }
    }

    /// <summary>
    /// Equal, with equal hash codes. Roslyn's own carriers (the tuples of Combine, the immutable arrays of Collect) are
    /// compared item by item; every value the generator defines must be equal by itself.
    /// </summary>
    private static void AssertValueEqual(object? a, object? b, string where)
    {
        if (a is null || b is null)
        {
            Assert.True(a is null && b is null, $"{where}: one value is null");
            return;
        }
        Assert.Equal(a.GetType(), b.GetType());
        if (a is ITuple ta && b is ITuple tb)
        {
            for (int i = 0; i < ta.Length; i++) AssertValueEqual(ta[i], tb[i], $"{where}.Item{i + 1}");
            return;
        }
        if (a.GetType().IsGenericType && a.GetType().GetGenericTypeDefinition() == typeof(ImmutableArray<>))
        {
            var ia = ((IEnumerable)a).Cast<object?>().ToList();
            var ib = ((IEnumerable)b).Cast<object?>().ToList();
            Assert.Equal(ia.Count, ib.Count);
            for (int i = 0; i < ia.Count; i++) AssertValueEqual(ia[i], ib[i], $"{where}[{i}]");
            return;
        }
        Assert.NotSame(a, b);
        Assert.True(a.Equals(b), $"{where}: {a.GetType().Name} values read from separate compilations are not equal");
        Assert.True(a.GetHashCode() == b.GetHashCode(), $"{where}: equal {a.GetType().Name} values have different hash codes");
    }

    /// <summary>Every Roslyn object reachable from <paramref name="root"/> through fields (any depth), with its path.</summary>
    private static List<string> RoslynObjectsReachableFrom(object? root, string name)
    {
        var found = new List<string>();
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(object? Value, string Path)>();
        pending.Push((root, name));
        while (pending.Count > 0)
        {
            var (value, path) = pending.Pop();
            if (value is null) continue;
            var type = value.GetType();
            if (s_roslynObjects.Any(t => t.IsAssignableFrom(type)))
            {
                found.Add($"{path}: {type.FullName}");
                continue;
            }
            if (type.IsPrimitive || type.IsEnum || value is string or decimal) continue;
            // Boxed structs are distinct boxes each time: only reference types can close a cycle.
            if (!type.IsValueType && !visited.Add(value)) continue;
            if (value is Array array)
            {
                int i = 0;
                foreach (var item in array) pending.Push((item, $"{path}[{i++}]"));
                continue;
            }
            // Fields, public or not, of the type and its bases: EquatableArray's array, ImmutableArray's, a record's, a tuple's.
            for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
                foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                    pending.Push((field.GetValue(value), $"{path}.{field.Name}"));
        }
        return found;
    }
}
