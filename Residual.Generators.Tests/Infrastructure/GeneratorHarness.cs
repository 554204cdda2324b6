using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Residual.Generators.Tests.Infrastructure;

/// <summary>
/// Compiles C# source in memory against .NET 10 and Residual.Runtime, runs <see cref="ResidualGenerator"/>
/// on it, and returns what came out. In-memory sources see no implicit usings: write the <c>using</c> lines.
/// </summary>
public static class GeneratorHarness
{
    /// <summary>The .NET 10 reference assemblies plus Residual.Runtime, created once: metadata is the slow part.</summary>
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
        Basic.Reference.Assemblies.Net100.References.All
            .Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(BlockAttribute).Assembly.Location))
            .ToImmutableArray());

    /// <summary>The references every in-memory compilation gets: .NET 10 and Residual.Runtime.</summary>
    public static ImmutableArray<MetadataReference> References => s_references.Value;

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    public static CSharpCompilationOptions CompilationOptions { get; } = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        optimizationLevel: OptimizationLevel.Release,
        // Every warning wave: a user on the newest analysis level must not see warnings from generated code.
        warningLevel: 9999);

    /// <summary>Compiles <paramref name="sources"/> (one syntax tree each) and runs the generator over them.</summary>
    public static GeneratorRun Run(params string[] sources) => RunAs("Tests", sources);

    /// <summary>As <see cref="Run(string[])"/>, naming the output assembly (assemblies loaded side by side need distinct names).</summary>
    public static GeneratorRun RunAs(string assemblyName, params string[] sources) => RunWith(assemblyName, [], sources);

    /// <summary>As <see cref="RunAs"/>, with more references (for example another in-memory compilation's image).</summary>
    public static GeneratorRun RunWith(string assemblyName, MetadataReference[] references, params string[] sources)
    {
        var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")).ToArray();
        var compilation = CSharpCompilation.Create(assemblyName, trees, s_references.Value.AddRange(references), CompilationOptions);
        return RunOn(compilation);
    }

    /// <summary>Runs the generator over a compilation the caller built (other output kinds, extra trees).</summary>
    public static GeneratorRun RunOn(CSharpCompilation compilation)
    {
        var driver = CSharpGeneratorDriver.Create(
            new[] { new ResidualGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        var ran = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var driverDiagnostics);
        return new GeneratorRun(compilation, output, ran.GetRunResult(), driverDiagnostics);
    }
}

/// <summary>The result of one generator run over an in-memory compilation.</summary>
public sealed class GeneratorRun
{
    private readonly Lazy<ImmutableArray<Diagnostic>> _diagnostics;

    public GeneratorRun(Compilation input, Compilation output, GeneratorDriverRunResult result, ImmutableArray<Diagnostic> driverDiagnostics)
    {
        Input = input;
        Output = output;
        Result = result;
        DriverDiagnostics = driverDiagnostics;
        // Binding the whole output is the expensive part: only when a test asks for it.
        _diagnostics = new(() => output.GetDiagnostics().AddRange(driverDiagnostics));
    }

    /// <summary>The user's source alone.</summary>
    public Compilation Input { get; }

    /// <summary>User source plus generated source.</summary>
    public Compilation Output { get; }

    public GeneratorDriverRunResult Result { get; }

    /// <summary>What the driver itself reported (CS8784/CS8785 when a generator fails) and what the generator reported.</summary>
    public ImmutableArray<Diagnostic> DriverDiagnostics { get; }

    /// <summary>
    /// Generated code by hint name, text with <c>\n</c> line ends: the real layouts, Forward and Backward, one file per
    /// declaration. The stubs written for refused declarations (which only make them compile, see <see cref="Stubs"/>)
    /// and the assembly's shared SIMD helpers (<see cref="SimdHelpers"/>) are not included.
    /// </summary>
    public IReadOnlyDictionary<string, string> Sources =>
        AllSources.Where(s => !IsStub(s.Value) && s.Key != SimdHint).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);

    /// <summary>Hint name of the one file of SIMD helpers that every generated file of an assembly shares.</summary>
    public const string SimdHint = "Residual.Simd.g.cs";

    /// <summary>The shared SIMD helper file (<see cref="SimdHint"/>), or null when the generator wrote none.</summary>
    public string? SimdHelpers => AllSources.TryGetValue(SimdHint, out var text) ? text : null;

    /// <summary><see cref="Sources"/> and the shared SIMD helper file: every file of real generated code (for snapshots).</summary>
    public IReadOnlyDictionary<string, string> SourcesAndHelpers =>
        AllSources.Where(s => !IsStub(s.Value)).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);

    /// <summary>The stubs the generator wrote for refused declarations, by hint name.</summary>
    public IReadOnlyDictionary<string, string> Stubs => AllSources.Where(s => IsStub(s.Value)).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);

    private IReadOnlyDictionary<string, string> AllSources =>
        Result.Results.SelectMany(r => r.GeneratedSources)
            .ToDictionary(s => s.HintName, s => s.SourceText.ToString().Replace("\r\n", "\n"), StringComparer.Ordinal);

    private static bool IsStub(string text) => text.Contains("// Residual.Generators did not generate the ", StringComparison.Ordinal);

    /// <summary>Exceptions thrown by generators (null entries removed).</summary>
    public IReadOnlyList<Exception> Exceptions =>
        Result.Results.Select(r => r.Exception).Where(e => e is not null).Select(e => e!).ToList();

    /// <summary>Every diagnostic of the output compilation, plus the driver's.</summary>
    public ImmutableArray<Diagnostic> Diagnostics => _diagnostics.Value;

    /// <summary>Errors and warnings (hidden and info diagnostics are not a user's concern).</summary>
    public IReadOnlyList<Diagnostic> ErrorsAndWarnings =>
        Diagnostics.Where(d => d.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning).ToList();

    /// <summary>Fails with every error and warning listed (with the offending line) unless there are none.</summary>
    public void AssertCleanCompilation()
    {
        var problems = ErrorsAndWarnings;
        if (problems.Count == 0) return;
        throw new Xunit.Sdk.XunitException(
            $"The output compilation has {problems.Count} error(s)/warning(s):\n" + string.Join("\n", problems.Take(30).Select(Describe)));
    }

    /// <summary>Fails unless no generator threw.</summary>
    public void AssertNoGeneratorException()
    {
        if (Exceptions.Count > 0)
            throw new Xunit.Sdk.XunitException("The generator threw:\n" + string.Join("\n\n", Exceptions));
    }

    /// <summary>A diagnostic with the source line it points at.</summary>
    public static string Describe(Diagnostic d)
    {
        string line = "";
        if (d.Location.IsInSource)
        {
            var text = d.Location.SourceTree!.GetText();
            line = "\n      > " + text.Lines[d.Location.GetLineSpan().StartLinePosition.Line].ToString().Trim();
        }
        return "  " + d + line;
    }
}
