using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Residual.Generators.Tests.Infrastructure;
using Xunit;

namespace Residual.Generators.Tests;

/// <summary>
/// The pipeline's specs are value-equatable, so edits that do not change a declaration do not re-read it
/// or re-emit anything (the IDE runs the generator on every keystroke).
/// </summary>
public class IncrementalityTests
{
    [Fact]
    public void Edits_that_leave_declarations_unchanged_reuse_the_cached_specs_and_output()
    {
        var first = GeneratorHarness.Run(Declarations.Gpt, "public static class Unrelated { public static int Value => 1; }");
        var driver = CSharpGeneratorDriver.Create(
            [new ResidualGenerator().AsSourceGenerator()],
            parseOptions: GeneratorHarness.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        GeneratorDriver ran = driver.RunGenerators(first.Input);

        // Change the unrelated file, and add a comment to the declaring file (its syntax tree changes, its spec does not).
        var compilation = first.Input;
        var unrelated = compilation.SyntaxTrees.Single(t => t.ToString().Contains("Unrelated"));
        var declaring = compilation.SyntaxTrees.Single(t => t.ToString().Contains("GptBlock"));
        compilation = compilation
            .ReplaceSyntaxTree(unrelated, unrelated.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(unrelated.ToString().Replace("=> 1", "=> 2"))))
            .ReplaceSyntaxTree(declaring, declaring.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From("// edited\n" + declaring)));
        var result = ran.RunGenerators(compilation).GetRunResult().Results.Single();

        foreach (var step in new[] { ResidualGenerator.ReadBlockStep, ResidualGenerator.ReadModelStep })
        {
            var reasons = result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
            Assert.NotEmpty(reasons);
            Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {r}"));
        }
        var emitted = result.TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.NotEmpty(emitted);
        Assert.All(emitted, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output: {r}"));
        Assert.Equal(first.Sources.Keys.Order(), result.GeneratedSources.Select(s => s.HintName).Order());
    }

    [Fact]
    public void Changing_a_declaration_regenerates_its_source()
    {
        var first = GeneratorHarness.Run(Declarations.Gpt);
        var driver = CSharpGeneratorDriver.Create(
            [new ResidualGenerator().AsSourceGenerator()],
            parseOptions: GeneratorHarness.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        GeneratorDriver ran = driver.RunGenerators(first.Input);

        var tree = first.Input.SyntaxTrees.Single();
        var edited = first.Input.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(tree.ToString().Replace("Heads = 4", "Heads = 8"))));
        var result = ran.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[ResidualGenerator.ReadBlockStep].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        var block = result.GeneratedSources.Single(s => s.HintName == "GptBlock.Residual.g.cs").SourceText.ToString();
        Assert.Contains("new global::Residual.Attention(heads: 8)", block);
    }
}
