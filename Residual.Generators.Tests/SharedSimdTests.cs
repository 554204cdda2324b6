using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Residual.Generators.Emitting;
using Residual.Generators.Tests.Infrastructure;
using Xunit;

namespace Residual.Generators.Tests;

/// <summary>
/// The SIMD helpers are written once per assembly, in <c>Residual.Simd.g.cs</c>: one class per width holding every helper
/// some declaration of that width calls, in a namespace of the assembly's own.
/// </summary>
public class SharedSimdTests
{
    private static string Block(string ns, string name, int width, string norm = "LayerNorm") => $$"""
        using Residual;

        namespace {{ns}}
        {
            [Block(Width = {{width}})]
            public partial class {{name}}
            {
                [Residual, PreNorm(Norm.{{norm}})]
                [Sublayer(typeof(Attention), Heads = 2)]
                public partial Attention Attend { get; }

                [Residual, PreNorm(Norm.{{norm}})]
                [Sublayer(typeof(FeedForward))]
                public partial FeedForward Mix { get; }
            }
        }
        """;

    private static string[] Classes(string shared) =>
        Regex.Matches(shared, @"internal static class (\w+)").Select(m => m.Groups[1].Value).ToArray();

    [Fact]
    public void Blocks_of_one_width_share_one_class_holding_the_union_of_their_helpers()
    {
        var run = GeneratorHarness.Run(Block("Demo", "First", 16), Block("Demo", "Second", 16, "RMSNorm"), Block("Demo", "Wide", 32));

        run.AssertNoGeneratorException();
        string shared = run.SimdHelpers ?? throw new Xunit.Sdk.XunitException("no shared SIMD file");
        Assert.Equal(["SimdWidth16", "SimdWidth32"], Classes(shared));
        // Width 16 holds First's LayerNorm helpers and Second's RMSNorm ones; each helper once.
        string width16 = shared.Substring(shared.IndexOf("class SimdWidth16", StringComparison.Ordinal), shared.IndexOf("class SimdWidth32", StringComparison.Ordinal) - shared.IndexOf("class SimdWidth16", StringComparison.Ordinal));
        Assert.Single(Regex.Matches(width16, @"internal static void LayerNormForward\("));
        Assert.Single(Regex.Matches(width16, @"internal static void RmsNormForward\("));
        Assert.Contains("// Used by Demo.First, Demo.Second.", shared);
        Assert.Contains("// Used by Demo.Wide.", shared);
        // The block files hold no helper of their own: they import their width's class.
        foreach (var (hint, text) in run.Sources)
        {
            Assert.DoesNotContain("internal static void", text);
            Assert.DoesNotContain("file static class", text);
        }
        Assert.Contains("using static global::Residual.Generated.Tests.SimdWidth16;", run.Sources["First.Residual.g.cs"]);
        Assert.Contains("using static global::Residual.Generated.Tests.SimdWidth16;", run.Sources["Second.Residual.g.cs"]);
        Assert.Contains("using static global::Residual.Generated.Tests.SimdWidth32;", run.Sources["Wide.Residual.g.cs"]);
        run.AssertCleanCompilation();
    }

    [Fact]
    public void No_shared_file_when_nothing_calls_a_helper()
    {
        // A plain sublayer without a norm calls no SIMD helper: no residual add, no norm.
        const string plain = """
            using Residual;

            namespace Demo;

            [Block(Width = 16)]
            public partial class PlainBlock
            {
                [Plain]
                [Sublayer(typeof(FeedForward))]
                public partial FeedForward Mix { get; }
            }
            """;
        var run = GeneratorHarness.Run(plain);

        run.AssertNoGeneratorException();
        Assert.Equal(["PlainBlock.Residual.g.cs"], run.Sources.Keys);
        Assert.Null(run.SimdHelpers);
        Assert.DoesNotContain("using static", run.Sources["PlainBlock.Residual.g.cs"]);
    }

