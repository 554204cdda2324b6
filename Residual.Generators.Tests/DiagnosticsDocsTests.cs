using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Residual.Generators.Tests.Infrastructure;
using Xunit;

namespace Residual.Generators.Tests;

/// <summary>
/// The pages in <c>docs/diagnostics/</c> show code: every block under "Wrong" must really get the page's
/// diagnostic, and every block under "Right" must generate and compile cleanly with no diagnostic at all.
/// </summary>
public sealed class DiagnosticsDocsTests
{
    private static string Docs => RepositoryFiles.PathOf("docs", "diagnostics");

    public static TheoryData<string> Pages =>
        new(Directory.GetFiles(Docs, "RES*.md").Select(Path.GetFileNameWithoutExtension).OrderBy(n => n)!);

    [Theory]
    [MemberData(nameof(Pages))]
    public void Wrong_examples_get_the_diagnostic_and_right_examples_compile(string id)
    {
        var sections = Sections(File.ReadAllText(Path.Combine(Docs, id + ".md")));
        Assert.True(sections.TryGetValue("Wrong", out var wrong) && wrong.Count > 0, $"{id}.md has no code under '## Wrong'.");
        Assert.True(sections.TryGetValue("Right", out var right) && right.Count > 0, $"{id}.md has no code under '## Right'.");

        var severity = Residual.Generators.Analyzers.Descriptors.ById[id].DefaultSeverity;
        foreach (var code in wrong)
        {
            var run = GeneratorHarness.Run(code);
            run.AssertNoGeneratorException();
            var diagnostics = AnalyzerHarness.Analyze(run);
            Assert.True(diagnostics.Any(d => d.Id == id && d.Severity == severity), $"The 'Wrong' example of {id}.md does not get {id} as a {severity}:\n{code}");
            if (severity == DiagnosticSeverity.Warning && !diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                // A warning never stops generation: the example is generated and compiles.
                Assert.NotEmpty(run.Sources);
                Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
            }
        }
        // A warning page's opt-out examples compile and generate with nothing left to report.
        if (severity == DiagnosticSeverity.Warning && sections.TryGetValue("Suppressing", out var suppressing))
            foreach (var code in suppressing)
            {
                var run = GeneratorHarness.Run(code);
                run.AssertCleanCompilation();
                Assert.Empty(AnalyzerHarness.Analyze(run).Where(d => !d.IsSuppressed).Select(GeneratorRun.Describe));
                Assert.NotEmpty(run.Sources);
            }
        foreach (var code in right)
        {
            var run = GeneratorHarness.Run(code);
            run.AssertCleanCompilation();
            Assert.Empty(AnalyzerHarness.Analyze(run).Select(GeneratorRun.Describe));
            Assert.NotEmpty(run.Sources);
        }
    }

    /// <summary>The <c>```csharp</c> blocks of each <c>## Heading</c> section.</summary>
    private static Dictionary<string, List<string>> Sections(string markdown)
    {
        var result = new Dictionary<string, List<string>>();
        foreach (var section in Regex.Split(markdown, @"^## ", RegexOptions.Multiline).Skip(1))
        {
            string heading = section[..section.IndexOf('\n')].Trim();
            result[heading] = RepositoryFiles.CSharpBlocks(section).ToList();
        }
        return result;
    }
}
