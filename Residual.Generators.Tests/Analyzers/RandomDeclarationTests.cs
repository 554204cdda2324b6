using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.Loader;
using CsCheck;
using Microsoft.CodeAnalysis;
using Residual.Generators.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Residual.Generators.Tests.Analyzers;

/// <summary>
/// Property-based: random declarations (attribute combinations, sizes, orders, property shapes, a block-wide residual,
/// model settings) never make the generator throw, and each either gets at least one error or compiles cleanly with
/// the generated code; when refused (and the class can be completed), the RES errors are the build's only errors; a
/// sample of the valid ones is loaded and its generated Forward runs.
/// </summary>
public sealed class RandomDeclarationTests(ITestOutputHelper output)
{
    /// <summary>A sublayer type with its options: mostly valid, sometimes not (wrong heads, ignored or negative options, not a sublayer).</summary>
    private static readonly Gen<(string Type, string Options)> s_computation = Gen.OneOfConst(
        ("Attention", ", Heads = 2"), ("Attention", ", Heads = 4"), ("Attention", ", Heads = 2"), ("Attention", ", Heads = 3"), ("Attention", ""),
        ("FeedForward", ""), ("FeedForward", ", Hidden = 8"), ("FeedForward", ", Hidden = 24, Activation = Activation.Relu"), ("FeedForward", ", Hidden = -4"), ("FeedForward", ", Heads = 2"),
        ("Gate", ""), ("Gate", ""), ("Attention", ", Heads = 4"), ("FeedForward", ""), ("FeedForward", ", Hidden = 8"), ("Gate", ""),
        ("Fixed32", ""), ("string", ""), ("Good", ""));

    /// <summary>One sublayer property, as text.</summary>
    private static readonly Gen<string> s_sublayer =
        Gen.Select(
            s_computation,
            Gen.OneOfConst("[Residual]", "[Residual]", "[Residual]", "[Residual]", "[Residual]", "[Residual]", "[Plain]", "[Plain]", "[Residual(Scale = 0.5)]", "[Residual(Scale = 0, Learnable = true)]", "[Residual(Alpha = 2)]", "", "[Residual, Plain]", "[Residual(Scale = 0)]", "[Residual, Residual]"),
            Gen.OneOfConst("", "", "[PreNorm(Norm.LayerNorm)]", "[PreNorm(Norm.LayerNorm)]", "[PreNorm(Norm.LayerNorm)]", "[PreNorm(Norm.RMSNorm)]", "[PostNorm(Norm.LayerNorm)]", "[PostNorm(Norm.RMSNorm)]", "[PreNorm, PostNorm]", "[PreNorm(Norm.None)]"),
            Gen.OneOfConst("{ get; }", "{ get; }", "{ get; }", "{ get; }", "{ get; }", "{ get; }", "{ get; }", "{ get; }", "{ get; set; }", "=> null!;"))
        .Select((computation, residual, norm, body) =>
        {
            string modifiers = body.StartsWith("=>", StringComparison.Ordinal) ? "public" : "public partial";
            return $"    {residual} {norm}\n    [Sublayer(typeof({computation.Type}){computation.Options})]\n    {modifiers} {computation.Type} P {body}\n";
        });

    private static readonly Gen<string> s_block =
        Gen.Select(
            Gen.OneOfConst(-4, 0, 8, 8, 8, 16, 16, 16, 16, 32),
            Gen.OneOfConst("", "", "", ", Residual", ", Residual(Scale = 0.5, Learnable = true, Alpha = 1.5)"),
            Gen.OneOfConst("public partial class", "public partial class", "public partial class", "public partial class", "public partial class", "public class", "public partial class Outer {\n{0} public partial class"),
            s_sublayer.List[0, 3])
        .Select((width, residual, header, sublayers) =>
        {
            // Sublayer names must differ: P{id} with ids made unique by position.
            var members = sublayers.Select((s, i) => s.Replace(" P {", $" P{i} {{").Replace(" P =>", $" P{i} =>"));
            string close = header.Contains("Outer") ? "}}" : "}";
            string attribute = $"[Block(Width = {width}){residual}]";
            // Nested in Outer, the attribute goes on the nested class.
            string declaration = header.Contains("{0}", StringComparison.Ordinal) ? header.Replace("{0}", attribute) : attribute + "\n" + header;
            return $"{declaration} Bad\n{{\n{string.Concat(members)}{close}\n";
        });

