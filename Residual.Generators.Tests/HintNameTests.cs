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
}
