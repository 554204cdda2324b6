using System.Linq;
using System.Text.RegularExpressions;
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
    [Fact]
    public void Readme_quick_start_builds_without_warnings_and_prints_a_falling_loss()
    {
        var run = ExampleBuild.Generate(ReadmeBlocks()[0], "QuickStart");
        run.AssertCleanCompilation();

        string output = ExampleBuild.RunProgram(run, "The README's quick-start");

        var losses = Regex.Matches(output, @"loss (\d+\.\d+)").Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(losses.Count >= 2, "The quick-start should print the loss at several steps; it printed:\n" + output);
        Assert.True(losses[^1] < losses[0] / 2, "The quick-start's loss should fall by more than half; it printed:\n" + output);
        Assert.Contains("parameters", output);
    }

    /// <summary>
    /// The README's excerpt of generated code (its second C# block, with <c>...</c> for what it leaves out) must
    /// be what the generator really writes for the quick-start's block: every line it shows is in the block's file or
    /// in the shared SIMD helper file.
    /// </summary>
    [Fact]
    public void Readme_excerpt_of_generated_code_matches_the_generator_output()
    {
        var blocks = ReadmeBlocks();
        Assert.True(blocks.Count >= 2, "README.md should show an excerpt of generated code as its second C# block.");
        var run = ExampleBuild.Generate(blocks[0], "QuickStart");
        // The block's file and the SIMD helpers it calls, which every generated file of the assembly shares.
        string generated = run.Sources["GptBlock.Residual.g.cs"] + "\n" + run.SimdHelpers;
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
}
