using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Residual.Generators.Tests.Infrastructure;
using Xunit;

namespace Residual.Generators.Tests;

/// <summary>
/// The generator never throws and writes nothing for a declaration it cannot generate (the analyzers
/// explain it), while valid declarations in the same compilation are still generated. Each case is
/// compiled next to a valid block, <c>Companion.ValidBlock</c> (models in the cases stack that block).
/// </summary>
public class MalformedDeclarationTests
{
    private const string Companion = """
        using Residual;

        namespace Companion
        {
            [Block(Width = 8)]
            public partial class ValidBlock
            {
                [Residual, PreNorm(Norm.LayerNorm)]
                [Sublayer(typeof(FeedForward))]
                public partial FeedForward Mix { get; }
            }
        }
        """;

    private const string CompanionHint = "ValidBlock.Residual.g.cs";

    /// <summary><paramref name="declarations"/> after <c>using System; using Residual;</c>.</summary>
    private static string Source(string declarations) => $$"""
        using System;
        using Residual;

        {{declarations}}
        """;

    /// <summary>A block <c>Bad</c> of width 16 with the given attribute and members.</summary>
    private static string Block(string members, string blockAttribute = "[Block(Width = 16)]", string header = "public partial class Bad") =>
        Source($$"""
            {{blockAttribute}}
            {{header}}
            {
            {{members}}
            }
            """);

    /// <summary>A block <c>Bad</c> with one sublayer: its attributes and property declaration.</summary>
    private static string Sublayer(string attributes, string property = "public partial FeedForward Mix { get; }", string blockAttribute = "[Block(Width = 16)]") =>
        Block($"    {attributes}\n    {property}", blockAttribute);

    private const string Ff = "[Sublayer(typeof(FeedForward))]";

    /// <summary>A model <c>BadLm</c> with the given attribute and base list, stacking the companion block by default.</summary>
    private static string Model(string modelAttribute, string declaration = "public partial class BadLm : Transformer<Companion.ValidBlock>;") =>
        Source($"{modelAttribute}\n{declaration}");

    private const string GoodModel = "[Model(Vocab = 11, Context = 8, Layers = 2)]";

    private const string UserSublayers = """
        public abstract class AbstractSublayer : Sublayer { }

        public sealed class NeedsArguments(int size) : Sublayer
        {
            public int Size { get; } = size;
            public override System.Collections.Generic.IReadOnlyList<ParameterShape> DescribeParameters(int width) => [];
            public override void Forward(in SublayerContext context, ReadOnlySpan<float> input, Span<float> output) { }
            public override void Backward(in SublayerContext context, ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, Span<float> dInput) { }
        }

        public sealed class Gate : Sublayer
        {
            public override System.Collections.Generic.IReadOnlyList<ParameterShape> DescribeParameters(int width) => [new("weight", [width], ParameterInit.Ones)];
            public override void Forward(in SublayerContext context, ReadOnlySpan<float> input, Span<float> output) => input.CopyTo(output);
            public override void Backward(in SublayerContext context, ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, Span<float> dInput) => dOutput.CopyTo(dInput);
        }

        public sealed class RequiredGate : Sublayer
        {
            public required float Gain { get; init; }
            public override System.Collections.Generic.IReadOnlyList<ParameterShape> DescribeParameters(int width) => [];
            public override void Forward(in SublayerContext context, ReadOnlySpan<float> input, Span<float> output) => input.CopyTo(output);
            public override void Backward(in SublayerContext context, ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, Span<float> dInput) => dOutput.CopyTo(dInput);
        }

        public class RequiredBase : Sublayer
        {
            public required int Size;
            public override System.Collections.Generic.IReadOnlyList<ParameterShape> DescribeParameters(int width) => [];
            public override void Forward(in SublayerContext context, ReadOnlySpan<float> input, Span<float> output) => input.CopyTo(output);
            public override void Backward(in SublayerContext context, ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, Span<float> dInput) => dOutput.CopyTo(dInput);
        }

        public sealed class InheritsRequired : RequiredBase { }

        public sealed class GenericSublayer<T> : Sublayer
        {
            public override System.Collections.Generic.IReadOnlyList<ParameterShape> DescribeParameters(int width) => [];
            public override void Forward(in SublayerContext context, ReadOnlySpan<float> input, Span<float> output) { }
            public override void Backward(in SublayerContext context, ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, Span<float> dInput) { }
        }
        """;

