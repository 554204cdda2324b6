using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Residual.Generators.Tests.Infrastructure;
using Xunit;

namespace Residual.Generators.Tests.Docs;

/// <summary>
/// Every fenced C# block of every docs page (but the single-diagnostic pages, see <see cref="DiagnosticsDocsTests"/>)
/// is checked according to its info string, the convention described in <c>docs/README.md</c>:
/// a complete example or an assembled program builds with no error, warning or RES diagnostic and, if it is a program,
/// runs (and prints what a following <c>```text output</c> block shows, numbers aside); an excerpt's every line is in
/// the generator's output for the page's declaration; a wrong-on-purpose declaration gets exactly its RES id; a
/// fragment compiles as a method body. An unknown info string fails.
/// </summary>
public sealed class DocsExamplesTests
{
    public static TheoryData<string> Pages => new(MarkdownExamples.Pages());

    /// <summary>Program outputs by source text, so that page-specific facts do not build and run a program twice.</summary>
    private static readonly ConcurrentDictionary<string, Lazy<(GeneratorRun Run, string? Output)>> s_programs = new();

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_csharp_example_on_the_page_is_checked(string page)
    {
        var fences = MarkdownExamples.Fences(page);
        var examples = fences.Where(MarkdownExamples.IsCSharp).Select(MarkdownExamples.Classify).ToList();

        // Programs: each complete block, and each part name (its blocks assembled in page order).
        var programOf = new Dictionary<Example, string>();
        foreach (var e in examples.Where(e => e.Kind == ExampleKind.Complete)) programOf[e] = e.Fence.Code;
        foreach (var group in examples.Where(e => e.Kind == ExampleKind.Part).GroupBy(e => e.Argument))
        {
            string source = ExampleBuild.Assemble(group.Select(e => e.Fence.Code));
            foreach (var e in group) programOf[e] = source;
        }
        foreach (var (source, blocks) in programOf.GroupBy(kv => kv.Value).Select(g => (g.Key, g.Select(kv => kv.Key).ToList())))
            Build(source, $"{blocks[0]} (program{(blocks.Count > 1 ? $" of {blocks.Count} parts" : "")})");

        // A "```text output" block shows what the nearest preceding program prints.
        for (int i = 0; i < fences.Count; i++)
        {
            if (fences[i].Language != "text" || fences[i].Info != "output") continue;
            var owner = examples.LastOrDefault(e => e.Fence.Line < fences[i].Line && programOf.ContainsKey(e))
                ?? throw new Xunit.Sdk.XunitException($"{fences[i]} follows no program.");
            AssertOutputShape(Build(programOf[owner], owner.ToString()).Output, fences[i]);
        }

        foreach (var e in examples)
        {
            switch (e.Kind)
            {
                case ExampleKind.Excerpt: CheckExcerpt(e, examples, programOf); break;
                case ExampleKind.Diagnostic: CheckDiagnostic(e); break;
                case ExampleKind.Fragment: CheckFragment(e); break;
            }
        }
    }

    [Fact]
    public void Getting_started_trains_the_tiny_model_the_loss_falls_and_the_checkpoint_reloads()
    {
        var output = ProgramOutput("getting-started.md", "train");
        var losses = Regex.Matches(output, @"loss (\d+\.\d+)").Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.True(losses.Count >= 3, "getting-started.md's program should print the loss at several steps; it printed:\n" + output);
        Assert.True(losses[^1] < losses[0] / 2, "getting-started.md's loss should fall by more than half; it printed:\n" + output);
        Assert.Contains("reloaded: same loss", output);
    }

    [Fact]
    public void Custom_sublayer_page_checks_its_gradient_against_finite_differences()
    {
        var output = ProgramOutput("custom-sublayers.md", "gate");
        var errors = Regex.Matches(output, @"max relative error ([0-9.eE+-]+)").Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.True(errors.Count >= 1, "custom-sublayers.md's program should print its gradient check; it printed:\n" + output);
        Assert.All(errors, e => Assert.True(e < 1e-2, $"gradient check error {e}:\n{output}"));
    }