    private static readonly Gen<string> s_model =
        Gen.Select(Gen.OneOfConst(0, 5, 11, 11, 11, 11), Gen.OneOfConst(0, 1, 8, 8, 8, 8), Gen.OneOfConst(0, 1, 2, 2, 2, 2, 14), Gen.OneOfConst("", ", FinalNorm = Norm.None", ", FinalNorm = Norm.RMSNorm"), Gen.Bool)
        .Select((vocab, context, layers, finalNorm, present) =>
            present ? $"\n[Model(Vocab = {vocab}, Context = {context}, Layers = {layers}{finalNorm})]\npublic partial class Lm : Transformer<Bad>;\n" : "");

    private const string Support = """

        [Block(Width = 8)]
        public partial class Good
        {
            [Residual]
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }

        public sealed class Gate : Sublayer
        {
            public override System.Collections.Generic.IReadOnlyList<ParameterShape> DescribeParameters(int width) => [new("weight", [width], ParameterInit.Ones)];
            public override void Forward(in SublayerContext context, System.ReadOnlySpan<float> input, System.Span<float> output)
            {
                var w = context.Parameters;
                for (int i = 0; i < output.Length; i++) output[i] = input[i] * w[i % context.Width];
            }
            public override void Backward(in SublayerContext context, System.ReadOnlySpan<float> input, System.ReadOnlySpan<float> dOutput, System.Span<float> dInput)
            {
                var w = context.Parameters;
                for (int i = 0; i < dOutput.Length; i++)
                {
                    dInput[i] += dOutput[i] * w[i % context.Width];
                    context.Gradients[i % context.Width] += dOutput[i] * input[i];
                }
            }
        }

        [OutputWidth(16)]
        public sealed class Fixed32 : Sublayer
        {
            public override System.Collections.Generic.IReadOnlyList<ParameterShape> DescribeParameters(int width) => [];
            public override void Forward(in SublayerContext context, System.ReadOnlySpan<float> input, System.Span<float> output) => input.CopyTo(output);
            public override void Backward(in SublayerContext context, System.ReadOnlySpan<float> input, System.ReadOnlySpan<float> dOutput, System.Span<float> dInput)
            {
                for (int i = 0; i < dOutput.Length; i++) dInput[i] += dOutput[i];
            }
        }
        """;

    /// <summary>Unimplemented partial property, abstract member not overridden, no base constructor, IBlock constraint not met.</summary>
    private static readonly HashSet<string> s_missingImplementation = ["CS9248", "CS0534", "CS7036", "CS0311"];

    /// <summary>A block drawn only from valid choices (any order, count, norm placement and residual option), so that
    /// the clean side of the property is exercised on every run, not only when the fully random draw happens to be valid.</summary>
    private static readonly Gen<string> s_validBlock =
        Gen.Select(
            Gen.OneOfConst(8, 16, 32),
            Gen.Select(
                Gen.OneOfConst("Attention, Heads = 2", "Attention, Heads = 4", "FeedForward", "FeedForward, Hidden = 8", "Gate"),
                Gen.OneOfConst("[Residual]", "[Plain]", "[Residual(Scale = 0.5)]", "[Residual(Scale = 0, Learnable = true)]"),
                Gen.OneOfConst("", "[PreNorm(Norm.LayerNorm)]", "[PreNorm(Norm.RMSNorm)]", "[PostNorm(Norm.LayerNorm)]"))
            .List[1, 3])
        .Select((width, sublayers) =>
        {
            var members = sublayers.Select((s, i) =>
            {
                string type = s.Item1.Split(',')[0];
                string options = s.Item1.Contains(',') ? s.Item1[s.Item1.IndexOf(',')..] : "";
                return $"    {s.Item2} {s.Item3}\n    [Sublayer(typeof({type}){options})]\n    public partial {type} P{i} {{ get; }}\n";
            });
            return $"[Block(Width = {width})]\npublic partial class Bad\n{{\n{string.Concat(members)}}}\n";
        });

