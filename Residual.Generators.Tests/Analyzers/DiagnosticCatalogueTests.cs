using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Residual.Generators.Tests.Infrastructure;
using Xunit;

namespace Residual.Generators.Tests.Analyzers;

/// <summary>
/// Every RES diagnostic: one declaration that gets it, with the squiggle on exactly the argument, attribute or name at
/// fault and the expected severity, and the same declaration corrected, which gets no diagnostic at all, compiles
/// cleanly with the generated code, and is generated.
/// </summary>
public sealed class DiagnosticCatalogueTests
{
    private const string Header = "using Residual;\n\n";

    /// <summary>A custom sublayer of fixed output width 32, and a width-generic one.</summary>
    private const string CustomSublayers = """

        [OutputWidth(32)]
        public sealed class Fixed32 : Sublayer
        {
            public override System.Collections.Generic.IReadOnlyList<ParameterShape> DescribeParameters(int width) => [new("weight", [32], ParameterInit.Ones)];
            public override void Forward(in SublayerContext context, System.ReadOnlySpan<float> input, System.Span<float> output) => input.CopyTo(output);
            public override void Backward(in SublayerContext context, System.ReadOnlySpan<float> input, System.ReadOnlySpan<float> dOutput, System.Span<float> dInput) => dOutput.CopyTo(dInput);
        }
        """;

    private static string Block(string members, string attribute = "[Block(Width = 16)]", string name = "Bad") => Header + $$"""
        {{attribute}}
        public partial class {{name}}
        {
        {{members}}
        }

        """;

    private static string Ff(string wiring, string member = "Mix", string sublayer = "[Sublayer(typeof(FeedForward))]") =>
        $"    {wiring}\n    {sublayer}\n    public partial FeedForward {member} {{ get; }}\n";

    private static string Attn(string wiring, string member = "Attend", string sublayer = "[Sublayer(typeof(Attention), Heads = 2)]") =>
        $"    {wiring}\n    {sublayer}\n    public partial Attention {member} {{ get; }}\n";

    private static string Model(string attribute, string block = "Good") => $"\n{attribute}\npublic partial class Lm : Transformer<{block}>;\n";

    private static readonly string Good = Block(Attn("[Residual, PreNorm(Norm.LayerNorm)]") + Ff("[Residual, PreNorm(Norm.LayerNorm)]"), name: "Good");
    private static readonly string GoodPost = Block(Attn("[Residual, PostNorm(Norm.LayerNorm)]") + Ff("[Residual, PostNorm(Norm.LayerNorm)]"), name: "Good");