    /// <summary>Every C# block is under the convention: the classifier refuses an unknown info string.</summary>
    [Theory]
    [InlineData("csharp", ExampleKind.Complete)]
    [InlineData("csharp part=train", ExampleKind.Part)]
    [InlineData("csharp excerpt=GptBlock.Residual.g.cs", ExampleKind.Excerpt)]
    [InlineData("csharp excerpt=Residual.Simd.g.cs", ExampleKind.Excerpt)]
    [InlineData("csharp diagnostic=RES0002", ExampleKind.Diagnostic)]
    [InlineData("csharp fragment(LanguageModel model)", ExampleKind.Fragment)]
    [InlineData("csharp excerpt", null)]
    [InlineData("csharp skip", null)]
    [InlineData("cs", null)]
    [InlineData("C#", null)]
    public void Info_strings_outside_the_convention_are_refused(string info, ExampleKind? expected)
    {
        int space = info.IndexOf(' ');
        var fence = new Fence("page.md", 1, space < 0 ? info : info[..space], space < 0 ? "" : info[(space + 1)..], "");
        Assert.True(MarkdownExamples.IsCSharp(fence));
        if (expected is { } kind) Assert.Equal(kind, MarkdownExamples.Classify(fence).Kind);
        else Assert.Throws<FormatException>(() => MarkdownExamples.Classify(fence));
    }

    [Fact]
    public void Programs_are_assembled_with_usings_first_then_statements_then_declarations()
    {
        string source = ExampleBuild.Assemble(["using System;\nclass A { }\n", "Console.WriteLine(1);\n", "using Residual;\nConsole.WriteLine(2);\nclass B { }\n"]);
        Assert.Equal("using System;\nusing Residual;\n\nConsole.WriteLine(1);\nConsole.WriteLine(2);\n\nclass A { }\n\nclass B { }\n", source);
    }

    /// <summary>The output of the program a page builds from its part <paramref name="part"/>.</summary>
    private static string ProgramOutput(string page, string part)
    {
        var blocks = MarkdownExamples.Fences(page).Where(MarkdownExamples.IsCSharp).Select(MarkdownExamples.Classify)
            .Where(e => e.Kind == ExampleKind.Part && e.Argument == part).ToList();
        Assert.True(blocks.Count > 0, $"{page} has no ```csharp part={part} block.");
        return Build(ExampleBuild.Assemble(blocks.Select(e => e.Fence.Code)), $"{page} part={part}").Output
            ?? throw new Xunit.Sdk.XunitException($"{page} part={part} is not a program.");
    }

    /// <summary>Builds (cleanly) and, for a program, runs; cached by source.</summary>
    private static (GeneratorRun Run, string? Output) Build(string source, string what) =>
        s_programs.GetOrAdd(source, s => new Lazy<(GeneratorRun, string?)>(() =>
        {
            var run = ExampleBuild.Generate(s);
            ExampleBuild.AssertClean(run, what);
            return (run, ExampleBuild.IsProgram(s) ? ExampleBuild.RunProgram(run, what) : null);
        })).Value;

    /// <summary>Line by line, the output equals the page's, with every number standing for any number.</summary>
    private static void AssertOutputShape(string? actual, Fence expected)
    {
        Assert.True(actual is not null, $"{expected} follows a block that is not a program.");
        static string[] Shape(string text) =>
            Regex.Replace(text, @"-?\d+(\.\d+)?([eE][-+]?\d+)?", "#").Split('\n').Select(l => l.TrimEnd()).Reverse().SkipWhile(l => l.Length == 0).Reverse().ToArray();
        Assert.True(Shape(expected.Code).SequenceEqual(Shape(actual!)),
            $"{expected}: the program prints (numbers aside) something else.\nThe page shows:\n{expected.Code}\nThe program printed:\n{actual}");
    }

