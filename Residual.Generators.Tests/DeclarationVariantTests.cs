using System.Collections.Generic;
using System.Linq;
using Residual.Generators.Tests.Infrastructure;
using Xunit;

namespace Residual.Generators.Tests;

/// <summary>
/// Valid declarations off the beaten path. Whatever the generator writes must compile without a single
/// error or warning located in generated code: a user cannot fix generated code, and warnings break
/// warnings-as-errors builds.
/// </summary>
public class DeclarationVariantTests
{
    private const string Usings = "using System;\nusing Residual;\n\n";

    /// <summary>Case name → (source, the hint names it must produce).</summary>
    private static readonly Dictionary<string, (string Source, string[] Hints)> s_variants = new()
    {
        ["Internal block and sealed model with non-public sublayer properties"] = (Usings + """
            namespace Hidden
            {
                [Block(Width = 16)]
                internal partial class InternalBlock
                {
                    [Residual, PreNorm(Norm.LayerNorm)]
                    [Sublayer(typeof(Attention), Heads = 2)]
                    private partial Attention Attend { get; }

                    [Residual, PreNorm(Norm.LayerNorm)]
                    [Sublayer(typeof(FeedForward))]
                    internal partial FeedForward Mix { get; }

                    [Residual]
                    [Sublayer(typeof(FeedForward))]
                    protected internal partial FeedForward Tail { get; }
                }

                [Model(Vocab = 5, Context = 4, Layers = 1)]
                internal sealed partial class InternalModel : Transformer<InternalBlock>;
            }
            """, ["InternalBlock.Residual.g.cs", "InternalModel.Residual.g.cs"]),

        ["Sublayer properties typed as a base class of the sublayer"] = (Usings + """
            [Block(Width = 16)]
            public partial class BaseTyped
            {
                [Residual]
                [Sublayer(typeof(FeedForward))]
                public partial Sublayer Mix { get; }

                [Residual]
                [Sublayer(typeof(Attention), Heads = 2)]
                public partial object Attend { get; }
            }
            """, ["BaseTyped.Residual.g.cs"]),

        ["Sublayer properties named after their types"] = (Usings + """
            [Block(Width = 16)]
            public partial class SameNames
            {
                [Residual, PreNorm(Norm.RMSNorm)]
                [Sublayer(typeof(Attention), Heads = 4)]
                public partial Attention Attention { get; }

                [Residual, PreNorm(Norm.RMSNorm)]
                [Sublayer(typeof(FeedForward))]
                public partial FeedForward FeedForward { get; }
            }
            """, ["SameNames.Residual.g.cs"]),

        ["Several sublayers of each kind (attn, attn2, mlp, mlp2)"] = (Usings + """
            [Block(Width = 16)]
            public partial class Deep
            {
                [Residual, PreNorm] [Sublayer(typeof(Attention), Heads = 2)] public partial Attention A1 { get; }
                [Residual, PreNorm] [Sublayer(typeof(FeedForward))] public partial FeedForward F1 { get; }
                [Residual, PreNorm] [Sublayer(typeof(Attention), Heads = 4)] public partial Attention A2 { get; }
                [Residual, PostNorm] [Sublayer(typeof(FeedForward), Activation = Activation.Relu)] public partial FeedForward F2 { get; }
            }
            """, ["Deep.Residual.g.cs"]),

        ["Custom sublayer declared as a private type nested in the block"] = (Usings + """
            [Block(Width = 16)]
            public partial class Nest
            {
                private sealed class Identity : Sublayer
                {
                    public override System.Collections.Generic.IReadOnlyList<ParameterShape> DescribeParameters(int width) => [];
                    public override void Forward(in SublayerContext context, ReadOnlySpan<float> input, Span<float> output) => input.CopyTo(output);
                    public override void Backward(in SublayerContext context, ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, Span<float> dInput)
                    {
                        for (int i = 0; i < dInput.Length; i++) dInput[i] += dOutput[i];
                    }
                }

                [Residual(Scale = 0.5)]
                [Sublayer(typeof(Identity))]
                private partial Identity Skip { get; }
            }
            """, ["Nest.Residual.g.cs"]),

        ["Block and model in different namespaces"] = (Usings + """
            namespace Blocks.Core
            {
                [Block(Width = 16)]
                public partial class Layer
                {
                    [Residual, PreNorm] [Sublayer(typeof(FeedForward))] public partial FeedForward Mix { get; }
                }
            }

            namespace Models
            {
                [Model(Vocab = 5, Context = 4, Layers = 3, FinalNorm = Norm.RMSNorm)]
                public sealed partial class Lm : Transformer<Blocks.Core.Layer>
                {
                    public Lm(ulong seed) : this(new ModelOptions { Seed = seed }) { }
                }
            }
            """, ["Layer.Residual.g.cs", "Lm.Residual.g.cs"]),

        ["Block split over several partial declarations"] = (Usings + """
            [Block(Width = 16)]
            public partial class Split
            {
                [Residual] [Sublayer(typeof(FeedForward))] public partial FeedForward Mix { get; }
            }

            public partial class Split
            {
                public int Extra => Width * 2;
            }
            """, ["Split.Residual.g.cs"]),

        ["Non-ASCII identifiers"] = (Usings + """
            [Block(Width = 16)]
            public partial class Blöck
            {
                [Residual] [Sublayer(typeof(FeedForward))] public partial FeedForward Mïx { get; }
            }
            """, ["Blöck.Residual.g.cs"]),

        ["Width 1 and tiny or negative residual factors"] = (Usings + """
            [Block(Width = 1)]
            public partial class Narrow
            {
                [Residual(Scale = 1e-50, Alpha = -2.5e-3), PreNorm(Norm.LayerNorm)]
                [Sublayer(typeof(Attention), Heads = 1)]
                public partial Attention Attend { get; }

                [Residual(Scale = -3, Learnable = true), PostNorm(Norm.RMSNorm)]
                [Sublayer(typeof(FeedForward), Hidden = 3)]
                public partial FeedForward Mix { get; }
            }
            """, ["Narrow.Residual.g.cs"]),
    };