    /// <summary>id → (wrong source, text under the squiggle, which occurrence of that text (0 = first, -1 = last), corrected source).</summary>
    private static readonly Dictionary<string, (string Wrong, string Span, int Occurrence, string Right)> s_cases = new()
    {
        ["RES0001 on a block class"] = (
            Block(Attn("[Plain, PreNorm(Norm.LayerNorm)]") + Ff("[Plain, PreNorm(Norm.LayerNorm)]"), "[Block(Width = 16), Residual(Scale = 0.5)]"), "Residual(Scale = 0.5)", 0,
            Block(Attn("[Residual(Scale = 0.5), PreNorm(Norm.LayerNorm)]") + Ff("[Residual(Scale = 0.5), PreNorm(Norm.LayerNorm)]"))),
        ["RES0001 on a block-typed sublayer"] = (
            Good + Block(Ff("[Residual]", "Whole", "[Sublayer(typeof(Good))]").Replace("FeedForward Whole", "Good Whole")).Replace(Header, ""), "Residual", -1,
            Good + Block(Attn("[Residual, PreNorm(Norm.LayerNorm)]") + Ff("[Residual, PreNorm(Norm.LayerNorm)]")).Replace(Header, "")),
        ["RES0002"] = (
            Block(Attn("[Residual, PreNorm(Norm.LayerNorm)]") + Ff("[PreNorm(Norm.LayerNorm)]")), "Mix", 0,
            Block(Attn("[Residual, PreNorm(Norm.LayerNorm)]") + Ff("[Plain, PreNorm(Norm.LayerNorm)]"))),
        ["RES0003"] = (
            Block(Ff("[Residual, PreNorm(Norm.LayerNorm), PostNorm(Norm.RMSNorm)]")), "PostNorm(Norm.RMSNorm)", 0,
            Block(Ff("[Residual, PreNorm(Norm.LayerNorm)]"))),
        ["RES0004"] = (
            Block(Attn("[Residual, PreNorm(Norm.LayerNorm)]") + Ff("[Residual, PostNorm(Norm.RMSNorm)]") + Ff("[Residual, PreNorm(Norm.LayerNorm)]", "Mix2")), "PostNorm(Norm.RMSNorm)", 0,
            Block(Attn("[Residual, PreNorm(Norm.LayerNorm)]") + Ff("[Residual, PreNorm(Norm.RMSNorm)]") + Ff("[Residual, PreNorm(Norm.LayerNorm)]", "Mix2"))),
        ["RES0005"] = (
            Block("    [Residual]\n    [Sublayer(typeof(Fixed32))]\n    public partial Fixed32 Gate { get; }\n") + CustomSublayers, "typeof(Fixed32)", 0,
            Block("    [Residual]\n    [Sublayer(typeof(Fixed32))]\n    public partial Fixed32 Gate { get; }\n", "[Block(Width = 32)]") + CustomSublayers),
        ["RES0006 heads"] = (
            Block(Attn("[Residual]", sublayer: "[Sublayer(typeof(Attention), Heads = 3)]")), "Heads = 3", 0,
            Block(Attn("[Residual]", sublayer: "[Sublayer(typeof(Attention), Heads = 4)]"))),
        ["RES0006 width"] = (
            Block(Ff("[Residual]"), "[Block(Width = -8)]"), "Width = -8", 0,
            Block(Ff("[Residual]"), "[Block(Width = 8)]")),
        ["RES0006 hidden"] = (
            Block(Ff("[Residual]", sublayer: "[Sublayer(typeof(FeedForward), Hidden = 0 - 1)]")), "Hidden = 0 - 1", 0,
            Block(Ff("[Residual]", sublayer: "[Sublayer(typeof(FeedForward), Hidden = 32)]"))),
        ["RES0006 norm"] = (
            Block(Ff("[Residual, PreNorm(Norm.None)]")), "Norm.None", 0,
            Block(Ff("[Residual, PreNorm(Norm.RMSNorm)]"))),
        ["RES0006 scale"] = (
            Block(Ff("[Residual(Scale = 1e300)]")), "Scale = 1e300", 0,
            Block(Ff("[Residual(Scale = 1e3)]"))),
        ["RES0006 vocab"] = (
            Good + Model("[Model(Vocab = 0, Context = 8, Layers = 2)]"), "Vocab = 0", 0,
            Good + Model("[Model(Vocab = 5, Context = 8, Layers = 2)]")),
        ["RES0006 context"] = (
            Good + Model("[Model(Vocab = 5, Context = -1, Layers = 2)]"), "Context = -1", 0,
            Good + Model("[Model(Vocab = 5, Context = 1, Layers = 2)]")),
        ["RES0007"] = (
            Block("    [Residual]\n    [Sublayer(typeof(string))]\n    public partial string Mix { get; }\n"), "typeof(string)", 0,
            Block(Ff("[Residual]"))),
        ["RES0008"] = (
            Block(Ff("[Residual]")).Replace("public partial class Bad", "public partial class Bad<T>"), "Bad", 0,
            Block(Ff("[Residual]"))),
        ["RES0009 empty block"] = (
            Block("    public int Depth => 1;\n"), "Bad", 0,
            Block(Ff("[Residual]") + "    public int Depth => 1;\n")),
        ["RES0009 model of a non-block"] = (
            Good + Model("[Model(Vocab = 5, Context = 8, Layers = 2)]", "object"), "Lm", 0,
            Good + Model("[Model(Vocab = 5, Context = 8, Layers = 2)]")),
        ["RES0010"] = (
            Good + Model("[Model(Vocab = 5, Context = 8, Layers = 2, FinalNorm = Norm.None)]"), "FinalNorm = Norm.None", 0,
            Good + Model("[Model(Vocab = 5, Context = 8, Layers = 2, FinalNorm = Norm.RMSNorm)]")),
        ["RES0011"] = (
            GoodPost + Model("[Model(Vocab = 5, Context = 8, Layers = 13, FinalNorm = Norm.None)]"), "Layers = 13", 0,
            GoodPost + Model("[Model(Vocab = 5, Context = 8, Layers = 12, FinalNorm = Norm.None)]")),
        ["RES0012"] = (
            Block(Ff("[Residual, PreNorm(Norm.LayerNorm), PreNorm(Norm.LayerNorm)]")), "PreNorm(Norm.LayerNorm)", 1,
            Block(Ff("[Residual, PreNorm(Norm.LayerNorm)]"))),
        ["RES0013"] = (
            Block("    [Residual]\n    [Sublayer(typeof(FeedForward))]\n    public FeedForward Mix => null!;\n"), "Mix", 0,
            Block(Ff("[Residual]"))),
        ["RES0014"] = (
            Block(Ff("[Residual, Plain]")), "Plain", 0,
            Block(Ff("[Residual]"))),
        ["RES0015"] = (
            Good + Model("[Model(Vocab = 5, Context = 8, Layers = 2), Residual]"), "Residual", -1,
            Good + Model("[Model(Vocab = 5, Context = 8, Layers = 2)]")),
        ["RES0016"] = (
            Block(Ff("[Residual]", sublayer: "[Sublayer(typeof(FeedForward), Hidden = 32, Heads = 4)]")), "Heads = 4", 0,
            Block(Ff("[Residual]", sublayer: "[Sublayer(typeof(FeedForward), Hidden = 32)]"))),
        ["RES0017 scale"] = (
            Block(Ff("[Residual(Scale = 0)]")), "Scale = 0", 0,
            Block(Ff("[Residual(Scale = 0, Learnable = true)]"))),
        ["RES0018"] = (
            Block(Ff("[Residual]", sublayer: "[Sublayer(typeof(FeedForward), Hidden = 8)]"), "[System.Obsolete]"), "Sublayer(typeof(FeedForward), Hidden = 8)", 0,
            Block(Ff("[Residual]", sublayer: "[Sublayer(typeof(FeedForward), Hidden = 8)]"))),
        ["RES0017 alpha"] = (
            Block(Ff("[Residual(Alpha = 0)]")), "Alpha = 0", 0,
            Block(Ff("[Residual(Alpha = 2)]"))),
    };