    /// <summary>
    /// Every line the excerpt shows (trimmed; <c>...</c> stands for what it leaves out) is a line of the generated file,
    /// generated from the nearest preceding program of the page that has that file.
    /// </summary>
    private static void CheckExcerpt(Example excerpt, List<Example> examples, Dictionary<Example, string> programOf)
    {
        string? generated = null;
        foreach (var e in examples.Where(e => e.Fence.Line < excerpt.Fence.Line && programOf.ContainsKey(e)).Reverse())
            if (Build(programOf[e], e.ToString()).Run.SourcesAndHelpers.TryGetValue(excerpt.Argument, out generated)) break;
        Assert.True(generated is not null, $"{excerpt}: no program before it on the page makes the generator write {excerpt.Argument}.");
        // For whoever writes an excerpt: RESIDUAL_DOCS_DUMP=folder saves the file it is checked against.
        if (Environment.GetEnvironmentVariable("RESIDUAL_DOCS_DUMP") is { Length: > 0 } dump)
        {
            System.IO.Directory.CreateDirectory(dump);
            System.IO.File.WriteAllText(System.IO.Path.Combine(dump, excerpt.Argument), generated);
        }
        var lines = new HashSet<string>(generated!.Split('\n').Select(l => l.Trim()));
        var missing = excerpt.Fence.Code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && l != "..." && !lines.Contains(l)).ToList();
        Assert.True(missing.Count == 0, $"{excerpt}: lines the generator does not write in {excerpt.Argument}:\n" + string.Join("\n", missing));
    }

    /// <summary>The analyzers report exactly the declared id (one or more times), and the code still compiles (stub or real code).</summary>
    private static void CheckDiagnostic(Example e)
    {
        var run = ExampleBuild.Generate(e.Fence.Code);
        var ids = AnalyzerHarness.Analyze(run).Where(d => !d.IsSuppressed).Select(d => d.Id).Distinct().ToList();
        Assert.True(ids.SequenceEqual([e.Argument]), $"{e}: the analyzers report [{string.Join(", ", ids)}], expected exactly {e.Argument}.\n" + string.Join("\n", AnalyzerHarness.Analyze(run).Select(GeneratorRun.Describe)));
        Assert.True(run.ErrorsAndWarnings.Count == 0, $"{e}: besides {e.Argument}, the compiler reports:\n" + string.Join("\n", run.ErrorsAndWarnings.Select(GeneratorRun.Describe)));
        if (Residual.Generators.Analyzers.Descriptors.ById[e.Argument].DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Warning)
            Assert.True(run.Sources.Count > 0, $"{e}: a warning never stops generation, but nothing was generated.");
    }

    /// <summary>The statements compile as the body of a method with the declared parameters (using directives hoisted).</summary>
    private static void CheckFragment(Example e)
    {
        var root = (Microsoft.CodeAnalysis.CSharp.Syntax.CompilationUnitSyntax)Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(e.Fence.Code, GeneratorHarness.ParseOptions).GetRoot();
        string usings = string.Concat(root.Usings.Select(u => u.ToFullString()));
        string body = string.Concat(root.Members.Select(m => m.ToFullString()));
        string source = $"{usings}\nusing Residual;\nusing Residual.Training;\nusing Residual.Checkpoints;\n\npublic static class DocsFragment\n{{\n    public static void Run({e.Argument})\n    {{\n{body}\n    }}\n}}\n";
        var run = ExampleBuild.Generate(source);
        // CS8019/CS0105 (an unnecessary or repeated using) are hidden/warning noise of the wrapper, not of the fragment.
        var problems = run.ErrorsAndWarnings.Where(d => d.Id != "CS0105").Select(GeneratorRun.Describe).ToList();
        Assert.True(problems.Count == 0, $"{e} does not compile as a method body:\n" + string.Join("\n", problems) + "\n" + source);
    }
}
