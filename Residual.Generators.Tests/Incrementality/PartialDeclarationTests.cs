using System;
using System.Linq;
using Residual.Generators.Tests.Infrastructure;
using Xunit;

namespace Residual.Generators.Tests.Incrementality;

/// <summary>A partial class declared in several files gets one file, written from all of its parts.</summary>
public class PartialDeclarationTests
{
    private const string AttributedPart = """
        using Residual;

        namespace Demo;

        [Block(Width = 16)]
        public partial class Split
        {
            [Residual, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(Attention), Heads = 2)]
            public partial Attention Attend { get; }
        }
        """;

    private const string OtherPart = """
        using Residual;

        namespace Demo;

        public partial class Split
        {
            [Residual, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        """;

    [Fact]
    public void A_block_split_over_two_files_is_written_once_with_the_sublayers_of_both()
    {
        var run = GeneratorHarness.Run(AttributedPart, OtherPart);

        run.AssertNoGeneratorException();
        string text = Assert.Single(run.Sources, s => s.Key == "Split.Residual.g.cs").Value;
        Assert.Contains("Attend", text);
        Assert.Contains("Mix", text);
        run.AssertCleanCompilation();
    }

    [Fact]
    public void A_block_attribute_on_two_parts_is_the_compilers_error_and_the_file_is_written_once()
    {
        var run = GeneratorHarness.Run(AttributedPart, OtherPart.Replace("public partial class Split", "[Block(Width = 16)]\npublic partial class Split"));

        run.AssertNoGeneratorException();
        Assert.Empty(run.DriverDiagnostics);
        Assert.Equal(["Split.Residual.g.cs"], run.Sources.Keys.Concat(run.Stubs.Keys));
        Assert.Contains(run.Diagnostics, d => d.Id == "CS0579");
    }

    /// <summary>A class declared both a block and a model is refused; whatever is written for it, it is one file.</summary>
    [Fact]
    public void A_class_declared_both_block_and_model_gets_one_file()
    {
        var run = GeneratorHarness.Run(AttributedPart, OtherPart, $$"""
            using Residual;

            namespace Demo;

            [Block(Width = 16), Model(Vocab = 5, Context = 4, Layers = 1)]
            public partial class Both : Transformer<Split>
            {
                [Residual, PreNorm(Norm.LayerNorm)]
                [Sublayer(typeof(FeedForward))]
                public partial FeedForward Extra { get; }
            }
            """);

        run.AssertNoGeneratorException();
        Assert.Empty(run.DriverDiagnostics);
        Assert.Contains("Split.Residual.g.cs", run.Sources.Keys);
        Assert.DoesNotContain("Both.Residual.g.cs", run.Sources.Keys);
        Assert.True(run.Stubs.Count <= 1);
    }

    /// <summary>Were both sides of such a class written, a hint name added twice would throw: the block's side owns it.</summary>
    [Fact]
    public void A_type_named_as_both_block_and_model_has_one_hint_name_owned_by_the_block()
    {
        var both = new Specs.GeneratedType("Demo", "Both", "global::Demo.Both");
        var model = new Specs.GeneratedType("Demo", "Lm", "global::Demo.Lm");
        var table = Emitting.HintTable.Assign([both], [both, model]);

        Assert.Equal("Both.Residual.g.cs", table.ForBlock("global::Demo.Both"));
        Assert.Null(table.ForModel("global::Demo.Both"));
        Assert.Equal("Lm.Residual.g.cs", table.ForModel("global::Demo.Lm"));
        Assert.Null(table.ForBlock("global::Demo.Lm"));
        Assert.Null(table.Any("global::Demo.Missing"));
    }
}