    /// <summary>Case name → (source, the types that must get no generated source).</summary>
    private static readonly Dictionary<string, (string Source, string[] BadTypes)> s_cases = new()
    {
        // ── the block type ──
        ["Block without Width"] = (Sublayer($"[Residual] {Ff}", blockAttribute: "[Block]"), ["Bad"]),
        ["Block with Width = 0"] = (Sublayer($"[Residual] {Ff}", blockAttribute: "[Block(Width = 0)]"), ["Bad"]),
        ["Block with negative Width"] = (Sublayer($"[Residual] {Ff}", blockAttribute: "[Block(Width = -16)]"), ["Bad"]),
        ["Block class not partial"] = (Block($"    [Residual] {Ff}\n    public partial FeedForward Mix {{ get; }}", header: "public class Bad"), ["Bad"]),
        ["Block class generic"] = (Block($"    [Residual] {Ff}\n    public partial FeedForward Mix {{ get; }}", header: "public partial class Bad<T>"), ["Bad"]),
        ["Block class nested"] = (Source($$"""
            public partial class Outer
            {
                [Block(Width = 16)]
                public partial class Bad
                {
                    [Residual] {{Ff}}
                    public partial FeedForward Mix { get; }
                }
            }
            """), ["Bad", "Outer"]),
        ["Block class static"] = (Block($"    [Residual] {Ff}\n    public static partial FeedForward Mix {{ get; }}", header: "public static partial class Bad"), ["Bad"]),
        ["Block class abstract"] = (Block($"    [Residual] {Ff}\n    public partial FeedForward Mix {{ get; }}", header: "public abstract partial class Bad"), ["Bad"]),
        ["Empty block"] = (Block(""), ["Bad"]),
        ["Block whose properties have no [Sublayer]"] = (Block("    public int Depth => 1;"), ["Bad"]),
        ["Block with a parameterless constructor"] = (Block($"    [Residual] {Ff}\n    public partial FeedForward Mix {{ get; }}\n    public Bad() {{ }}"), ["Bad"]),
        ["Block with a constructor like the generated one"] = (Block($"    [Residual] {Ff}\n    public partial FeedForward Mix {{ get; }}\n    public Bad(ModelOptions? options = null) {{ }}"), ["Bad"]),
        ["Block with a chaining constructor like the generated one"] = (Block($"    [Residual] {Ff}\n    public partial FeedForward Mix {{ get; }}\n    public Bad(ModelOptions? options) : this(options, 0) {{ }}\n    private Bad(ModelOptions? options, int unused) : this(options) {{ }}"), ["Bad"]),
        ["Block with a constructor that does not chain"] = (Block($"    [Residual] {Ff}\n    public partial FeedForward Mix {{ get; }}\n    public Bad(int depth) {{ }}"), ["Bad"]),
        ["Block with a primary constructor"] = (Block($"    [Residual] {Ff}\n    public partial FeedForward Mix {{ get; }}", header: "public partial class Bad(int depth)"), ["Bad"]),
        ["Block deriving from a class"] = (Block($"    [Residual] {Ff}\n    public partial FeedForward Mix {{ get; }}", header: "public class BaseOfBad { public int Depth => 1; }\npublic partial class Bad : BaseOfBad"), ["Bad"]),
        ["Block deriving from another block"] = (Block($"    [Residual] {Ff}\n    public partial FeedForward Mix {{ get; }}", header: "public partial class Bad : Companion.ValidBlock"), ["Bad"]),
        ["Class with both [Block] and [Model]"] = (Sublayer($"[Residual] {Ff}", blockAttribute: "[Block(Width = 16), Model(Vocab = 11, Context = 8, Layers = 2)]"), ["Bad"]),
        ["Block declared as a record"] = (Block($"    [Residual] {Ff}\n    public partial FeedForward Mix {{ get; }}", header: "public partial record Bad"), ["Bad"]),
        ["Block declared as a record class with a primary constructor"] = (Block($"    [Residual] {Ff}\n    public partial FeedForward Mix {{ get; }}", header: "public partial record class Bad(int Depth)"), ["Bad"]),

        // ── the sublayer's type and sizes ──
        ["Attention with Heads = 0"] = (Sublayer("[Residual] [Sublayer(typeof(Attention), Heads = 0)]", "public partial Attention Attend { get; }"), ["Bad"]),
        ["Attention without Heads"] = (Sublayer("[Residual] [Sublayer(typeof(Attention))]", "public partial Attention Attend { get; }"), ["Bad"]),
        ["Attention with negative Heads"] = (Sublayer("[Residual] [Sublayer(typeof(Attention), Heads = -2)]", "public partial Attention Attend { get; }"), ["Bad"]),
        ["Attention whose Heads do not divide the width"] = (Sublayer("[Residual] [Sublayer(typeof(Attention), Heads = 3)]", "public partial Attention Attend { get; }"), ["Bad"]),
        ["FeedForward with negative Hidden"] = (Sublayer("[Residual] [Sublayer(typeof(FeedForward), Hidden = -64)]"), ["Bad"]),
        ["FeedForward with an unknown Activation"] = (Sublayer("[Residual] [Sublayer(typeof(FeedForward), Activation = (Activation)7)]"), ["Bad"]),
        ["[Sublayer] without a type"] = (Sublayer("[Residual] [Sublayer]"), ["Bad"]),
        ["[Sublayer] with a null type"] = (Sublayer("[Residual] [Sublayer(null)]"), ["Bad"]),
        ["[Sublayer(typeof(string))]"] = (Sublayer("[Residual] [Sublayer(typeof(string))]", "public partial string Mix { get; }"), ["Bad"]),
        ["[Sublayer] naming a type that does not exist"] = (Sublayer("[Residual] [Sublayer(typeof(DoesNotExist))]", "public partial DoesNotExist Mix { get; }"), ["Bad"]),
        ["[Sublayer] naming the abstract Sublayer base"] = (Sublayer("[Residual] [Sublayer(typeof(Sublayer))]", "public partial Sublayer Mix { get; }"), ["Bad"]),
        ["[Sublayer] naming an abstract user sublayer"] = (Sublayer("[Residual] [Sublayer(typeof(AbstractSublayer))]", "public partial AbstractSublayer Mix { get; }") + "\n" + UserSublayers, ["Bad"]),
        ["[Sublayer] naming a sublayer without a parameterless constructor"] = (Sublayer("[Residual] [Sublayer(typeof(NeedsArguments))]", "public partial NeedsArguments Mix { get; }") + "\n" + UserSublayers, ["Bad"]),
        ["[Sublayer] naming an open generic sublayer"] = (Sublayer("[Residual] [Sublayer(typeof(GenericSublayer<>))]", "public partial Sublayer Mix { get; }") + "\n" + UserSublayers, ["Bad"]),

        ["[Sublayer] naming a sublayer with a required property"] = (Sublayer("[Residual] [Sublayer(typeof(RequiredGate))]", "public partial RequiredGate Mix { get; }") + "\n" + UserSublayers, ["Bad"]),
        ["[Sublayer] naming a sublayer that inherits a required field"] = (Sublayer("[Residual] [Sublayer(typeof(InheritsRequired))]", "public partial InheritsRequired Mix { get; }") + "\n" + UserSublayers, ["Bad"]),
        // ── the property ──
        ["Sublayer property not partial"] = (Sublayer($"[Residual] {Ff}", "public FeedForward Mix => null!;"), ["Bad"]),
        ["Sublayer property with a setter"] = (Sublayer($"[Residual] {Ff}", "public partial FeedForward Mix { get; set; }"), ["Bad"]),
        ["Sublayer property with an init accessor"] = (Sublayer($"[Residual] {Ff}", "public partial FeedForward Mix { get; init; }"), ["Bad"]),
        ["Sublayer property static"] = (Sublayer($"[Residual] {Ff}", "public static partial FeedForward Mix { get; }"), ["Bad"]),
        ["Sublayer on an indexer"] = (Sublayer($"[Residual] {Ff}", "public partial FeedForward this[int i] { get; }"), ["Bad"]),
        ["Sublayer property of another type than the sublayer"] = (Sublayer($"[Residual] {Ff}", "public partial Attention Mix { get; }"), ["Bad"]),

        // ── generated names that would collide ──
        ["Custom sublayers A_b and A_b_ (both ABOffset)"] = (Block("    [Residual] [Sublayer(typeof(Gate))] public partial Gate A_b { get; }\n    [Residual] [Sublayer(typeof(Gate))] public partial Gate A_b_ { get; }") + "\n" + UserSublayers, ["Bad"]),
        ["Custom sublayers _mix and Mix (both MixOffset)"] = (Block("    [Residual] [Sublayer(typeof(Gate))] public partial Gate _mix { get; }\n    [Residual] [Sublayer(typeof(Gate))] public partial Gate Mix { get; }") + "\n" + UserSublayers, ["Bad"]),
        ["Custom sublayer named _ (Offset)"] = (Block("    [Residual] [Sublayer(typeof(Gate))] public partial Gate _ { get; }") + "\n" + UserSublayers, ["Bad"]),
        ["Custom sublayer Ln1Weight after a pre-norm (Ln1WeightOffset)"] = (Block($"    [Residual, PreNorm] {Ff} public partial FeedForward Mix {{ get; }}\n    [Residual] [Sublayer(typeof(Gate))] public partial Gate Ln1Weight {{ get; }}") + "\n" + UserSublayers, ["Bad"]),

        // ── the wiring ──
        ["[PreNorm] and [PostNorm] together"] = (Sublayer($"[Residual, PreNorm(Norm.LayerNorm), PostNorm(Norm.LayerNorm)] {Ff}"), ["Bad"]),
        ["Neither [Residual] nor [Plain]"] = (Sublayer($"[PreNorm(Norm.LayerNorm)] {Ff}"), ["Bad"]),
        ["Both [Residual] and [Plain]"] = (Sublayer($"[Residual, Plain] {Ff}"), ["Bad"]),
        ["[PreNorm(Norm.None)]"] = (Sublayer($"[Residual, PreNorm(Norm.None)] {Ff}"), ["Bad"]),
        ["[PostNorm] with an unknown norm"] = (Sublayer($"[Residual, PostNorm((Norm)9)] {Ff}"), ["Bad"]),
        ["Residual Scale = NaN"] = (Sublayer($"[Residual(Scale = double.NaN)] {Ff}"), ["Bad"]),
        ["Residual Alpha = infinity"] = (Sublayer($"[Residual(Alpha = double.PositiveInfinity)] {Ff}"), ["Bad"]),
        ["Wiring on a property without [Sublayer]"] = (Block($"    [Residual] {Ff}\n    public partial FeedForward Mix {{ get; }}\n    [Residual, PreNorm(Norm.LayerNorm)]\n    public FeedForward? Extra => null;"), ["Bad"]),
        ["[Plain] on a property without [Sublayer]"] = (Block($"    [Residual] {Ff}\n    public partial FeedForward Mix {{ get; }}\n    [Plain] public int Depth => 1;"), ["Bad"]),
        ["One unwired sublayer among valid ones"] = (Block($$"""
                [Residual, PreNorm(Norm.LayerNorm)]
                [Sublayer(typeof(Attention), Heads = 2)]
                public partial Attention Attend { get; }

                {{Ff}}
                public partial FeedForward Mix { get; }
            """), ["Bad"]),

        // ── models ──
        ["Model with Vocab = 0"] = (Model("[Model(Vocab = 0, Context = 8, Layers = 2)]"), ["BadLm"]),
        ["Model without Context"] = (Model("[Model(Vocab = 11, Layers = 2)]"), ["BadLm"]),
        ["Model with Layers = 0"] = (Model("[Model(Vocab = 11, Context = 8, Layers = 0)]"), ["BadLm"]),
        ["Model with an unknown FinalNorm"] = (Model("[Model(Vocab = 11, Context = 8, Layers = 2, FinalNorm = (Norm)5)]"), ["BadLm"]),
        ["Model stacking a type that is not a block"] = (Model(GoodModel, "public partial class BadLm : Transformer<NotABlock>;\npublic sealed class NotABlock { }"), ["BadLm"]),
        ["Model not deriving from Transformer"] = (Model(GoodModel, "public partial class BadLm;"), ["BadLm"]),
        ["Model deriving from LanguageModel directly"] = (Model(GoodModel, "public abstract partial class BadLm : LanguageModel;"), ["BadLm"]),
        ["Model stacking an invalid block"] = (Model(GoodModel, "public partial class BadLm : Transformer<Bad>;") + Sublayer(Ff).Replace("using System;\nusing Residual;\n", ""), ["BadLm", "Bad"]),
        ["Model class generic"] = (Model(GoodModel, "public partial class BadLm<T> : Transformer<Companion.ValidBlock>;"), ["BadLm"]),
        ["Model class not partial"] = (Model(GoodModel, "public class BadLm : Transformer<Companion.ValidBlock>;"), ["BadLm"]),
        ["Model with a primary constructor"] = (Model(GoodModel, "public partial class BadLm(int depth) : Transformer<Companion.ValidBlock>;"), ["BadLm"]),
        ["Model with a constructor like the generated one"] = (Model(GoodModel, "public partial class BadLm : Transformer<Companion.ValidBlock> { public BadLm() : base(null!, null!, null) { } }"), ["BadLm"]),
        ["Model declared as a record"] = (Model(GoodModel, "public partial record BadLm : Transformer<Companion.ValidBlock>;"), ["BadLm"]),
        ["Model class nested"] = (Model("public partial class Outer {", $"{GoodModel} public partial class BadLm : Transformer<Companion.ValidBlock>; }}"), ["BadLm", "Outer"]),

        // ── syntax errors in attribute arguments ──
        ["Syntax error: Width without a value"] = (Sublayer($"[Residual] {Ff}", blockAttribute: "[Block(Width = )]"), ["Bad"]),
        ["Syntax error: Width of the wrong type"] = (Sublayer($"[Residual] {Ff}", blockAttribute: "[Block(Width = \"16\")]"), ["Bad"]),
        ["Syntax error: Heads without a value"] = (Sublayer("[Residual] [Sublayer(typeof(Attention), Heads = )]", "public partial Attention Attend { get; }"), ["Bad"]),
        ["Syntax error: empty typeof"] = (Sublayer("[Residual] [Sublayer(typeof(), Hidden = 32)]"), ["Bad"]),
        ["Syntax error: typeof of an expression"] = (Sublayer("[Residual] [Sublayer(typeof(1 + 2))]"), ["Bad"]),
        ["Syntax error: Vocab without a value"] = (Model("[Model(Vocab = , Context = 8, Layers = 2)]"), ["BadLm"]),
        ["Syntax error: trailing comma in the arguments"] = (Sublayer("[Residual] [Sublayer(typeof(FeedForward), Hidden = 32,)]"), ["Bad"]),
        ["Width out of int range: [Block(Width = 1e10)]"] = (Sublayer($"[Residual] {Ff}", blockAttribute: "[Block(Width = 1e10)]"), ["Bad"]),
        ["Syntax error: two values for Width"] = (Sublayer($"[Residual] {Ff}", blockAttribute: "[Block(Width = 16 16)]"), ["Bad"]),
    };

