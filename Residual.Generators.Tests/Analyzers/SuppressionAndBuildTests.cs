using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Residual.Generators.Tests.Infrastructure;
using Xunit;

namespace Residual.Generators.Tests.Analyzers;

/// <summary>
/// How users switch diagnostics off or up (pragmas, <c>[SuppressMessage]</c>, <c>.editorconfig</c>), RES0011's
/// configurable threshold, and what a command-line build of a refused declaration shows: the RES error alone.
/// </summary>
public sealed class SuppressionAndBuildTests
{
    private const string MissingResidual = """
        using Residual;

        [Block(Width = 16)]
        public partial class Bad
        {
            [PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        """;

    private const string Mixed = """
        using Residual;

        [Block(Width = 16)]
        public partial class MixedBlock
        {
            [Residual, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(Attention), Heads = 2)]
            public partial Attention Attend { get; }

            [Residual, PostNorm(Norm.LayerNorm)]
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        """;

    private static string DeepPostNorm(int layers) => $$"""
        using Residual;

        [Block(Width = 16)]
        public partial class PostBlock
        {
            [Residual, PostNorm(Norm.LayerNorm)]
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }

        [Model(Vocab = 5, Context = 4, Layers = {{layers}}, FinalNorm = Norm.None)]
        public partial class DeepLm : Transformer<PostBlock>;
        """;

    [Fact]
    public void Pragma_warning_disable_suppresses_RES0002()
    {
        Assert.Contains(EditorConfigBuild.Create("root = true", MissingResidual).AnalyzerDiagnostics, d => d.Id == "RES0002" && !d.IsSuppressed);
        var build = EditorConfigBuild.Create("root = true", MissingResidual.Replace("[Block(", "#pragma warning disable RES0002\n[Block("));
        Assert.All(build.AnalyzerDiagnostics.Where(d => d.Id == "RES0002"), d => Assert.True(d.IsSuppressed));
        Assert.DoesNotContain(build.All, d => d.Id == "RES0002");
    }

    [Fact]
    public void Editorconfig_severity_none_silences_RES0002()
    {
        var build = EditorConfigBuild.Create("root = true\n[*.cs]\ndotnet_diagnostic.RES0002.severity = none\n", MissingResidual);
        Assert.DoesNotContain(build.All, d => d.Id == "RES0002");
    }