    public static TheoryData<string> Variants => new(s_variants.Keys);

    [Theory]
    [MemberData(nameof(Variants))]
    public void Declaration_variant_generates_code_that_compiles_without_errors_or_warnings(string name)
    {
        var (source, hints) = s_variants[name];
        var run = GeneratorHarness.Run(source);
        run.AssertNoGeneratorException();
        Assert.Equal(hints.Order(System.StringComparer.Ordinal), run.Sources.Keys.Order(System.StringComparer.Ordinal));
        run.AssertCleanCompilation();
    }

    // ───────── Declarations the generator writes broken code for (see the Skip reasons). ─────────
    // Each asserts the invariant above, restricted to generated code: either the generator writes code that
    // compiles cleanly, or it writes nothing for the type and leaves the explaining to the analyzers.

    [Fact(Skip = "generator bug: Formatting.Float writes a double Scale beyond float range as 'Infinityf' (CS0103); DeclarationReader checks finiteness only as a double")]
    public void Residual_scale_beyond_float_range_does_not_break_generated_code() =>
        AssertGeneratedCodeIsClean("""
            [Block(Width = 16)]
            public partial class Huge
            {
                [Residual(Scale = 1e39)]
                [Sublayer(typeof(FeedForward))]
                public partial FeedForward Mix { get; }
            }
            """);

    [Fact(Skip = "generator bug: the implementing declaration drops the '?' of a nullable-annotated property type (SymbolDisplayFormat.FullyQualifiedFormat): warning CS9256")]
    public void Nullable_annotated_sublayer_property_compiles_without_warnings() =>
        AssertGeneratedCodeIsClean("""
            [Block(Width = 16)]
            public partial class Maybe
            {
                [Residual]
                [Sublayer(typeof(FeedForward))]
                public partial FeedForward? Mix { get; }
            }
            """);

    [Fact(Skip = "generator bug: the implementing declaration repeats only the accessibility, not 'virtual' (also 'sealed', 'override', 'new'): error CS8800")]
    public void Virtual_sublayer_property_keeps_its_modifiers() =>
        AssertGeneratedCodeIsClean("""
            [Block(Width = 16)]
            public partial class Open
            {
                [Residual]
                [Sublayer(typeof(FeedForward))]
                public virtual partial FeedForward Mix { get; }
            }
            """);

    [Fact(Skip = "generator bug: namespace, type and member names are written without '@' when they are C# keywords: syntax errors CS1001 and others")]
    public void Keyword_identifiers_are_escaped_in_generated_code() =>
        AssertGeneratedCodeIsClean("""
            namespace @event.@class
            {
                [Block(Width = 16)]
                public partial class @object
                {
                    [Residual]
                    [Sublayer(typeof(FeedForward))]
                    public partial FeedForward @checked { get; }
                }
            }
            """);

    [Fact(Skip = "generator bug: a sublayer property named like a generated member (here 'Description'; also Layout, Width, Parameters, Gradients, Forward, ...) collides with it: error CS0102")]
    public void Sublayer_named_like_a_generated_member_does_not_break_generated_code() =>
        AssertGeneratedCodeIsClean("""
            [Block(Width = 16)]
            public partial class Clash
            {
                [Residual]
                [Sublayer(typeof(FeedForward))]
                public partial FeedForward Description { get; }
            }
            """);