    private static readonly Gen<string> s_declaration =
        Gen.Select(Gen.Frequency((3, s_block), (1, s_validBlock)), s_model, (block, model) => "using Residual;\n\n" + block + model + Support);

    [Fact]
    public void Random_declarations_never_crash_the_generator_and_either_get_an_error_or_compile_and_run()
    {
        int valid = 0, refused = 0, ran = 0;
        // CsCheck's seed fixes only the first iteration; one seeded iteration per case keeps the 32 cases (and the
        // valid/refused balance asserted below) the same on every run, and a failure still shrinks and prints its seed.
        for (ulong iteration = 0; iteration < 32; iteration++)
        {
            s_declaration.Sample(source =>
            {
                var run = GeneratorHarness.Run(source);
                run.AssertNoGeneratorException();
                Assert.Empty(run.DriverDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(GeneratorRun.Describe)); // CS8784/CS8785
                var analyzer = AnalyzerHarness.Analyze(run);
                var compilerErrors = run.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                bool hasError = compilerErrors.Count > 0 || analyzer.Any(d => d.Severity == DiagnosticSeverity.Error);
                if (!hasError)
                {
                    // No error: the generated code compiles without a single warning and covers the block (and model).
                    valid++;
                    run.AssertCleanCompilation();
                    Assert.Contains("Bad.Residual.g.cs", run.Sources.Keys);
                    if (source.Contains("class Lm", StringComparison.Ordinal)) Assert.Contains("Lm.Residual.g.cs", run.Sources.Keys);
                    if (valid % 2 == 1 && ran < 4 && RunsForward(run)) ran++;
                    return;
                }
                refused++;
                // A refused declaration the stub can complete (anything but RES0008) has none of the errors of a missing
                // implementation, which would hide the RES error from a command-line build.
                if (!analyzer.Any(d => d.Id == "RES0008"))
                    Assert.Empty(compilerErrors.Where(d => s_missingImplementation.Contains(d.Id)).Select(GeneratorRun.Describe));
            }, iter: 1, threads: 1, seed: new PCG(3, 20261123 + iteration).ToString());
        }
        output.WriteLine($"{valid} valid (of which {ran} run), {refused} refused");
        Assert.True(valid >= 2 && refused >= 2, $"The generator of declarations is lopsided: {valid} valid, {refused} refused.");
        Assert.True(ran >= 1, "No valid declaration was run.");
    }

    /// <summary>Loads the generated assembly and runs the block's Forward on random input: every output is finite.</summary>
    private static bool RunsForward(GeneratorRun run)
    {
        using var image = new MemoryStream();
        if (!run.Output.Emit(image).Success) throw new Xunit.Sdk.XunitException("A clean compilation did not emit.");
        image.Position = 0;
        var context = new AssemblyLoadContext("RandomDeclaration", isCollectible: true);
        try
        {
            var type = context.LoadFromStream(image).GetType("Bad") ?? throw new Xunit.Sdk.XunitException("No type Bad.");
            var block = (IBlock)Activator.CreateInstance(type, new object?[] { new ModelOptions { Seed = 1 } })!;
            const int batch = 2, time = 3;
            int n = batch * time * block.Description.Width;
            var x = Numerics.Uniform(n, seed: 9);
            var y = new float[n];
            block.Forward(x, y, new float[block.ActivationFloats(batch, time)], batch, time);
            Assert.All(y, v => Assert.True(float.IsFinite(v)));
            return true;
        }
        finally
        {
            context.Unload();
        }
    }
}
