using System;
using System.Linq;
using Residual.Generators.Tests.Infrastructure;
using Xunit;

namespace Residual.Generators.Tests;

/// <summary>Hint names are <c>&lt;Type&gt;.Residual.g.cs</c>, qualified by the namespace only when two generated types share a name.</summary>
public class HintNameTests
{
    private static string BlockAndModel(string ns, int width) => $$"""
        using Residual;

        namespace {{ns}}
        {
            [Block(Width = {{width}})]
            public partial class GptBlock
            {
                [Residual, PreNorm(Norm.LayerNorm)]
                [Sublayer(typeof(Attention), Heads = 2)]
                public partial Attention Attend { get; }

                [Residual, PreNorm(Norm.LayerNorm)]
                [Sublayer(typeof(FeedForward))]
                public partial FeedForward Mix { get; }
            }

            [Model(Vocab = 5, Context = 4, Layers = 1)]
            public partial class TinyGpt : Transformer<GptBlock>;
        }
        """;

    [Fact]
    public void Blocks_and_models_with_the_same_name_in_different_namespaces_get_distinct_hint_names_and_compile()
    {
        var run = GeneratorHarness.Run(BlockAndModel("First", 8), BlockAndModel("Second.Inner", 16));

        run.AssertNoGeneratorException();
        Assert.Equal(
            ["First.GptBlock.Residual.g.cs", "First.TinyGpt.Residual.g.cs", "Second.Inner.GptBlock.Residual.g.cs", "Second.Inner.TinyGpt.Residual.g.cs"],
            run.Sources.Keys.Order(StringComparer.Ordinal));
        // Each file is the one for its own declaration.
        Assert.Contains("public const int Width = 8;", run.Sources["First.GptBlock.Residual.g.cs"]);
        Assert.Contains("public const int Width = 16;", run.Sources["Second.Inner.GptBlock.Residual.g.cs"]);
        run.AssertCleanCompilation();
    }

    [Fact]
    public void A_block_in_the_global_namespace_keeps_the_short_hint_name_beside_a_namespaced_namesake()
    {
        var global = BlockAndModel("Unused", 8).Replace("namespace Unused\n{", "").TrimEnd().TrimEnd('}');
        var run = GeneratorHarness.Run(global, BlockAndModel("Other", 16));

        run.AssertNoGeneratorException();
        Assert.Equal(
            ["GptBlock.Residual.g.cs", "Other.GptBlock.Residual.g.cs", "Other.TinyGpt.Residual.g.cs", "TinyGpt.Residual.g.cs"],
            run.Sources.Keys.Order(StringComparer.Ordinal));
        run.AssertCleanCompilation();
    }

    private static string Block(string name, int width) => $$"""
        [Block(Width = {{width}})]
        public partial class {{name}}
        {
            [Residual, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        """;

    /// <summary>Roslyn compares hint names ignoring case: names that differ only in case must not make AddSource throw (CS8785).</summary>
    [Fact]
    public void Types_whose_names_differ_only_in_case_get_distinct_hint_names_and_compile()
    {
        // FOO rather than foo: an all-lower-case type name is warning CS8981 on the user's own declaration.
        var run = GeneratorHarness.Run($$"""
            using Residual;

            namespace Same
            {
            {{Block("Foo", 8)}}

            {{Block("FOO", 16)}}

                [Model(Vocab = 5, Context = 4, Layers = 1)]
                public partial class Lm : Transformer<FOO>;
            }
            """);

        run.AssertNoGeneratorException();
        Assert.Empty(run.DriverDiagnostics.Select(GeneratorRun.Describe));
        Assert.Equal(3, run.Sources.Count);
        Assert.Equal(3, run.Sources.Keys.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(run.Sources.Keys, h => Assert.EndsWith(".Residual.g.cs", h));
        string fooHint = Assert.Single(run.Sources.Keys, h => run.Sources[h].Contains("public const int Width = 8;") && run.Sources[h].Contains("partial class Foo "));
        string upperHint = Assert.Single(run.Sources.Keys, h => run.Sources[h].Contains("partial class FOO "));
        Assert.StartsWith("Same.Foo.", fooHint);
        Assert.StartsWith("Same.FOO.", upperHint);
        // The model's header names the file its block really is in.
        Assert.Contains($"(see {upperHint})", run.Sources["Lm.Residual.g.cs"]);
        run.AssertCleanCompilation();
    }

    [Fact]
    public void Namespaces_that_differ_only_in_case_get_distinct_hint_names_and_compile()
    {
        var run = GeneratorHarness.Run(
            "using Residual;\nnamespace A {\n" + Block("Foo", 8) + "\n}",
            "using Residual;\nnamespace a {\n" + Block("Foo", 16) + "\n}");

        run.AssertNoGeneratorException();
        Assert.Empty(run.DriverDiagnostics.Select(GeneratorRun.Describe));
        Assert.Equal(2, run.Sources.Keys.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains(run.Sources.Keys, h => h.StartsWith("A.Foo.", StringComparison.Ordinal) && run.Sources[h].Contains("Width = 8;"));
        Assert.Contains(run.Sources.Keys, h => h.StartsWith("a.Foo.", StringComparison.Ordinal) && run.Sources[h].Contains("Width = 16;"));
        run.AssertCleanCompilation();
    }

    [Fact]
    public void Hint_names_do_not_depend_on_the_order_of_the_declarations()
    {
        string first = "using Residual;\nnamespace N {\n" + Block("Foo", 8) + "\n}";
        string second = "using Residual;\nnamespace N {\n" + Block("FOO", 8) + "\n}";
        var one = GeneratorHarness.Run(first, second);
        var other = GeneratorHarness.Run(second, first);
        Assert.Equal(one.Sources.Keys.Order(StringComparer.Ordinal), other.Sources.Keys.Order(StringComparer.Ordinal));
    }
}
