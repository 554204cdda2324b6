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
                    // A constructor of one's own is fine when it chains to a generated one.
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

    // ───────── Declarations the generator once wrote broken code for. ─────────
    // Each asserts the invariant above, restricted to generated code, and which way it holds: either the
    // generator writes code that compiles cleanly, or it writes nothing for the type (the reader refuses it
    // and leaves the explaining to the analyzers).

    [Fact]
    public void Residual_scale_beyond_float_range_is_refused() =>
        AssertNotGenerated("Huge", """
            [Block(Width = 16)]
            public partial class Huge
            {
                [Residual(Scale = 1e39)]
                [Sublayer(typeof(FeedForward))]
                public partial FeedForward Mix { get; }
            }
            """);

    [Fact]
    public void Residual_alpha_beyond_float_range_is_refused() =>
        AssertNotGenerated("Huge", """
            [Block(Width = 16)]
            public partial class Huge
            {
                [Residual(Alpha = -1e300)]
                [Sublayer(typeof(FeedForward))]
                public partial FeedForward Mix { get; }
            }
            """);

    [Fact]
    public void Nullable_annotated_sublayer_property_compiles_without_warnings() =>
        AssertGenerated("Maybe", """
            [Block(Width = 16)]
            public partial class Maybe
            {
                [Residual]
                [Sublayer(typeof(FeedForward))]
                public partial FeedForward? Mix { get; }
            }
            """);

    /// <summary>A sublayer is a fixed part of the block's topology: virtual, override and sealed properties are refused.</summary>
    [Theory]
    [InlineData("public virtual partial FeedForward Mix { get; }", "")]
    [InlineData("public override partial FeedForward Mix { get; }", "public abstract class Base { public abstract FeedForward Mix { get; } }")]
    [InlineData("public sealed override partial FeedForward Mix { get; }", "public class Base { public virtual FeedForward Mix => null!; }")]
    public void Virtual_override_and_sealed_sublayer_properties_are_refused(string property, string baseClass) =>
        AssertNotGenerated("Open", $$"""
            {{baseClass}}

            [Block(Width = 16)]
            public partial class Open{{(baseClass.Length > 0 ? " : Base" : "")}}
            {
                [Residual]
                [Sublayer(typeof(FeedForward))]
                {{property}}
            }
            """);

    /// <summary>A block derives from object: inherited members and base constructors would break the generated code.</summary>
    [Fact]
    public void Block_deriving_from_another_class_is_refused() =>
        AssertNotGenerated("Hiding", """
            public class Base
            {
                public FeedForward? Mix => null;
            }

            [Block(Width = 16)]
            public partial class Hiding : Base
            {
                [Residual]
                [Sublayer(typeof(FeedForward))]
                public new partial FeedForward Mix { get; }
            }
            """);

    /// <summary>A needless 'new' warns on the user's declaration (CS0109), not on the generated one.</summary>
    [Fact]
    public void Needless_new_on_a_sublayer_property_adds_no_warning_to_generated_code() =>
        AssertGenerated("Needless", """
            [Block(Width = 16)]
            public partial class Needless
            {
                [Residual]
                [Sublayer(typeof(FeedForward))]
                public new partial FeedForward Mix { get; }
            }
            """);

    [Fact]
    public void Keyword_identifiers_are_escaped_in_generated_code() =>
        AssertGenerated(["object", "static"], """
            namespace @event.@class
            {
                [Block(Width = 16)]
                public partial class @object
                {
                    [Residual, PreNorm(Norm.RMSNorm)]
                    [Sublayer(typeof(FeedForward))]
                    public partial FeedForward @checked { get; }

                    [Residual]
                    [Sublayer(typeof(Attention), Heads = 2)]
                    internal partial Attention @var { get; }
                }

                [Model(Vocab = 5, Context = 4, Layers = 2)]
                public partial class @static : Transformer<@object>;
            }
            """);

    [Theory]
    [InlineData("Description")]
    [InlineData("Layout")]
    [InlineData("Width")]
    [InlineData("Parameters")]
    [InlineData("Gradients")]
    [InlineData("Forward")]
    [InlineData("Backward")]
    [InlineData("ParameterCount")]
    [InlineData("Arena")]
    [InlineData("Offset")]
    [InlineData("ActivationFloats")]
    [InlineData("MlpCFcWeightOffset")]
    [InlineData("ResidualAdd")]
    public void Sublayer_named_like_a_generated_member_is_refused(string name) =>
        AssertNotGenerated("Clash", $$"""
            [Block(Width = 16)]
            public partial class Clash
            {
                [Residual]
                [Sublayer(typeof(FeedForward))]
                public partial FeedForward {{name}} { get; }
            }
            """);

    /// <summary>
    /// Keeps the reserved names (GeneratedNames, next to the emitters) from drifting: every member the generated
    /// code declares on a block or a model, declared by the user instead, makes the reader refuse the type.
    /// </summary>
    [Theory]
    [InlineData(nameof(Declarations.Gpt))]
    [InlineData(nameof(Declarations.PostNorm))]
    [InlineData(nameof(Declarations.ResidualOptions))]
    [InlineData(nameof(Declarations.Custom))]
    public void Every_generated_member_name_is_reserved(string declaration)
    {
        string userSource = (string)typeof(Declarations).GetField(declaration)!.GetValue(null)!;
        var run = GeneratorHarness.Run(userSource);
        run.AssertCleanCompilation();
        var generatedTrees = run.Output.SyntaxTrees.Except(run.Input.SyntaxTrees).ToHashSet();
        int checkedNames = 0;
        foreach (var type in run.Output.GetSymbolsWithName(_ => true, Microsoft.CodeAnalysis.SymbolFilter.Type).OfType<Microsoft.CodeAnalysis.INamedTypeSymbol>())
        {
            if (!type.GetAttributes().Any(a => a.AttributeClass?.Name is "BlockAttribute" or "ModelAttribute")) continue;
            foreach (var member in type.GetMembers())
            {
                // Constructors, accessors, explicit interface implementations.
                if (member.IsImplicitlyDeclared || member.Name.Contains('.') || member is Microsoft.CodeAnalysis.IMethodSymbol { MethodKind: not Microsoft.CodeAnalysis.MethodKind.Ordinary }) continue;
                if (!member.DeclaringSyntaxReferences.All(r => generatedTrees.Contains(r.SyntaxTree))) continue; // the sublayer properties
                // The user's type with one more member, named like the generated one: the reader must refuse the type.
                var again = GeneratorHarness.Run(WithMember(userSource, type.Name, $"public static int {member.Name} => 0;"));
                again.AssertNoGeneratorException();
                Assert.False(again.Sources.ContainsKey(type.Name + ".Residual.g.cs"),
                    $"'{member.Name}' is declared by the generated code of {type.Name} but not reserved: a user member of that name still gets generated code.");
                checkedNames++;
            }
        }
        Assert.True(checkedNames > 20, $"only {checkedNames} generated members were found");
    }

    /// <summary>Adds <paramref name="member"/> to the declaration of <paramref name="type"/> (with a body or ending in ';').</summary>
    private static string WithMember(string source, string type, string member)
    {
        int header = System.Text.RegularExpressions.Regex.Match(source, $@"partial class {type}\b").Index;
        int brace = source.IndexOf('{', header), semicolon = source.IndexOf(';', header);
        return semicolon >= 0 && (brace < 0 || semicolon < brace)
            ? source.Remove(semicolon, 1).Insert(semicolon, $"\n{{\n    {member}\n}}")
            : source.Insert(brace + 1, $"\n    {member}\n");
    }

    [Fact]
    public void Sublayers_whose_names_differ_only_in_case_do_not_collide() =>
        AssertGenerated("Cased", """
            [Block(Width = 16)]
            public partial class Cased
            {
                [Residual] [Sublayer(typeof(FeedForward))] public partial FeedForward Mix { get; }
                [Residual] [Sublayer(typeof(FeedForward))] public partial FeedForward mix { get; }
            }
            """);

    [Fact]
    public void Sublayer_names_that_share_a_prefix_do_not_collide() =>
        AssertGenerated("Prefixes", """
            [Block(Width = 16)]
            public partial class Prefixes
            {
                [Residual] [Sublayer(typeof(Attention), Heads = 2)] public partial Attention Attend { get; }
                [Residual] [Sublayer(typeof(Attention), Heads = 2)] public partial Attention AttendD { get; }
                [Residual] [Sublayer(typeof(Attention), Heads = 2)] public partial Attention A1 { get; }
                [Residual] [Sublayer(typeof(Attention), Heads = 2)] public partial Attention A { get; }
            }
            """);

    [Fact]
    public void Custom_sublayers_whose_names_snake_case_alike_do_not_collide() =>
        AssertGenerated("Twins", """
            public sealed class Gate : Sublayer
            {
                public override System.Collections.Generic.IReadOnlyList<ParameterShape> DescribeParameters(int width) => [new("weight", [width], ParameterInit.Ones)];
                public override void Forward(in SublayerContext context, ReadOnlySpan<float> input, Span<float> output) => input.CopyTo(output);
                public override void Backward(in SublayerContext context, ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, Span<float> dInput) { }
            }

            [Block(Width = 16)]
            public partial class Twins
            {
                [Residual] [Sublayer(typeof(Gate))] public partial Gate Mix { get; }
                [Residual] [Sublayer(typeof(Gate))] public partial Gate mix { get; }
            }
            """);

    /// <summary>A required member is fine when the parameterless constructor says it sets it ([SetsRequiredMembers]).</summary>
    [Fact]
    public void Custom_sublayer_whose_constructor_sets_its_required_members_compiles_cleanly() =>
        AssertGenerated("Required", """
            public sealed class Gain : Sublayer
            {
                [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
                public Gain() => Factor = 1f;

                public required float Factor { get; init; }
                public override System.Collections.Generic.IReadOnlyList<ParameterShape> DescribeParameters(int width) => [];
                public override void Forward(in SublayerContext context, ReadOnlySpan<float> input, Span<float> output) => input.CopyTo(output);
                public override void Backward(in SublayerContext context, ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, Span<float> dInput) => dOutput.CopyTo(dInput);
            }

            [Block(Width = 16)]
            public partial class Required
            {
                [Residual] [Sublayer(typeof(Gain))] public partial Gain Scale { get; }
            }
            """);

    /// <summary>Both parts of a partial property must have the same modifiers (CS8799): none written means none generated.</summary>
    [Fact]
    public void Sublayer_properties_without_an_access_modifier_compile_cleanly()
    {
        var run = AssertGeneratedCodeIsClean("""
            [Block(Width = 16)]
            public partial class Implicit
            {
                [Residual] [Sublayer(typeof(FeedForward))] partial FeedForward Mix { get; }
                [Residual] [Sublayer(typeof(Attention), Heads = 2)] internal protected partial Attention Attend { get; }
            }
            """);
        run.AssertCleanCompilation();
        string code = run.Sources["Implicit.Residual.g.cs"];
        Assert.Contains("\n    partial global::Residual.FeedForward Mix => ", code);
        Assert.Contains("internal protected partial global::Residual.Attention Attend => ", code);
    }

    /// <summary>A custom sublayer's tensor prefix avoids every built-in prefix of the block; built-in (GPT-2) names stay as they are.</summary>
    [Fact]
    public void Custom_sublayer_prefixes_avoid_the_built_in_prefixes_of_the_block()
    {
        var run = AssertGeneratedCodeIsClean("""
            public sealed class Gate : Sublayer
            {
                public override System.Collections.Generic.IReadOnlyList<ParameterShape> DescribeParameters(int width) => [new("weight", [width], ParameterInit.Ones)];
                public override void Forward(in SublayerContext context, ReadOnlySpan<float> input, Span<float> output) => input.CopyTo(output);
                public override void Backward(in SublayerContext context, ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, Span<float> dInput) => dOutput.CopyTo(dInput);
            }

            [Block(Width = 16)]
            public partial class Prefixed
            {
                [Residual, PreNorm] [Sublayer(typeof(Gate))] public partial Gate Attn { get; }
                [Residual, PreNorm] [Sublayer(typeof(Attention), Heads = 2)] public partial Attention Attend { get; }
                [Residual] [Sublayer(typeof(Gate))] public partial Gate Ln_2 { get; }
                [Residual] [Sublayer(typeof(FeedForward))] public partial FeedForward Mix { get; }
                [Residual(Learnable = true)] [Sublayer(typeof(Gate))] public partial Gate Mlp { get; }
                [Residual] [Sublayer(typeof(Gate))] public partial Gate Res_5 { get; }
            }
            """);
        run.AssertCleanCompilation();
        string code = run.Sources["Prefixed.Residual.g.cs"];
        foreach (var builtIn in new[] { "\"ln_1.weight\"", "\"ln_2.weight\"", "\"attn.c_attn.weight\"", "\"mlp.c_fc.weight\"", "\"res_5.scale\"" })
            Assert.Contains(builtIn, code);
        foreach (var custom in new[] { "Expand(\"attn_1.\"", "Expand(\"ln_2_3.\"", "Expand(\"mlp_5.\"", "Expand(\"res_5_6.\"" })
            Assert.Contains(custom, code);
    }

    /// <summary>The generated comments state each wiring's gradient rule, and only the rules the block uses.</summary>
    [Fact]
    public void Generated_comments_state_the_gradient_rule_of_each_wiring()
    {
        var run = AssertGeneratedCodeIsClean("""
            [Block(Width = 16)]
            public partial class PreOnly
            {
                [Residual, PreNorm] [Sublayer(typeof(FeedForward))] public partial FeedForward Mix { get; }
            }

            [Block(Width = 16)]
            public partial class PostOnly
            {
                [Residual, PostNorm] [Sublayer(typeof(FeedForward))] public partial FeedForward Mix { get; }
            }
            """);
        string pre = run.Sources["PreOnly.Residual.g.cs"], post = run.Sources["PostOnly.Residual.g.cs"];
        Assert.Contains("the incoming gradient dy reaches x unchanged", pre);
        Assert.DoesNotContain("post-norm residual", pre);
        Assert.DoesNotContain("plain sublayer", pre);
        Assert.Contains("dx += dy (the identity path, unchanged), and the branch gets dy.", pre);

        Assert.DoesNotContain("the incoming gradient dy reaches x unchanged", post);
        Assert.Contains("z = α·x + s·F(x), y = Norm(z)", post);
        Assert.Contains("// Residual: z = x + F", post);
        Assert.Contains("// y = LayerNorm(z)", post);
        Assert.Contains("// Residual z = x + F: dx += dz (the identity path, unchanged), and the branch gets dz.", post);
        Assert.DoesNotContain("dx += dy", post);
    }

    [Fact]
    public void File_local_sublayer_type_is_refused() =>
        AssertNotGenerated("Gated", """
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

    [Fact]
    public void File_local_block_class_is_refused() =>
        AssertNotGenerated("Local", """
            [Block(Width = 16)]
            file partial class Local
            {
                [Residual]
                [Sublayer(typeof(FeedForward))]
                public partial FeedForward Mix { get; }
            }
            """);

    [Fact]
    public void User_types_named_like_framework_types_do_not_capture_generated_code() =>
        AssertGenerated(["Captured", "CapturedLm"], """
            namespace Demo
            {
                public static class Math
                {
                    public static int Twice(int x) => 2 * x;
                }

                public static class MathF { }
                public sealed class ArgumentException : Exception { }
                public sealed class ArgumentNullException : Exception { }
                public sealed class ArgumentOutOfRangeException : Exception { }
                public sealed class Span<T> { }
                public sealed class ReadOnlySpan<T> { }
                public static class Unsafe { }
                public static class MemoryMarshal { }
                public static class Vector512 { }
                public static class Vector256 { }
                public sealed class MethodImplAttribute : Attribute { }
                public static class Residual { }
                public static class System { }

                [Block(Width = 16)]
                public partial class Captured
                {
                    [global::Residual.Residual, global::Residual.PreNorm(global::Residual.Norm.LayerNorm)] [global::Residual.Sublayer(typeof(global::Residual.Attention), Heads = 2)] public partial global::Residual.Attention Attend { get; }
                    [global::Residual.Residual(Scale = 0.5, Learnable = true), global::Residual.PostNorm(global::Residual.Norm.RMSNorm)] [global::Residual.Sublayer(typeof(global::Residual.FeedForward))] public partial global::Residual.FeedForward Mix { get; }
                }

                [global::Residual.Model(Vocab = 5, Context = 4, Layers = 2, FinalNorm = global::Residual.Norm.RMSNorm)]
                public partial class CapturedLm : global::Residual.Transformer<Captured>;
            }
            """);

    [Fact]
    public void Block_whose_parameter_count_overflows_int_is_not_generated() =>
        AssertNotGenerated("Enormous", """
            [Block(Width = 30000)]
            public partial class Enormous
            {
                [Residual]
                [Sublayer(typeof(Attention), Heads = 1)]
                public partial Attention Attend { get; }
            }
            """);

    [Theory]
    [InlineData("[Block(Width = 16)]", "[Sublayer(typeof(FeedForward), Hidden = 2000000000)]")]
    [InlineData("[Block(Width = 1000000000)]", "[Sublayer(typeof(FeedForward))]")]
    [InlineData("[Block(Width = 2147483647)]", "[Sublayer(typeof(Attention), Heads = 1)]")]
    public void Block_with_huge_sizes_is_not_generated(string block, string sublayer) =>
        AssertNotGenerated("Enormous", $$"""
            {{block}}
            public partial class Enormous
            {
                [Residual]
                {{sublayer}}
                public partial Sublayer Mix { get; }
            }
            """);

    [Fact]
    public void Model_whose_parameter_count_overflows_int_is_not_generated()
    {
        var run = GeneratorHarness.Run(Usings + """
            [Block(Width = 4096)]
            public partial class Wide
            {
                [Residual] [Sublayer(typeof(FeedForward), Hidden = 8)] public partial FeedForward Mix { get; }
            }

            [Model(Vocab = 600000, Context = 8, Layers = 1)]
            public partial class Big : Transformer<Wide>;
            """);
        run.AssertNoGeneratorException();
        Assert.Equal(["Wide.Residual.g.cs"], run.Sources.Keys);
    }

    private static void AssertNotGenerated(string type, string declarations) =>
        Assert.DoesNotContain(type + ".Residual.g.cs", AssertGeneratedCodeIsClean(declarations).Sources.Keys);

    private static void AssertGenerated(string type, string declarations) => AssertGenerated([type], declarations);

    private static void AssertGenerated(string[] types, string declarations)
    {
        var run = AssertGeneratedCodeIsClean(declarations);
        foreach (var type in types) Assert.Contains(type + ".Residual.g.cs", run.Sources.Keys);
    }

    private static GeneratorRun AssertGeneratedCodeIsClean(string declarations)
    {
        var run = GeneratorHarness.Run(Usings + declarations);
        run.AssertNoGeneratorException();
        var generated = run.Output.SyntaxTrees.Except(run.Input.SyntaxTrees).ToHashSet();
        var inGenerated = run.ErrorsAndWarnings.Where(d => d.Location.SourceTree is { } tree && generated.Contains(tree)).ToList();
        Assert.True(inGenerated.Count == 0,
            $"Generated code has {inGenerated.Count} error(s)/warning(s):\n" + string.Join("\n", inGenerated.Take(10).Select(GeneratorRun.Describe)));
        return run;
    }
}
