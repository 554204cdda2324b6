using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Residual.Generators.Tests.Infrastructure;
using Xunit;

namespace Residual.Generators.Tests.Incrementality;

/// <summary>Edits to declarations rewrite the files that depend on them, and only those.</summary>
public class DeclarationEditTests
{
    private const string SimdHint = GeneratorRun.SimdHint;

    private static string Block(string ns, string name, int width, int heads = 2) => $$"""
        using Residual;

        namespace {{ns}};

        [Block(Width = {{width}})]
        public partial class {{name}}
        {
            [Residual, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(Attention), Heads = {{heads}})]
            public partial Attention Attend { get; }

            [Residual, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        """;

    [Fact]
    public void Editing_one_of_two_blocks_rewrites_only_that_blocks_file()
    {
        var run = IncrementalRun.Of(
            IncrementalRun.Compile(Block("Demo", "First", 16), Block("Demo", "Second", 16)),
            c => IncrementalRun.EditFile(c, "Source1.cs", s => s.Replace("Heads = 2", "Heads = 4")));

        Assert.Equal([IncrementalStepRunReason.Modified, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Cached], run.OutputReasons.Order());
        var before = IncrementalRun.Texts(run.First);
        var after = IncrementalRun.Texts(run.Second);
        Assert.Same(before["First.Residual.g.cs"], after["First.Residual.g.cs"]);
        // Same width, same helpers: the shared SIMD file is not rewritten either.
        Assert.Same(before[SimdHint], after[SimdHint]);
        Assert.All(run.Reasons(ResidualGenerator.SimdFileStep), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.NotSame(before["Second.Residual.g.cs"], after["Second.Residual.g.cs"]);
        Assert.Contains("new global::Residual.Attention(heads: 4)", after["Second.Residual.g.cs"].ToString());
        // The names did not change: the hint names were not recomputed.
        Assert.All(run.Reasons(ResidualGenerator.HintTableStep), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        run.AssertSameAsFreshRun();
    }

    [Fact]
    public void Editing_a_block_rewrites_the_models_that_stack_it_and_leaves_the_others()
    {
        var run = IncrementalRun.Of(
            IncrementalRun.Compile(
                Block("Demo", "First", 16) + "\n[Model(Vocab = 5, Context = 4, Layers = 1)]\npublic partial class FirstLm : Transformer<First>;\n",
                Block("Demo", "Second", 16) + "\n[Model(Vocab = 5, Context = 4, Layers = 1)]\npublic partial class SecondLm : Transformer<Second>;\n"),
            c => IncrementalRun.EditFile(c, "Source0.cs", s => s.Replace("Width = 16", "Width = 32")));

        var before = IncrementalRun.Texts(run.First);
        var after = IncrementalRun.Texts(run.Second);
        Assert.NotSame(before["First.Residual.g.cs"], after["First.Residual.g.cs"]);
        Assert.NotSame(before["FirstLm.Residual.g.cs"], after["FirstLm.Residual.g.cs"]);
        Assert.Same(before["Second.Residual.g.cs"], after["Second.Residual.g.cs"]);
        Assert.Same(before["SecondLm.Residual.g.cs"], after["SecondLm.Residual.g.cs"]);
        // The shared SIMD file gains the helpers of width 32 and keeps width 16's, which Second still calls.
        Assert.Equal(3, run.OutputReasons.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.DoesNotContain("class SimdWidth32", before[SimdHint].ToString());
        Assert.Contains("internal static class SimdWidth32", after[SimdHint].ToString());
        Assert.Contains("internal static class SimdWidth16", after[SimdHint].ToString());
        run.AssertSameAsFreshRun();
    }

    [Fact]
    public void Changing_a_declaration_regenerates_its_source()
    {
        var run = IncrementalRun.Of(IncrementalRun.Compile(Declarations.Gpt),
            c => IncrementalRun.EditFile(c, "Source0.cs", s => s.Replace("Heads = 4", "Heads = 8")));

        Assert.Contains(IncrementalStepRunReason.Modified, run.Reasons(ResidualGenerator.ReadBlockStep));
        Assert.Contains("new global::Residual.Attention(heads: 8)", IncrementalRun.Texts(run.Second)["GptBlock.Residual.g.cs"].ToString());
        run.AssertSameAsFreshRun();
    }

    [Fact]
    public void Adding_a_namesake_in_another_namespace_renames_both_files_and_keeps_the_others()
    {
        var run = IncrementalRun.Of(
            IncrementalRun.Compile(Block("First", "Foo", 16), Block("First", "Bar", 16)),
            c => IncrementalRun.AddFile(c, "Second.cs", Block("Second", "Foo", 8)));

        var before = IncrementalRun.Texts(run.First);
        var after = IncrementalRun.Texts(run.Second);
        Assert.Equal(["Bar.Residual.g.cs", "Foo.Residual.g.cs", SimdHint], before.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["Bar.Residual.g.cs", "First.Foo.Residual.g.cs", SimdHint, "Second.Foo.Residual.g.cs"], after.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("Width = 16;", after["First.Foo.Residual.g.cs"].ToString());
        Assert.Contains("Width = 8;", after["Second.Foo.Residual.g.cs"].ToString());
        // Bar's hint did not change: its file was not rewritten although the hint names were recomputed.
        Assert.Contains(IncrementalStepRunReason.Modified, run.Reasons(ResidualGenerator.HintTableStep));
        Assert.Same(before["Bar.Residual.g.cs"], after["Bar.Residual.g.cs"]);
        run.AssertSameAsFreshRun();
    }

    [Fact]
    public void Renaming_a_type_onto_a_name_differing_only_in_case_gives_distinct_hint_names()
    {
        var run = IncrementalRun.Of(
            IncrementalRun.Compile(Block("Same", "Foo", 16), Block("Same", "Bar", 8)),
            c => IncrementalRun.EditFile(c, "Source1.cs", s => s.Replace("class Bar", "class FOO")));

        var hints = IncrementalRun.Texts(run.Second).Keys.Where(h => h != SimdHint).ToList();
        Assert.Equal(2, hints.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains(hints, h => h.StartsWith("Same.Foo.", StringComparison.Ordinal));
        Assert.Contains(hints, h => h.StartsWith("Same.FOO.", StringComparison.Ordinal));
        run.AssertSameAsFreshRun();
    }

    [Fact]
    public void Removing_a_namesake_gives_the_remaining_type_its_short_hint_name_back()
    {
        var run = IncrementalRun.Of(
            IncrementalRun.Compile(Block("First", "Foo", 16), Block("Second", "Foo", 8)),
            c => c.RemoveSyntaxTrees(c.SyntaxTrees.Single(t => t.FilePath == "Source1.cs")));

        Assert.Equal(["Foo.Residual.g.cs", SimdHint], IncrementalRun.Texts(run.Second).Keys.Order(StringComparer.Ordinal));
        // Width 8 is gone with the namesake that declared it.
        Assert.DoesNotContain("SimdWidth8", IncrementalRun.Texts(run.Second)[SimdHint].ToString());
        Assert.Contains("Width = 16;", IncrementalRun.Texts(run.Second)["Foo.Residual.g.cs"].ToString());
        run.AssertSameAsFreshRun();
    }

    [Fact]
    public void A_block_that_needs_other_helpers_rewrites_its_file_and_the_shared_one_only()
    {
        var run = IncrementalRun.Of(
            IncrementalRun.Compile(Block("Demo", "First", 16), Block("Demo", "Second", 16)),
            c => IncrementalRun.EditFile(c, "Source1.cs", s => s.Replace("Norm.LayerNorm", "Norm.RMSNorm")));

        var before = IncrementalRun.Texts(run.First);
        var after = IncrementalRun.Texts(run.Second);
        Assert.Same(before["First.Residual.g.cs"], after["First.Residual.g.cs"]);
        Assert.NotSame(before["Second.Residual.g.cs"], after["Second.Residual.g.cs"]);
        Assert.DoesNotContain("RmsNormForward(", before[SimdHint].ToString());
        Assert.Contains("internal static void RmsNormForward(", after[SimdHint].ToString());
        // First still calls the LayerNorm helpers: the union keeps them.
        Assert.Contains("internal static void LayerNormForward(", after[SimdHint].ToString());
        Assert.Equal(2, run.OutputReasons.Count(r => r == IncrementalStepRunReason.Modified));
        run.AssertSameAsFreshRun();
    }

    [Fact]
    public void A_block_whose_helpers_another_block_of_its_width_also_calls_leaves_the_shared_file_unwritten()
    {
        // Second switches from LayerNorm to RMSNorm: First still calls the LayerNorm helpers and Third already calls the
        // RMSNorm ones, so width 16's class (the union) and its list of users stay the same, and the file is not rewritten.
        string third = Block("Demo", "Third", 16).Replace("Norm.LayerNorm", "Norm.RMSNorm");
        var run = IncrementalRun.Of(
            IncrementalRun.Compile(Block("Demo", "First", 16), Block("Demo", "Second", 16), third),
            c => IncrementalRun.EditFile(c, "Source1.cs", s => s.Replace("Norm.LayerNorm", "Norm.RMSNorm")));

        var before = IncrementalRun.Texts(run.First);
        var after = IncrementalRun.Texts(run.Second);
        Assert.NotSame(before["Second.Residual.g.cs"], after["Second.Residual.g.cs"]);
        Assert.Same(before[SimdHint], after[SimdHint]);
        Assert.Equal(1, run.OutputReasons.Count(r => r == IncrementalStepRunReason.Modified));
        run.AssertSameAsFreshRun();
    }
}
