using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Residual.Generators.Analyzers;
using Residual.Generators.Tests.Infrastructure;

namespace Residual.Generators.Tests.Analyzers;

/// <summary>
/// An in-memory build as the command line runs it: sources under <c>/src/</c> with an <c>.editorconfig</c> parsed by
/// Roslyn's own <see cref="AnalyzerConfig"/> (severities reach the compilation as its syntax-tree options, other keys
/// reach the analyzers as <see cref="AnalyzerConfigOptions"/>), the generator, then the analyzers over the result.
/// </summary>
public sealed class EditorConfigBuild
{
    private EditorConfigBuild(GeneratorRun run, ImmutableArray<Diagnostic> analyzerDiagnostics)
    {
        Run = run;
        AnalyzerDiagnostics = analyzerDiagnostics;
    }

    public GeneratorRun Run { get; }

    /// <summary>The analyzers' diagnostics after severities from <c>.editorconfig</c> and pragmas are applied (suppressed ones dropped).</summary>
    public ImmutableArray<Diagnostic> AnalyzerDiagnostics { get; }

    /// <summary>What the build shows: the compiler's diagnostics of user plus generated code, then the analyzers'.</summary>
    public IReadOnlyList<Diagnostic> All => Run.Diagnostics.Concat(AnalyzerDiagnostics).Where(d => !d.IsSuppressed && d.Severity != DiagnosticSeverity.Hidden).ToList();

    public static EditorConfigBuild Create(string editorConfig, params string[] sources) =>
        Create(editorConfig, GeneratorHarness.CompilationOptions, sources);

    public static EditorConfigBuild Create(string editorConfig, CSharpCompilationOptions options, params string[] sources)
    {
        var config = AnalyzerConfigSet.Create(new[] { AnalyzerConfig.Parse(editorConfig, "/src/.editorconfig") });
        var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, GeneratorHarness.ParseOptions, path: $"/src/Source{i}.cs")).ToArray();
        var results = trees.ToDictionary(t => t, t => config.GetOptionsForSourcePath(t.FilePath));
        var compilation = CSharpCompilation.Create("EditorConfigBuild", trees, GeneratorHarness.References,
            options.WithSyntaxTreeOptionsProvider(new TreeOptions(results, config.GlobalConfigOptions)));
        var run = GeneratorHarness.RunOn(compilation);
        var analyzerOptions = new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty, new OptionsProvider(results, config.GlobalConfigOptions));
        var diagnostics = run.Output
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new DeclarationAnalyzer()), analyzerOptions)
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        return new EditorConfigBuild(run, diagnostics);
    }

    private sealed class TreeOptions(Dictionary<SyntaxTree, AnalyzerConfigOptionsResult> results, AnalyzerConfigOptionsResult global) : SyntaxTreeOptionsProvider
    {
        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.Unknown;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            severity = ReportDiagnostic.Default;
            return results.TryGetValue(tree, out var r) && r.TreeOptions.TryGetValue(diagnosticId, out severity);
        }

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            global.TreeOptions.TryGetValue(diagnosticId, out severity);
    }

    private sealed class OptionsProvider(Dictionary<SyntaxTree, AnalyzerConfigOptionsResult> results, AnalyzerConfigOptionsResult global) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(global.AnalyzerOptions);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) =>
            new Options(results.TryGetValue(tree, out var r) ? r.AnalyzerOptions : ImmutableDictionary<string, string>.Empty);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options(ImmutableDictionary<string, string>.Empty);
    }

    private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