    [Fact]
    public void Editorconfig_can_raise_the_warning_RES0004_to_an_error_and_lower_it_to_a_suggestion()
    {
        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(EditorConfigBuild.Create("root = true", Mixed).All, d => d.Id == "RES0004").Severity);
        var error = EditorConfigBuild.Create("root = true\n[*.cs]\ndotnet_diagnostic.RES0004.severity = error\n", Mixed);
        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(error.All, d => d.Id == "RES0004").Severity);
        var suggestion = EditorConfigBuild.Create("root = true\n[*.cs]\ndotnet_diagnostic.RES0004.severity = suggestion\n", Mixed);
        Assert.Equal(DiagnosticSeverity.Info, Assert.Single(suggestion.All, d => d.Id == "RES0004").Severity);
    }

    [Fact]
    public void SuppressMessage_on_the_block_class_suppresses_the_whole_block_warning()
    {
        const string whole = """
            using Residual;

            [Block(Width = 16), Residual]
            [System.Diagnostics.CodeAnalysis.SuppressMessage("Residual.Wiring", "RES0001", Justification = "one residual around the block, on purpose")]
            public partial class WholeBlock
            {
                [Plain, PreNorm(Norm.LayerNorm)]
                [Sublayer(typeof(FeedForward))]
                public partial FeedForward Mix { get; }
            }
            """;
        var build = EditorConfigBuild.Create("root = true", whole);
        Assert.Empty(build.All.Select(GeneratorRun.Describe));
        Assert.Contains("WholeBlock.Residual.g.cs", build.Run.Sources.Keys);
    }

    [Theory]
    [InlineData("", 12, false)]
    [InlineData("", 13, true)]
    [InlineData("residual.post_norm_depth_threshold = 4", 5, true)]
    [InlineData("residual.post_norm_depth_threshold = 4", 4, false)]
    [InlineData("residual.post_norm_depth_threshold = 48", 24, false)]
    [InlineData("residual.post_norm_depth_threshold = not a number", 13, true)]
    public void RES0011_threshold_comes_from_editorconfig(string setting, int layers, bool warned)
    {
        var build = EditorConfigBuild.Create($"root = true\n[*.cs]\n{setting}\n", DeepPostNorm(layers));
        Assert.Equal(warned, build.All.Any(d => d.Id == "RES0011"));
        Assert.Contains("DeepLm.Residual.g.cs", build.Run.Sources.Keys);
    }

    [Fact]
    public void RES0011_threshold_can_be_set_in_a_global_analyzer_config()
    {
        var build = EditorConfigBuild.Create("is_global = true\nresidual.post_norm_depth_threshold = 2\n", DeepPostNorm(3));
        Assert.Contains(build.All, d => d.Id == "RES0011");
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "RES0002", MissingResidual + "\n[Model(Vocab = 5, Context = 4, Layers = 2)]\npublic partial class Lm : Transformer<Bad>;\n" },
        { "RES0006", DeepPostNorm(2).Replace("Vocab = 5", "Vocab = 0") },
        { "RES0003", MissingResidual.Replace("[PreNorm(Norm.LayerNorm)]", "[Residual, PreNorm(Norm.LayerNorm), PostNorm(Norm.LayerNorm)]") },
        { "RES0007", MissingResidual.Replace("[PreNorm(Norm.LayerNorm)]", "[Residual]").Replace("typeof(FeedForward)", "typeof(string)").Replace("partial FeedForward", "partial string") },
        { "RES0013", MissingResidual.Replace("[PreNorm(Norm.LayerNorm)]", "[Residual]").Replace("{ get; }", "{ get; set; }") },
        { "RES0015", DeepPostNorm(2).Replace("public partial class DeepLm", "[Residual]\npublic partial class DeepLm") },
        // The refused model's stub keeps its size constants, so code using them (as the README's quick-start does)
        // adds no CS0117; one the user declares is left to the user.
        { "RES0002", MissingResidual + "\n[Model(Vocab = 5, Context = 4, Layers = 2)]\npublic partial class Lm : Transformer<Bad>;\n"
                     + "public static class Uses { public static int Sum => Lm.Vocab + Lm.Context + Lm.Layers + Lm.Width; }\n" },
        { "RES0002", MissingResidual + "\n[Model(Vocab = 5, Context = 4, Layers = 2)]\npublic partial class Lm : Transformer<Bad> { public const int Width = 7; }\n"
                     + "public static class Uses { public static int Sum => Lm.Vocab + Lm.Width; }\n" },
    };

    /// <summary>
    /// The compiler skips analyzers when the compilation has errors, so a refused declaration must compile: the stub
    /// does that, and the RES error is the only error a build shows. The stub's members throw, naming it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Refused))]
    public void Command_line_build_of_a_refused_declaration_shows_only_the_RES_error(string id, string source)
    {
        var build = EditorConfigBuild.Create("root = true", source);
        build.Run.AssertNoGeneratorException();
        Assert.Empty(build.Run.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(GeneratorRun.Describe));
        var errors = build.All.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, d => Assert.StartsWith("RES", d.Id));
        Assert.Contains(errors, d => d.Id == id);
        Assert.NotEmpty(build.Run.Stubs);
        Assert.All(build.Run.Stubs.Values, stub => Assert.Contains("InvalidOperationException", stub));
    }

    [Fact]
    public void Stub_members_throw_naming_the_RES_error()
    {
        var run = GeneratorHarness.Run(MissingResidual + "\n[Model(Vocab = 5, Context = 4, Layers = 2)]\npublic partial class Lm : Transformer<Bad>;\n");
        using var image = new System.IO.MemoryStream();
        Assert.True(run.Output.Emit(image).Success);
        var context = new System.Runtime.Loader.AssemblyLoadContext("Stubs", isCollectible: true);
        try
        {
            image.Position = 0;
            var assembly = context.LoadFromStream(image);
            var model = assembly.GetType("Lm")!;
            var thrown = Assert.Throws<System.Reflection.TargetInvocationException>(() => Activator.CreateInstance(model, new object?[] { null }));
            var inner = Assert.IsType<InvalidOperationException>(thrown.InnerException);
            Assert.Contains("RES0009", inner.Message);
            var block = (IBlock)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(assembly.GetType("Bad")!);
            Assert.Contains("RES0002", Assert.Throws<InvalidOperationException>(() => block.Description).Message);
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>Users build with warnings as errors and every warning wave: neither generated code nor stubs may produce one.</summary>
    [Fact]
    public void Generated_code_and_stubs_compile_without_warnings_under_warnings_as_errors()
    {
        var options = GeneratorHarness.CompilationOptions.WithGeneralDiagnosticOption(ReportDiagnostic.Error);
        var sources = Declarations.All.Append(WholeBlockFixture.Source).Append(MissingResidual.Replace("class Bad", "class Refused"))
            .Append(DeepPostNorm(2).Replace("Vocab = 5", "Vocab = 0")).ToArray();
        var build = EditorConfigBuild.Create("root = true", options, sources);
        var generated = build.Run.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree?.FilePath.EndsWith(".Residual.g.cs", StringComparison.Ordinal) == true);
        Assert.True(!generated.Any(), string.Join("\n", generated.Select(d => d.ToString())));
        Assert.Empty(build.Run.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(GeneratorRun.Describe));
        Assert.Empty(build.AnalyzerDiagnostics.Where(d => d.Location.SourceTree?.FilePath.EndsWith(".Residual.g.cs", StringComparison.Ordinal) == true));
    }
}
