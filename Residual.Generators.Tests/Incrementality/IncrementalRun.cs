using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Residual.Generators.Tests.Infrastructure;
using Xunit;

namespace Residual.Generators.Tests.Incrementality;

/// <summary>
/// The generator run twice by one driver, as the IDE runs it: over a compilation, then over an edit of it. Step
/// tracking is on, so each step of the second run says whether its outputs were recomputed.
/// </summary>
internal sealed class IncrementalRun
{
    private IncrementalRun(CSharpCompilation before, CSharpCompilation after, GeneratorRunResult first, GeneratorRunResult second)
    {
        Before = before;
        After = after;
        First = first;
        Second = second;
    }

    public CSharpCompilation Before { get; }

    public CSharpCompilation After { get; }

    public GeneratorRunResult First { get; }

    public GeneratorRunResult Second { get; }

    /// <summary>One syntax tree per source, at <c>Source0.cs</c>, <c>Source1.cs</c>, … (as <see cref="GeneratorHarness"/> names them).</summary>
    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create("Incremental",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, GeneratorHarness.ParseOptions, path: $"Source{i}.cs")),
            GeneratorHarness.References, GeneratorHarness.CompilationOptions);

    public static GeneratorDriver Driver() => CSharpGeneratorDriver.Create(
        [new ResidualGenerator().AsSourceGenerator()],
        parseOptions: GeneratorHarness.ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs a driver over <paramref name="compilation"/>, then the same driver over <paramref name="edit"/> of it.</summary>
    public static IncrementalRun Of(CSharpCompilation compilation, Func<CSharpCompilation, CSharpCompilation> edit)
    {
        var driver = Driver().RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        var after = edit(compilation);
        Assert.NotSame(compilation, after);
        var second = driver.RunGenerators(after).GetRunResult().Results.Single();
        Assert.Null(first.Exception);
        Assert.Null(second.Exception);
        return new IncrementalRun(compilation, after, first, second);
    }

    /// <summary>The text of the tree at <paramref name="path"/> rewritten by <paramref name="change"/> (which must change it).</summary>
    public static CSharpCompilation EditFile(CSharpCompilation compilation, string path, Func<string, string> change)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        string before = tree.ToString(), after = change(before);
        Assert.NotEqual(before, after);
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(SourceText.From(after)));
    }

    public static CSharpCompilation AddFile(CSharpCompilation compilation, string path, string source) =>
        compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path: path));

    /// <summary>Output reasons of every step with the tracking name <paramref name="step"/> in the second run.</summary>
    public IReadOnlyList<IncrementalStepRunReason> Reasons(string step) =>
        Second.TrackedSteps.TryGetValue(step, out var runs) ? runs.SelectMany(r => r.Outputs).Select(o => o.Reason).ToList() : [];

    /// <summary>Output reasons of the source outputs (one per written file) in the second run.</summary>
    public IReadOnlyList<IncrementalStepRunReason> OutputReasons =>
        Second.TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(r => r.Outputs).Select(o => o.Reason).ToList();

    /// <summary>Generated text by hint name, from the first or second run.</summary>
    public static IReadOnlyDictionary<string, SourceText> Texts(GeneratorRunResult result) =>
        result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText, StringComparer.Ordinal);

    /// <summary>
    /// Fails unless the second run wrote exactly what a fresh driver writes for the edited compilation: the cache never
    /// serves a stale file.
    /// </summary>
    public void AssertSameAsFreshRun()
    {
        var fresh = Driver().RunGenerators(After).GetRunResult().Results.Single();
        Assert.Null(fresh.Exception);
        Assert.Equal(
            fresh.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())).OrderBy(s => s.HintName, StringComparer.Ordinal),
            Second.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())).OrderBy(s => s.HintName, StringComparer.Ordinal));
    }
}