    /// <summary>
    /// Attribute errors the compiler recovers from with a value (or a default) in hand. Today the generator
    /// generates these from the recovered values; the user's build fails on the compiler's error anyway.
    /// </summary>
    private static readonly Dictionary<string, (string Source, string[] BadTypes)> s_recovered = new()
    {
        ["Unclosed argument list: [Block(Width = 16]"] = (Sublayer($"[Residual] {Ff}", blockAttribute: "[Block(Width = 16]"), ["Bad"]),
        ["Missing comma: [Sublayer(typeof(FeedForward) Hidden = 32)]"] = (Sublayer("[Residual] [Sublayer(typeof(FeedForward) Hidden = 32)]"), ["Bad"]),
        ["Scale of the wrong type: [Residual(Scale = \"abc\")]"] = (Sublayer($"[Residual(Scale = \"abc\")] {Ff}"), ["Bad"]),
        ["Misspelt argument: Hiden = 32"] = (Sublayer("[Residual] [Sublayer(typeof(FeedForward), Hiden = 32)]"), ["Bad"]),
        ["Duplicate argument: Width = 16, Width = 32"] = (Sublayer($"[Residual] {Ff}", blockAttribute: "[Block(Width = 16, Width = 32)]"), ["Bad"]),
        ["Too many constructor arguments: PreNorm(Norm.LayerNorm, Norm.RMSNorm)"] = (Sublayer($"[Residual, PreNorm(Norm.LayerNorm, Norm.RMSNorm)] {Ff}"), ["Bad"]),
    };

