using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Residual.Benchmarks;

/// <summary>
/// What Residual's analyzers cost on a project of 200 declared blocks (and 20 models stacking them), as a build runs
/// them: the generator's output added, then every analyzer over user plus generated code. Compared with the compiler's
/// own diagnostics pass over the same compilation. The analyzer is loaded from the built Residual.Generators.dll, as
/// the compiler loads it.
/// </summary>
/// <remarks>
/// <c>dotnet run --project Residual.Benchmarks -c Release -- --filter '*AnalyzerCost*'</c>; per-analyzer execution times
/// (Roslyn's own telemetry) with <c>dotnet run --project Residual.Benchmarks -c Release -- analyzer-cost</c>.
/// </remarks>
[MemoryDiagnoser]
public class AnalyzerCostBenchmarks
{
    /// <summary>Blocks declared in the benchmark compilation.</summary>
    public const int Blocks = 200;

    private Compilation _output = null!;
    private ImmutableArray<DiagnosticAnalyzer> _analyzers;

    [GlobalSetup]
    public void Setup() => (_output, _analyzers) = Build();

    /// <summary>The analyzers' pass alone (what <c>ReportAnalyzer</c> reports per analyzer).</summary>
    [Benchmark]
    public int AnalyzerDiagnostics() =>
        _output.WithAnalyzers(_analyzers).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult().Length;

    /// <summary>The compiler's own diagnostics over the same user plus generated code, for scale.</summary>
    [Benchmark(Baseline = true)]
    public int CompilerDiagnostics() => _output.GetDiagnostics().Length;

    /// <summary>Source of <paramref name="blocks"/> blocks of 2–3 sublayers with varied wiring, and a model for every tenth.</summary>
    public static string Source(int blocks)
    {
        var sb = new StringBuilder("using Residual;\n\nnamespace Bench;\n");
        for (int i = 0; i < blocks; i++)
        {
            string norm = i % 3 == 0 ? "PostNorm(Norm.RMSNorm)" : "PreNorm(Norm.LayerNorm)";
            sb.Append($$"""

                [Block(Width = {{32 + 16 * (i % 4)}})]
                public partial class Block{{i}}
                {
                    [Residual, {{norm}}]
                    [Sublayer(typeof(Attention), Heads = 4)]
                    public partial Attention Attend { get; }

                    [Residual{{(i % 5 == 0 ? "(Scale = 0.5, Learnable = true)" : "")}}, {{norm}}]
                    [Sublayer(typeof(FeedForward))]
                    public partial FeedForward Mix { get; }
                {{(i % 2 == 0 ? $"\n    [Plain, {norm}]\n    [Sublayer(typeof(FeedForward), Hidden = 64)]\n    public partial FeedForward Extra {{ get; }}\n" : "")}}}

                """);
            if (i % 10 == 0)
                sb.Append($"\n[Model(Vocab = 50, Context = 32, Layers = 2)]\npublic partial class Model{i} : Transformer<Block{i}>;\n");
        }
        return sb.ToString();
    }

    /// <summary>The 200-block compilation with the generated code added, and the analyzers, loaded from the generator's dll.</summary>
    public static (Compilation Output, ImmutableArray<DiagnosticAnalyzer> Analyzers) Build()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        var references = platform.Append(MetadataReference.CreateFromFile(typeof(BlockAttribute).Assembly.Location));
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create("AnalyzerCost", [CSharpSyntaxTree.ParseText(Source(Blocks), parse, path: "Blocks.cs")], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, optimizationLevel: OptimizationLevel.Release));

        var file = GeneratorAssembly.Reference();
        var driver = CSharpGeneratorDriver.Create(file.GetGenerators(LanguageNames.CSharp).ToArray(), parseOptions: parse);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) || errors.Count > 0)
            throw new InvalidOperationException("The benchmark compilation has errors: " + string.Join("; ", errors.Take(3)));
        return (output, file.GetAnalyzers(LanguageNames.CSharp));
    }

    /// <summary>Prints Roslyn's per-analyzer execution time for the 200-block compilation (the numbers ReportAnalyzer gives).</summary>
    public static async Task ReportAsync(int runs = 5)
    {
        var (output, analyzers) = Build();
        Console.WriteLine($"{Blocks} blocks, {output.SyntaxTrees.Count()} syntax trees (user + generated)");
        for (int run = 1; run <= runs; run++)
        {
            var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false);
            var withAnalyzers = output.WithAnalyzers(analyzers, options);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = await withAnalyzers.GetAnalysisResultAsync(default);
            watch.Stop();
            foreach (var analyzer in analyzers)
            {
                var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, default);
                Console.WriteLine($"run {run}: {analyzer.GetType().Name}: {telemetry.ExecutionTime.TotalMilliseconds:F1} ms analyzer execution, {telemetry.SymbolActionsCount} symbol actions; " +
                    $"{result.GetAllDiagnostics().Length} diagnostics; whole GetAnalysisResultAsync {watch.Elapsed.TotalMilliseconds:F0} ms");
            }
        }
    }
}
