using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Residual.Generators.Tests.Incrementality;

/// <summary>
/// Edits that leave every declaration as it was (what the IDE sees on most keystrokes) recompute nothing the generator
/// writes: every tracked step is cached or unchanged, no source output runs, and the generated texts are the very
/// objects of the previous run.
/// </summary>
public class UnrelatedEditTests
{
    /// <summary>A block and a model in one file, another part of the block in a second, unrelated code in a third.</summary>
    private static CSharpCompilation Project() => IncrementalRun.Compile(
        Declarations.Gpt,
        """
        namespace Demo;

        public partial class GptBlock
        {
            public int Helper() => 1;
        }
        """,
        """
        public static class Unrelated
        {
            public static int Value()
            {
                return 1;
            }
        }
        """);

    public static TheoryData<string> Edits => new(EditsByName.Keys);

    private static readonly Dictionary<string, Func<CSharpCompilation, CSharpCompilation>> EditsByName = new()
    {
        ["a comment at the top of the declaring file"] = c => IncrementalRun.EditFile(c, "Source0.cs", s => "// edited\n" + s),
        ["a comment inside the block class"] = c => IncrementalRun.EditFile(c, "Source0.cs", s => s.Replace("// x = x + Attention(LayerNorm(x))", "// x = x + Attention(LayerNorm(x)), as in GPT-2")),
        ["a method body in another file"] = c => IncrementalRun.EditFile(c, "Source2.cs", s => s.Replace("return 1;", "return 2;")),
        ["a method added to the block class"] = c => IncrementalRun.EditFile(c, "Source0.cs", s => s.Replace("public partial class GptBlock\n{", "public partial class GptBlock\n{\n    public int Added() => 3;\n")),
        ["a method body in the block's other partial part"] = c => IncrementalRun.EditFile(c, "Source1.cs", s => s.Replace("=> 1;", "=> 2;")),
        ["a method added to the block's other partial part"] = c => IncrementalRun.EditFile(c, "Source1.cs", s => s.Replace("}", "    public int Other() => 4;\n}")),
        ["an unrelated class added"] = c => IncrementalRun.AddFile(c, "Added.cs", "public sealed class Added { public int X { get; set; } }"),
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public void Every_tracked_step_is_cached_or_unchanged(string edit)
    {
        var run = IncrementalRun.Of(Project(), EditsByName[edit]);

        foreach (string step in ResidualGenerator.TrackedSteps)
        {
            var reasons = run.Reasons(step);
            // Every step ran (a missing name would make this test pass without looking).
            Assert.True(reasons.Count > 0, $"step {step} has no outputs");
            Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{edit}: step {step} was {r}"));
        }
    }

    [Theory]
    [MemberData(nameof(Edits))]
    public void No_source_output_runs_and_the_generated_texts_are_the_previous_ones(string edit)
    {
        var run = IncrementalRun.Of(Project(), EditsByName[edit]);

        // The block's file, the model's, and the shared SIMD helpers.
        Assert.Equal(3, run.OutputReasons.Count);
        Assert.All(run.OutputReasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{edit}: output was {r}"));
        var before = IncrementalRun.Texts(run.First);
        var after = IncrementalRun.Texts(run.Second);
        Assert.Equal(["GptBlock.Residual.g.cs", "Residual.Simd.g.cs", "TinyGpt.Residual.g.cs"], after.Keys.Order(StringComparer.Ordinal));
        foreach (var (hint, text) in after)
            Assert.Same(before[hint], text);
        run.AssertSameAsFreshRun();
    }

    /// <summary>
    /// Reading sees the new compilation and finds the same specs, and the assembly's name (the shared helpers' namespace)
    /// is read again and found the same; no step after them even runs.
    /// </summary>
    [Theory]
    [MemberData(nameof(Edits))]
    public void Only_reading_reruns_and_the_steps_after_it_are_cached(string edit)
    {
        var run = IncrementalRun.Of(Project(), EditsByName[edit]);

        Assert.Equal([IncrementalStepRunReason.Unchanged], run.Reasons(ResidualGenerator.HelperNamespaceStep));
        string[] rerun = [ResidualGenerator.ReadBlockStep, ResidualGenerator.ReadModelStep, ResidualGenerator.HelperNamespaceStep];
        foreach (string step in ResidualGenerator.TrackedSteps.Except(rerun))
        {
            var reasons = run.Reasons(step);
            Assert.All(reasons, r => Assert.True(r == IncrementalStepRunReason.Cached, $"{edit}: step {step} was {r}"));
        }
    }
}
