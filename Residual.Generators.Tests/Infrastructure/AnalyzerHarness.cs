using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Residual.Generators.Analyzers;

namespace Residual.Generators.Tests.Infrastructure;

/// <summary>Runs Residual's analyzers over a generator run's output, as a user's build would.</summary>
public static class AnalyzerHarness
{
    /// <summary>The analyzers' diagnostics over user source plus generated source, sorted by position.</summary>
    public static ImmutableArray<Diagnostic> Analyze(GeneratorRun run) =>
        run.Output
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new DeclarationAnalyzer()))
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult()
            .OrderBy(d => d.Location.SourceTree?.FilePath).ThenBy(d => d.Location.SourceSpan.Start)
            .ToImmutableArray();

    /// <summary>The source text a diagnostic's squiggle covers.</summary>
    public static string SpanText(Diagnostic d) =>
        d.Location.SourceTree is { } tree ? tree.GetText().ToString(d.Location.SourceSpan) : "";
}
