using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Residual.Generators.Analyzers;
using Residual.Generators.Tests.Infrastructure;
using Xunit;

namespace Residual.Generators.Tests.CodeFixes;

/// <summary>
/// Runs a code fix the way the IDE does (Microsoft.CodeAnalysis.Testing: the analyzer over user source plus the
/// generator's output, the code action's operations, Fix All in document, project and solution) and checks the
/// exact text after it. Diagnostics are marked in the source as <c>{|RES0002:Mix|}</c>: every RES diagnostic must be
/// marked, at its exact span. The fixed text must then have no RES diagnostic and no compiler error, and, compiled on
/// its own with the generator, no warning either and generated code (a layout, not a stub) for every type named in
/// <c>generated</c>.
/// </summary>
public static class CodeFixVerifier<TFix>
    where TFix : CodeFixProvider, new()
{
    /// <summary>
    /// Applies the fix titled <paramref name="title"/> with <paramref name="equivalenceKey"/> to <paramref name="before"/>
    /// and expects <paramref name="after"/>.
    /// </summary>
    public static Task VerifyAsync(string before, string after, string title, string equivalenceKey, params string[] generated) =>
        VerifyAsync([before], [after], title, equivalenceKey, generated);

    /// <summary>As above, over several files (one project): each diagnostic is fixed, then all at once (Fix All).</summary>
    public static async Task VerifyAsync(string[] before, string[] after, string title, string equivalenceKey, params string[] generated)
    {
        await VerifyTextAsync(before, after, title, equivalenceKey);

        // Independently of the testing library: the fixed project builds clean and the generator writes code for it.
        var run = GeneratorHarness.Run(after.Select(Normalize).ToArray());
        run.AssertNoGeneratorException();
        run.AssertCleanCompilation();
        Assert.Empty(AnalyzerHarness.Analyze(run).Select(GeneratorRun.Describe));
        foreach (var type in generated)
        {
            // The real output, not the throwing stub a refused declaration gets: only the real one has a layout.
            Assert.True(run.Sources.TryGetValue($"{type}.Residual.g.cs", out var source), $"No generated source for {type}.");
            Assert.Contains("ParameterCount", source);
        }
    }

    /// <summary>
    /// Only the text after the fix (and Fix All), for a fix that leaves other diagnostics in place: those are marked
    /// in <paramref name="after"/> like in <paramref name="before"/>.
    /// </summary>
    public static async Task VerifyTextAsync(string[] before, string[] after, string title, string equivalenceKey)
    {
        var test = new Test
        {
            CodeActionEquivalenceKey = equivalenceKey,
            CodeActionVerifier = (action, verifier) => verifier.Equal(title, action.Title),
        };
        foreach (var source in before) test.TestState.Sources.Add(Normalize(source));
        foreach (var source in after) test.FixedState.Sources.Add(Normalize(source));
        await test.RunAsync();
    }

    /// <summary>Test sources are written with \n; the library compares text exactly.</summary>
    private static string Normalize(string source) => source.Replace("\r\n", "\n");

    private sealed class Test : CSharpCodeFixTest<DeclarationAnalyzer, TFix, DefaultVerifier>
    {
        public Test()
        {
            // The same references as every other test (no reference-assembly download at test time).
            ReferenceAssemblies = new ReferenceAssemblies("net10.0");
            TestState.AdditionalReferences.AddRange(GeneratorHarness.References);
            // The generated text is checked by the snapshot tests; here only its presence and the diagnostics count.
            TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
            // Compiler diagnostics of the code before the fix are not what these tests are about (a refused declaration
            // may lack generated members, e.g. CS9248). After it, GeneratorRun.AssertCleanCompilation checks that there are
            // none, warnings included.
            CompilerDiagnostics = CompilerDiagnostics.None;
        }

        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(ResidualGenerator)];

        protected override ParseOptions CreateParseOptions() => GeneratorHarness.ParseOptions;

        protected override CompilationOptions CreateCompilationOptions() => GeneratorHarness.CompilationOptions;
    }
}