    public static TheoryData<string> Cases => new(s_cases.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Malformed_declaration_gets_no_source_and_valid_blocks_beside_it_still_do(string name) =>
        AssertNothingGeneratedFor(s_cases[name].Source, s_cases[name].BadTypes);

    private const string RecoveredBug =
        "generator bug: DeclarationReader ignores the attribute's binding errors and generates from the values the compiler recovered (or the defaults)";

    [Theory]
    [InlineData("Unclosed argument list: [Block(Width = 16]")]
    [InlineData("Missing comma: [Sublayer(typeof(FeedForward) Hidden = 32)]")]
    [InlineData("Scale of the wrong type: [Residual(Scale = \"abc\")]")]
    [InlineData("Misspelt argument: Hiden = 32")]
    [InlineData("Duplicate argument: Width = 16, Width = 32")]
    [InlineData("Too many constructor arguments: PreNorm(Norm.LayerNorm, Norm.RMSNorm)")]
    public void Declaration_whose_attribute_has_a_recoverable_error_gets_no_source(string name) =>
        AssertNothingGeneratedFor(s_recovered[name].Source, s_recovered[name].BadTypes);

    /// <summary>Guards the cases against passing vacuously: the templates they are built from, filled in validly, do generate.</summary>
    [Fact]
    public void The_case_templates_generate_when_filled_in_validly()
    {
        var run = GeneratorHarness.Run(
            Sublayer($"[Residual] {Ff}") + "\n" + UserSublayers,
            Model(GoodModel),
            Companion);
        run.AssertNoGeneratorException();
        Assert.Equal(["Bad.Residual.g.cs", "BadLm.Residual.g.cs", CompanionHint], run.Sources.Keys.Order(System.StringComparer.Ordinal));
        run.AssertCleanCompilation();
    }

    [Fact]
    public void Valid_blocks_are_generated_beside_several_invalid_ones()
    {
        var run = GeneratorHarness.Run(
            s_cases["Neither [Residual] nor [Plain]"].Source,
            s_cases["Model with Vocab = 0"].Source.Replace("BadLm", "BadModel"),
            Declarations.Gpt,
            Companion);
        run.AssertNoGeneratorException();
        Assert.Equal(["GptBlock.Residual.g.cs", "TinyGpt.Residual.g.cs", CompanionHint], run.Sources.Keys.Order(System.StringComparer.Ordinal));
    }

    private static void AssertNothingGeneratedFor(string source, string[] badTypes)
    {
        var run = GeneratorHarness.Run(source, Companion);

        run.AssertNoGeneratorException();
        // CS8784/CS8785 (a generator failed to initialise / to generate) or anything else from the driver.
        Assert.Empty(run.DriverDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(GeneratorRun.Describe));
        foreach (var bad in badTypes)
            Assert.DoesNotContain(run.Sources.Keys, hint => hint == $"{bad}.Residual.g.cs" || hint.EndsWith($".{bad}.Residual.g.cs"));
        Assert.Contains(CompanionHint, run.Sources.Keys);
        // The user is never left guessing: the compiler or Residual's analyzer reports an error.
        Assert.True(
            run.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)
            || AnalyzerHarness.Analyze(run).Any(d => d.Severity == DiagnosticSeverity.Error),
            "Nothing was generated, but neither the compiler nor the analyzer reports an error.");
    }
}
