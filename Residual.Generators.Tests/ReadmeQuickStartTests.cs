using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Residual.Generators.Tests.Infrastructure;
using Xunit;

namespace Residual.Generators.Tests;

/// <summary>
/// The README's first C# block is a promise: pasted as <c>Program.cs</c> into a fresh console project that
/// references the runtime and the generator, it builds with warnings as errors and runs. This compiles it the
/// way such a project would (top-level statements, the console template's implicit usings, nullable on) and runs it.
/// </summary>
public sealed class ReadmeQuickStartTests
{
    // What `dotnet new console` turns on through ImplicitUsings.
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    [Fact]
    public void Readme_quick_start_builds_without_warnings_and_prints_a_falling_loss()
    {
        string program = ReadmeBlocks()[0];
        var trees = new[] { program, ImplicitUsings }
            .Select((s, i) => CSharpSyntaxTree.ParseText(s, GeneratorHarness.ParseOptions, path: i == 0 ? "Program.cs" : "GlobalUsings.g.cs"))
            .ToArray();
        var compilation = CSharpCompilation.Create(
            "QuickStart", trees, GeneratorHarness.References,
            GeneratorHarness.CompilationOptions.WithOutputKind(OutputKind.ConsoleApplication));
        var run = GeneratorHarness.RunOn(compilation);
        run.AssertNoGeneratorException();
        run.AssertCleanCompilation();

        string output = RunEntryPoint(run.Output);

        var losses = Regex.Matches(output, @"loss (\d+\.\d+)").Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(losses.Count >= 2, "The quick-start should print the loss at several steps; it printed:\n" + output);
        Assert.True(losses[^1] < losses[0] / 2, "The quick-start's loss should fall by more than half; it printed:\n" + output);
        Assert.Contains("parameters", output);
    }

    /// <summary>
    /// The README's excerpt of generated code (its second C# block, with <c>...</c> for what it leaves out) must
    /// be what the generator really writes for the quick-start's block: every line it shows is in the generated file.
    /// </summary>
    [Fact]
    public void Readme_excerpt_of_generated_code_matches_the_generator_output()
    {
        var blocks = ReadmeBlocks();
        Assert.True(blocks.Count >= 2, "README.md should show an excerpt of generated code as its second C# block.");
        var run = GeneratorHarness.Run(ImplicitUsings, blocks[0]);
        string generated = run.Sources["GptBlock.Residual.g.cs"];
        var lines = new System.Collections.Generic.HashSet<string>(generated.Split('\n').Select(l => l.Trim()));

        var missing = blocks[1].Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && l != "..." && !lines.Contains(l)).ToList();
        Assert.True(missing.Count == 0, "Lines of the README's excerpt that the generator does not write:\n" + string.Join("\n", missing));
    }

    /// <summary>The README's <c>```csharp</c> blocks; the first is the quick-start.</summary>
    private static System.Collections.Generic.IReadOnlyList<string> ReadmeBlocks()
    {
        var blocks = RepositoryFiles.CSharpBlocks(RepositoryFiles.Read("README.md"));
        Assert.True(blocks.Count > 0, "README.md has no ```csharp block.");
        return blocks;
    }

    /// <summary>Emits the program, runs its entry point in a collectible context, and returns what it wrote to the console.</summary>
    private static string RunEntryPoint(Compilation compilation)
    {
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        image.Position = 0;
        var context = new AssemblyLoadContext("QuickStart", isCollectible: true);
        var writer = new StringWriter();
        var original = Console.Out;
        try
        {
            var assembly = context.LoadFromStream(image);
            Console.SetOut(writer);
            var entry = assembly.EntryPoint ?? throw new InvalidOperationException("The quick-start has no entry point.");
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : new object[] { Array.Empty<string>() });
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new Xunit.Sdk.XunitException("The quick-start threw:\n" + e.InnerException);
        }
        finally
        {
            Console.SetOut(original);
            context.Unload();
        }
        return writer.ToString();
    }
}
