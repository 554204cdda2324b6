using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Residual.Generators.Analyzers;
using Residual.Generators.Tests.Infrastructure;
using Xunit;

namespace Residual.Generators.Tests;

/// <summary>
/// Every declaration the generator refuses gets an error from <see cref="DeclarationAnalyzer"/>, placed on the
/// member or attribute at fault, with the reader's message; a valid declaration gets none.
/// </summary>
public sealed class DeclarationAnalyzerTests
{
    private static string Block(string members, string blockAttribute = "[Block(Width = 16)]") => $$"""
        using Residual;

        {{blockAttribute}}
        public partial class Bad
        {
        {{members}}
        }
        """;

    private const string Valid = """
        [Residual, PreNorm(Norm.LayerNorm)]
        [Sublayer(typeof(Attention), Heads = 2)]
        public partial Attention Attend { get; }

        [Residual, PreNorm(Norm.LayerNorm)]
        [Sublayer(typeof(FeedForward))]
        public partial FeedForward Mix { get; }
        """;

    [Theory]
    // id, declaration, text under the squiggle, a word the message must contain
    [InlineData("RES0002", "[Block(Width = 16)]", "[PreNorm(Norm.LayerNorm)] [Sublayer(typeof(FeedForward))] public partial FeedForward Mix { get; }", "Mix", "[Plain]")]
    [InlineData("RES0003", "[Block(Width = 16)]", "[Residual, PreNorm(Norm.LayerNorm), PostNorm(Norm.LayerNorm)] [Sublayer(typeof(FeedForward))] public partial FeedForward Mix { get; }", "PostNorm(Norm.LayerNorm)", "keep one")]
    [InlineData("RES0006", "[Block(Width = 0)]", Valid, "Width = 0", "positive Width")]
    [InlineData("RES0006", "[Block(Width = 16)]", "[Residual] [Sublayer(typeof(Attention), Heads = 3)] public partial Attention Attend { get; }", "Heads = 3", "divide the width 16")]
    [InlineData("RES0007", "[Block(Width = 16)]", "[Residual] [Sublayer(typeof(string))] public partial string Mix { get; }", "typeof(string)", "not a sublayer")]
    [InlineData("RES0009", "[Block(Width = 16)]", "", "Bad", "no [Sublayer]")]
    [InlineData("RES0013", "[Block(Width = 16)]", "[Residual] [Sublayer(typeof(FeedForward))] public FeedForward Mix => null!;", "Mix", "partial")]
    [InlineData("RES0013", "[Block(Width = 16)]", Valid + "\n[Residual, PreNorm(Norm.LayerNorm)] public int Depth => 1;", "Depth", "wiring ([Residual], [PreNorm]) but no [Sublayer]")]
    public void Refused_block_gets_the_error_on_the_declaration_at_fault(string id, string blockAttribute, string members, string squiggled, string messagePart)
    {
        var run = GeneratorHarness.Run(Block(members, blockAttribute));
        var diagnostics = AnalyzerHarness.Analyze(run);

        var diagnostic = Assert.Single(diagnostics, d => d.Id == id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(squiggled, AnalyzerHarness.SpanText(diagnostic));
        Assert.Contains(messagePart, diagnostic.GetMessage());
        Assert.DoesNotContain(run.Sources.Keys, h => h.StartsWith("Bad.", StringComparison.Ordinal));
    }

    [Fact]
    public void Non_partial_block_gets_RES0008_on_its_name()
    {
        var run = GeneratorHarness.Run(Block(Valid).Replace("public partial class Bad", "public class Bad").Replace("public partial ", "public "));
        var diagnostic = Assert.Single(AnalyzerHarness.Analyze(run), d => d.Id == "RES0008");
        Assert.Equal("Bad", AnalyzerHarness.SpanText(diagnostic));
    }

    [Theory]
    // header, extra members, text under each squiggle
    [InlineData("public partial class Bad", "public Bad() { }", "Bad")]
    [InlineData("public partial class Bad", "public Bad(int depth) { }\n public Bad(string name) : this(1) { }", "Bad")]
    [InlineData("public partial class Bad", "public Bad(int depth) { }\n public Bad(ModelOptions? options) : this(options, 1) { }\n private Bad(ModelOptions? o, int d) : this(o) { }", "Bad|Bad")]
    [InlineData("public partial class Bad(int depth)", "", "(int depth)")]
    public void User_constructor_on_a_block_gets_RES0013_on_each_constructor(string header, string extra, string squiggled)
    {
        var run = GeneratorHarness.Run(Block(Valid + "\n" + extra).Replace("public partial class Bad", header));
        var diagnostics = AnalyzerHarness.Analyze(run).Where(d => d.Id == "RES0013").ToList();

        Assert.Equal(squiggled.Split('|'), diagnostics.Select(AnalyzerHarness.SpanText));
        Assert.All(diagnostics, d => Assert.Contains("generator declares the constructors", d.GetMessage()));
        Assert.All(diagnostics, d => Assert.DoesNotContain(".Residual.g.cs", d.Location.SourceTree!.FilePath));
        Assert.DoesNotContain(run.Sources.Keys, h => h.StartsWith("Bad.", StringComparison.Ordinal));
    }

    [Fact]
    public void User_constructor_on_a_model_gets_RES0013_on_the_constructor()
    {
        var run = GeneratorHarness.Run(Block(Valid).Replace("class Bad", "class Good"), """
            using Residual;
            [Model(Vocab = 11, Context = 8, Layers = 2)]
            public partial class Lm : Transformer<Good>
            {
                public Lm(int seed) : base(Description, Layout, null) { }
            }
            """);
        var diagnostic = Assert.Single(AnalyzerHarness.Analyze(run), d => d.Id == "RES0013");
        Assert.Equal("Lm", AnalyzerHarness.SpanText(diagnostic));
        Assert.Equal(4, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
        Assert.DoesNotContain("Lm.Residual.g.cs", run.Sources.Keys);
    }

    [Theory]
    // header (and what precedes it), a word the message must contain
    [InlineData("public partial class Bad : Base", "derive from object")]
    [InlineData("public partial record Bad", "record")]
    [InlineData("public partial record class Bad", "record")]
    public void Block_class_of_the_wrong_kind_gets_RES0008_on_its_name(string header, string messagePart)
    {
        var run = GeneratorHarness.Run(Block(Valid).Replace("public partial class Bad", header) + "\npublic class Base { }");
        var diagnostic = Assert.Single(AnalyzerHarness.Analyze(run), d => d.Id == "RES0008");
        Assert.Equal("Bad", AnalyzerHarness.SpanText(diagnostic));
        Assert.Contains(messagePart, diagnostic.GetMessage());
        Assert.DoesNotContain(run.Sources.Keys, h => h.StartsWith("Bad.", StringComparison.Ordinal));
    }

    [Fact]
    public void Class_with_both_Block_and_Model_gets_RES0008_once()
    {
        var run = GeneratorHarness.Run(Block(Valid, "[Block(Width = 16), Model(Vocab = 11, Context = 8, Layers = 2)]"));
        var diagnostic = Assert.Single(AnalyzerHarness.Analyze(run), d => d.Id == "RES0008");
        Assert.Equal("Bad", AnalyzerHarness.SpanText(diagnostic));
        Assert.Contains("both [Block] and [Model]", diagnostic.GetMessage());
        Assert.Empty(run.Sources);
    }

    private const string Gate = """

        public sealed class Gate : Sublayer
        {
            public override System.Collections.Generic.IReadOnlyList<ParameterShape> DescribeParameters(int width) => [new("weight", [width], ParameterInit.Ones)];
            public override void Forward(in SublayerContext context, System.ReadOnlySpan<float> input, System.Span<float> output) => input.CopyTo(output);
            public override void Backward(in SublayerContext context, System.ReadOnlySpan<float> input, System.ReadOnlySpan<float> dOutput, System.Span<float> dInput) => dOutput.CopyTo(dInput);
        }
        """;

    [Theory]
    // members, the later member (under the squiggle), the name generated twice
    [InlineData("[Residual] [Sublayer(typeof(Gate))] public partial Gate A_b { get; }\n[Residual] [Sublayer(typeof(Gate))] public partial Gate A_b_ { get; }", "A_b_", "ABOffset")]
    [InlineData("[Residual] [Sublayer(typeof(Gate))] public partial Gate _mix { get; }\n[Residual] [Sublayer(typeof(Gate))] public partial Gate Mix { get; }", "Mix", "MixOffset")]
    [InlineData("[Residual] [Sublayer(typeof(Gate))] public partial Gate _ { get; }", "_", "'Offset'")]
    [InlineData("[Residual, PreNorm] [Sublayer(typeof(FeedForward))] public partial FeedForward Mix { get; }\n[Residual] [Sublayer(typeof(Gate))] public partial Gate Ln1Weight { get; }", "Ln1Weight", "Ln1WeightOffset")]
    public void Sublayer_whose_generated_names_collide_gets_RES0013_on_the_later_member(string members, string squiggled, string name)
    {
        var run = GeneratorHarness.Run(Block(members) + Gate);
        var diagnostic = Assert.Single(AnalyzerHarness.Analyze(run), d => d.Id == "RES0013");
        Assert.Equal(squiggled, AnalyzerHarness.SpanText(diagnostic));
        Assert.Contains(name, diagnostic.GetMessage());
        Assert.Empty(run.Sources);
    }

    private const string RequiredGate = """

        public class RequiredGate : Sublayer
        {
            public required float Gain { get; init; }
            public override System.Collections.Generic.IReadOnlyList<ParameterShape> DescribeParameters(int width) => [];
            public override void Forward(in SublayerContext context, System.ReadOnlySpan<float> input, System.Span<float> output) => input.CopyTo(output);
            public override void Backward(in SublayerContext context, System.ReadOnlySpan<float> input, System.ReadOnlySpan<float> dOutput, System.Span<float> dInput) => dOutput.CopyTo(dInput);
        }
        """;

    [Fact]
    public void Custom_sublayer_with_required_members_gets_RES0007()
    {
        var run = GeneratorHarness.Run(Block("[Residual] [Sublayer(typeof(RequiredGate))] public partial RequiredGate Mix { get; }") + RequiredGate);
        var diagnostic = Assert.Single(AnalyzerHarness.Analyze(run), d => d.Id == "RES0007");
        Assert.Equal("typeof(RequiredGate)", AnalyzerHarness.SpanText(diagnostic));
        Assert.Contains("required members (Gain)", diagnostic.GetMessage());
        Assert.Empty(run.Sources);
    }

    /// <summary>An attribute the compiler could not bind is the compiler's to explain: no size error from its recovered values.</summary>
    [Theory]
    [InlineData("[Block(Width = 1e10)]", Valid)]
    [InlineData("[Block(Width = \"16\")]", Valid)]
    [InlineData("[Block(Width = 16)]", "[Residual] [Sublayer(typeof(), Hidden = 32)] public partial FeedForward Mix { get; }")]
    [InlineData("[Block(Width = 16)]", "[Residual(Scale = \"abc\")] [Sublayer(typeof(FeedForward))] public partial FeedForward Mix { get; }")]
    [InlineData("[Block(Width = 16)]", "[Residual, PreNorm(\"LayerNorm\")] [Sublayer(typeof(FeedForward))] public partial FeedForward Mix { get; }")]
    public void Attribute_with_binding_errors_gets_only_the_compilers_error(string blockAttribute, string members)
    {
        var run = GeneratorHarness.Run(Block(members, blockAttribute));
        Assert.Contains(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(AnalyzerHarness.Analyze(run).Select(GeneratorRun.Describe));
        Assert.DoesNotContain(run.Sources.Keys, h => h.StartsWith("Bad.", StringComparison.Ordinal));
    }

    [Fact]
    public void Model_attribute_with_binding_errors_gets_only_the_compilers_error()
    {
        var run = GeneratorHarness.Run(Block(Valid).Replace("class Bad", "class Good"), """
            using Residual;
            [Model(Vocab = 1e10, Context = 8, Layers = 2)]
            public partial class Lm : Transformer<Good>;
            """);
        Assert.Contains(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(AnalyzerHarness.Analyze(run).Select(GeneratorRun.Describe));
        Assert.DoesNotContain("Lm.Residual.g.cs", run.Sources.Keys);
    }

    [Fact]
    public void Model_with_zero_vocabulary_gets_RES0006_on_its_attribute()
    {
        var run = GeneratorHarness.Run(Block(Valid).Replace("class Bad", "class Good"), """
            using Residual;
            [Model(Vocab = 0, Context = 8, Layers = 2)]
            public partial class Lm : Transformer<Good>;
            """);
        var diagnostic = Assert.Single(AnalyzerHarness.Analyze(run));
        Assert.Equal("RES0006", diagnostic.Id);
        Assert.Equal("Vocab = 0", AnalyzerHarness.SpanText(diagnostic));
    }

    [Fact]
    public void Residual_on_a_model_gets_RES0015_on_the_attribute()
    {
        var run = GeneratorHarness.Run(Block(Valid).Replace("class Bad", "class Good"), """
            using Residual;
            [Model(Vocab = 11, Context = 8, Layers = 2), Residual]
            public partial class Lm : Transformer<Good>;
            """);
        var diagnostic = Assert.Single(AnalyzerHarness.Analyze(run));
        Assert.Equal("RES0015", diagnostic.Id);
        Assert.Equal("Residual", AnalyzerHarness.SpanText(diagnostic));
        Assert.DoesNotContain("Lm.Residual.g.cs", run.Sources.Keys);
    }

    [Fact]
    public void Valid_block_and_model_get_no_diagnostics()
    {
        var run = GeneratorHarness.Run(Block(Valid).Replace("class Bad", "class Good"), """
            using Residual;
            [Model(Vocab = 11, Context = 8, Layers = 2)]
            public partial class Lm : Transformer<Good>;
            """);
        Assert.Empty(AnalyzerHarness.Analyze(run));
        run.AssertCleanCompilation();
    }

    [Fact]
    public void Pragma_disables_the_diagnostic()
    {
        var unsuppressed = GeneratorHarness.Run(Block(""));
        Assert.Contains(AnalyzerHarness.Analyze(unsuppressed), d => d.Id == "RES0009" && !d.IsSuppressed);

        var run = GeneratorHarness.Run("#pragma warning disable RES0009\n" + Block(""));
        Assert.All(AnalyzerHarness.Analyze(run), d => Assert.True(d.IsSuppressed, d.ToString()));
    }

    /// <summary>Each descriptor links to its page in <c>docs/diagnostics/</c>, and that page exists and is tracked for release.</summary>
    [Fact]
    public void Every_diagnostic_has_a_docs_page_and_a_release_entry()
    {
        string root = RepositoryFiles.Root;
        string unshipped = File.ReadAllText(Path.Combine(root, "Residual.Generators", "AnalyzerReleases.Unshipped.md"));
        var descriptors = new DeclarationAnalyzer().SupportedDiagnostics;
        Assert.NotEmpty(descriptors);
        foreach (var d in descriptors)
        {
            Assert.Equal(Descriptors.HelpRoot + d.Id + ".md", d.HelpLinkUri);
            Assert.True(File.Exists(Path.Combine(root, "docs", "diagnostics", d.Id + ".md")), $"docs/diagnostics/{d.Id}.md is missing.");
            Assert.Contains($"{d.Id} | {d.Category} | {d.DefaultSeverity}", unshipped);
        }
    }

    /// <summary>The reader's problem codes and the analyzer's descriptors are the same set: no refusal goes unexplained.</summary>
    [Fact]
    public void Every_problem_code_has_a_descriptor()
    {
        var codes = typeof(Residual.Generators.Reading.ProblemCodes)
            .GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!)
            .Where(c => c != Residual.Generators.Reading.ProblemCodes.CompilerError) // the compiler reports these itself
            .OrderBy(c => c);
        Assert.Equal(codes, Descriptors.ById.Keys.OrderBy(c => c));
    }
}