    [Fact(Skip = "generator bug: field and local names are the member name camel-cased, so 'Mix' and 'mix' both become s_mix / mixOut ...: errors CS0102, CS0128")]
    public void Sublayers_whose_names_differ_only_in_case_do_not_collide() =>
        AssertGeneratedCodeIsClean("""
            [Block(Width = 16)]
            public partial class Cased
            {
                [Residual] [Sublayer(typeof(FeedForward))] public partial FeedForward Mix { get; }
                [Residual] [Sublayer(typeof(FeedForward))] public partial FeedForward mix { get; }
            }
            """);

    [Fact(Skip = "generator bug: locals are '<member><suffix>', so sublayers 'Attend' and 'AttendD' both declare 'attendDQkv' in Backward: error CS0128")]
    public void Sublayer_names_that_share_a_prefix_do_not_collide() =>
        AssertGeneratedCodeIsClean("""
            [Block(Width = 16)]
            public partial class Prefixes
            {
                [Residual] [Sublayer(typeof(Attention), Heads = 2)] public partial Attention Attend { get; }
                [Residual] [Sublayer(typeof(Attention), Heads = 2)] public partial Attention AttendD { get; }
            }
            """);

    [Fact(Skip = "generator bug: a file-local sublayer type is accepted and named from the generated file, where it is not visible: error CS0400")]
    public void File_local_sublayer_type_does_not_break_generated_code() =>
        AssertGeneratedCodeIsClean("""
            file sealed class Gate : Sublayer
            {
                public override System.Collections.Generic.IReadOnlyList<ParameterShape> DescribeParameters(int width) => [];
                public override void Forward(in SublayerContext context, ReadOnlySpan<float> input, Span<float> output) => input.CopyTo(output);
                public override void Backward(in SublayerContext context, ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, Span<float> dInput) { }
            }

            [Block(Width = 16)]
            public partial class Gated
            {
                [Residual]
                [Sublayer(typeof(Gate))]
                private partial Sublayer G { get; }
            }
            """);

    [Fact(Skip = "generator bug: a file-local block class is generated as a new top-level partial class in another file: error CS9249 in generated code")]
    public void File_local_block_class_does_not_break_generated_code() =>
        AssertGeneratedCodeIsClean("""
            [Block(Width = 16)]
            file partial class Local
            {
                [Residual]
                [Sublayer(typeof(FeedForward))]
                public partial FeedForward Mix { get; }
            }
            """);

    [Fact(Skip = "generator bug: generated code names BCL types unqualified (Math, ArgumentException, Unsafe, MemoryMarshal, Vector512, ...), so a user type of that name in the block's namespace captures them: CS0117, CS1729")]
    public void User_types_named_like_framework_types_do_not_capture_generated_code() =>
        AssertGeneratedCodeIsClean("""
            namespace Demo
            {
                public static class Math
                {
                    public static int Twice(int x) => 2 * x;
                }

                public sealed class ArgumentException : Exception { }

                [Block(Width = 16)]
                public partial class Captured
                {
                    [Residual, PreNorm(Norm.LayerNorm)] [Sublayer(typeof(Attention), Heads = 2)] public partial Attention Attend { get; }
                    [Residual, PreNorm(Norm.LayerNorm)] [Sublayer(typeof(FeedForward))] public partial FeedForward Mix { get; }
                }
            }
            """);

    [Fact(Skip = "generator bug: BlockPlan and the emitters compute sizes in unchecked int; Width = 30000 gives negative offset constants that compile and then fail at run time")]
    public void Block_whose_parameter_count_overflows_int_is_not_generated()
    {
        var run = GeneratorHarness.Run(Usings + """
            [Block(Width = 30000)]
            public partial class Enormous
            {
                [Residual]
                [Sublayer(typeof(Attention), Heads = 1)]
                public partial Attention Attend { get; }
            }
            """);
        run.AssertNoGeneratorException();
        Assert.DoesNotContain("Enormous.Residual.g.cs", run.Sources.Keys);
    }

    private static void AssertGeneratedCodeIsClean(string declarations)
    {
        var run = GeneratorHarness.Run(Usings + declarations);
        run.AssertNoGeneratorException();
        var generated = run.Output.SyntaxTrees.Except(run.Input.SyntaxTrees).ToHashSet();
        var inGenerated = run.ErrorsAndWarnings.Where(d => d.Location.SourceTree is { } tree && generated.Contains(tree)).ToList();
        Assert.True(inGenerated.Count == 0,
            $"Generated code has {inGenerated.Count} error(s)/warning(s):\n" + string.Join("\n", inGenerated.Take(10).Select(GeneratorRun.Describe)));
    }
}