    public static TheoryData<string> Cases => new(s_cases.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Diagnostic_is_reported_on_exactly_the_declaration_at_fault(string name)
    {
        var (wrong, span, occurrence, _) = s_cases[name];
        string id = name.Substring(0, 7);
        var run = GeneratorHarness.Run(wrong);
        run.AssertNoGeneratorException();

        var diagnostic = Assert.Single(AnalyzerHarness.Analyze(run), d => d.Id == id);
        Assert.Equal(span, AnalyzerHarness.SpanText(diagnostic));
        Assert.Equal(IndexOf(wrong, span, occurrence), diagnostic.Location.SourceSpan.Start);
        Assert.Equal(Residual.Generators.Analyzers.Descriptors.ById[id].DefaultSeverity, diagnostic.Severity);
        Assert.EndsWith($"docs/diagnostics/{id}.md", diagnostic.Descriptor.HelpLinkUri);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Corrected_declaration_gets_no_diagnostic_and_is_generated(string name)
    {
        var run = GeneratorHarness.Run(s_cases[name].Right);
        run.AssertNoGeneratorException();
        Assert.Empty(AnalyzerHarness.Analyze(run).Select(GeneratorRun.Describe));
        run.AssertCleanCompilation();
        Assert.NotEmpty(run.Sources);
        Assert.Empty(run.Stubs);
    }

    [Fact]
    public void Errors_refuse_the_declaration_and_warnings_do_not()
    {
        foreach (var (name, (wrong, _, _, _)) in s_cases)
        {
            var run = GeneratorHarness.Run(wrong);
            bool refused = !run.Sources.Keys.Any(h => h.StartsWith("Bad.", System.StringComparison.Ordinal) || h.StartsWith("Lm.", System.StringComparison.Ordinal));
            bool error = AnalyzerHarness.Analyze(run).Any(d => d.Severity == DiagnosticSeverity.Error);
            Assert.True(refused == error, $"{name}: {(error ? "an error must refuse the declaration" : "warnings alone must not stop generation")}.");
        }
    }

    private static int IndexOf(string text, string part, int occurrence)
    {
        if (occurrence < 0) return text.LastIndexOf(part, System.StringComparison.Ordinal);
        int at = -1;
        for (int i = 0; i <= occurrence; i++) at = text.IndexOf(part, at + 1, System.StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{part}' (occurrence {occurrence}) is not in the source.");
        return at;
    }
}
