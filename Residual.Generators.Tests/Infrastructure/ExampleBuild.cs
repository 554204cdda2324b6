using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace Residual.Generators.Tests.Infrastructure;

/// <summary>
/// Builds an example (a docs page's, or the README's quick-start) the way a user's project would (a console project
/// from <c>dotnet new console</c>: implicit usings, nullable on, the generator and analyzers running), and runs a
/// program in its own process.
/// </summary>
public static class ExampleBuild
{
    /// <summary>What <c>dotnet new console</c> turns on through ImplicitUsings.</summary>
    public const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    /// <summary>
    /// Joins the blocks of one program: their <c>using</c> directives first, then their top-level statements in page
    /// order, then their type declarations (C# wants statements before declarations in a file).
    /// </summary>
    public static string Assemble(IEnumerable<string> blocks)
    {
        var usings = new List<string>();
        var statements = new List<string>();
        var declarations = new List<string>();
        foreach (var block in blocks)
        {
            var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(block, GeneratorHarness.ParseOptions).GetRoot();
            foreach (var u in root.Usings.Select(u => u.ToFullString().Trim())) if (!usings.Contains(u)) usings.Add(u);
            foreach (var member in root.Members)
                (member is GlobalStatementSyntax ? statements : declarations).Add(member.ToFullString().TrimEnd());
        }
        return string.Join("\n", usings) + "\n\n" + string.Join("\n", statements) + "\n\n" + string.Join("\n\n", declarations) + "\n";
    }

    /// <summary>Whether the source has top-level statements (then it is built as a console program and run).</summary>
    public static bool IsProgram(string source) =>
        ((CompilationUnitSyntax)CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions).GetRoot()).Members.OfType<GlobalStatementSyntax>().Any();

    /// <summary>Runs the generator over <paramref name="source"/> as <c>Program.cs</c> of a console project (a library when it has no statements).</summary>
    public static GeneratorRun Generate(string source, string assemblyName = "DocsExample")
    {
        var trees = new[]
        {
            CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path: "Program.cs"),
            CSharpSyntaxTree.ParseText(ImplicitUsings, GeneratorHarness.ParseOptions, path: "GlobalUsings.g.cs"),
        };
        var kind = IsProgram(source) ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary;
        var compilation = CSharpCompilation.Create(assemblyName, trees, GeneratorHarness.References, GeneratorHarness.CompilationOptions.WithOutputKind(kind));
        var run = GeneratorHarness.RunOn(compilation);
        run.AssertNoGeneratorException();
        return run;
    }

    /// <summary>Fails unless the run has no compiler error or warning and Residual's analyzers report nothing.</summary>
    public static void AssertClean(GeneratorRun run, string what)
    {
        var problems = run.ErrorsAndWarnings.Select(GeneratorRun.Describe)
            .Concat(AnalyzerHarness.Analyze(run).Select(GeneratorRun.Describe)).ToList();
        Assert.True(problems.Count == 0, $"{what} does not build cleanly:\n" + string.Join("\n", problems.Take(20)));
    }

    /// <summary>
    /// Emits the program and runs it with <c>dotnet exec</c> in a fresh temporary folder (beside a copy of
    /// Residual.Runtime.dll), as <c>dotnet run</c> would; fails if it exits with an error. Returns its standard output.
    /// </summary>
    public static string RunProgram(GeneratorRun run, string what)
    {
        var folder = Directory.CreateTempSubdirectory("residual-docs-");
        try
        {
            string name = run.Output.AssemblyName ?? "DocsExample";
            string dll = Path.Combine(folder.FullName, name + ".dll");
            using (var file = File.Create(dll))
            {
                var emitted = run.Output.Emit(file);
                Assert.True(emitted.Success, $"{what} does not emit:\n" + string.Join("\n", emitted.Diagnostics));
            }
            File.Copy(typeof(BlockAttribute).Assembly.Location, Path.Combine(folder.FullName, "Residual.Runtime.dll"));
            File.WriteAllText(Path.Combine(folder.FullName, name + ".runtimeconfig.json"), $$"""
                { "runtimeOptions": { "tfm": "net10.0", "framework": { "name": "Microsoft.NETCore.App", "version": "{{Environment.Version}}" } } }
                """);
            var start = new ProcessStartInfo(DotnetHost(), ["exec", dll])
            {
                WorkingDirectory = folder.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{what} did not finish within 3 minutes.");
            }
            Assert.True(process.ExitCode == 0, $"{what} exited with {process.ExitCode}:\n{stdout}\n{stderr.Result}");
            return stdout.Replace("\r\n", "\n");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The <c>dotnet</c> host that runs the tests (the SDK sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