    /// <summary>
    /// Two assemblies with <c>InternalsVisibleTo</c> between them both write a <c>SimdWidth16</c>: with one namespace for
    /// every assembly, the one that sees the other's internals would get CS0436 (a warning, an error with warnings as
    /// errors). Each assembly's own namespace keeps them apart.
    /// </summary>
    [Fact]
    public void Assemblies_that_see_each_others_internals_do_not_meet_a_second_helper_class()
    {
        const string internals = """
            [assembly: System.Runtime.CompilerServices.InternalsVisibleTo("App")]

            namespace Blocks
            {
                internal static class Secret
                {
                    public const int Value = 42;
                }
            }
            """;
        var lib = GeneratorHarness.RunAs("Blocks.Library", Block("Blocks", "LibraryBlock", 16), internals);
        lib.AssertCleanCompilation();
        using var image = new MemoryStream();
        Assert.True(lib.Output.Emit(image).Success);

        const string model = """
            using Residual;

            namespace App
            {
                [Model(Vocab = 5, Context = 4, Layers = 1)]
                public partial class LibraryLm : Transformer<Blocks.LibraryBlock>;

                public static class UsesInternals
                {
                    // Compiles only if the library's internals are visible here.
                    public static int Value => Blocks.Secret.Value;
                }
            }
            """;
        var app = GeneratorHarness.RunWith("App", [MetadataReference.CreateFromImage(image.ToArray())], Block("App", "AppBlock", 16), model);

        app.AssertNoGeneratorException();
        // Both declare a class of the same name; without their own namespaces the app would see two.
        Assert.Equal(["SimdWidth16"], Classes(lib.SimdHelpers!));
        Assert.Equal(["SimdWidth16"], Classes(app.SimdHelpers!));
        Assert.DoesNotContain(app.Diagnostics, d => d.Id == "CS0436");
        app.AssertCleanCompilation();
        Assert.Contains("namespace Residual.Generated.Blocks_Library\n", lib.SimdHelpers);
        Assert.Contains("namespace Residual.Generated.App\n", app.SimdHelpers);
    }

    [Fact]
    public void User_types_named_like_the_helpers_or_their_file_do_not_collide()
    {
        // A block named Simd in namespace Residual (hint Simd.Residual.g.cs), one named Residual (Residual.Residual.g.cs),
        // and user classes named like the helper classes beside them.
        const string namesakes = """
            namespace Other
            {
                public static class SimdWidth16 { public static int LayerNormForward() => 0; }
                public static class Simd { }
            }

            namespace Residual.Generated.Tests
            {
                public static class Unrelated { }
            }
            """;
        var run = GeneratorHarness.Run(Block("Residual", "Simd", 16), Block("Other", "Residual", 16), namesakes);

        run.AssertNoGeneratorException();
        Assert.Equal(["Residual.Residual.g.cs", "Simd.Residual.g.cs"], run.Sources.Keys.Order(StringComparer.Ordinal));
        Assert.NotNull(run.SimdHelpers);
        run.AssertCleanCompilation();
    }

    [Theory]
    [InlineData("App", "Residual.Generated.App")]
    [InlineData("My.Company.App", "Residual.Generated.My_Company_App")]
    [InlineData("System", "Residual.Generated.System")]
    [InlineData("class", "Residual.Generated.@class")]
    public void The_helper_namespace_is_the_assembly_name_as_one_identifier(string assembly, string expected) =>
        Assert.Equal(expected, SharedSimd.Namespace(assembly));

    [Fact]
    public void Assembly_names_that_lose_characters_get_a_hash_so_they_stay_distinct()
    {
        string dashed = SharedSimd.Namespace("My-App"), underscored = SharedSimd.Namespace("My_App"), digit = SharedSimd.Namespace("1App");
        Assert.Equal("Residual.Generated.My_App", underscored);
        Assert.StartsWith("Residual.Generated.My_App_", dashed);
        Assert.NotEqual(dashed, underscored);
        Assert.StartsWith("Residual.Generated._1App_", digit);
        Assert.Equal(SharedSimd.Namespace("My-App"), dashed); // stable
        Assert.Equal("Residual.Generated._", SharedSimd.Namespace(null));
    }

    [Fact]
    public void An_assembly_named_like_a_framework_namespace_still_compiles()
    {
        var run = GeneratorHarness.RunAs("System", Block("Demo", "First", 16));

        run.AssertNoGeneratorException();
        Assert.Contains("namespace Residual.Generated.System\n", run.SimdHelpers);
        run.AssertCleanCompilation();
    }
}
