using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;
using Residual.Generators.Specs;

namespace Residual.Generators.Emitting;

/// <summary>
/// The names the emitters give to what they declare on a user's type, in one place. The reader refuses a
/// declaration that already uses one of them (the generated member would collide with the user's), so
/// every name written into a block or model class must come from here. A test declares each member the
/// generated code has and checks that the reader refuses it, so this list cannot drift from the emitters.
/// </summary>
internal static class GeneratedNames
{
    /// <summary>Members <see cref="BlockEmitter"/> declares on every block (the per-sublayer fields and tensor offsets come from the plan).</summary>
    private static readonly string[] s_blockMembers =
    {
        "Width", "SublayerCount", "ParameterCount", "Description", "Layout", "CreateLayout",
        "_arena", "_gradientArena", "_offset", "Arena", "GradientArena", "Offset", "Parameters", "Gradients",
        "ActivationFloats", "ScratchFloats", "CheckSizes", "Forward", "Backward",
    };

    /// <summary>
    /// Members <see cref="ModelEmitter"/> declares on a model, and the inherited ones its code names without
    /// qualification (<c>Parameters</c>, <c>Gradients</c>, <c>OnStreamGradient</c>): a user member of that name would hide them.
    /// </summary>
    private static readonly string[] s_modelMembers =
    {
        "Vocab", "Context", "Layers", "Width", "WteOffset", "WpeOffset", "FirstLayerOffset", "LayerStride",
        "LnFWeightOffset", "LnFBiasOffset", "ParameterCount", "Description", "Layout", "_blocks", "Blocks",
        "ActivationFloats", "ScratchFloats", "ForwardCore", "BackwardCore", "Parameters", "Gradients",
        "OnStreamGradient",
    };

    /// <summary>
    /// The SIMD helpers. They live in the assembly's shared helper file (<see cref="SharedSimd"/>) and are imported
    /// with <c>using static</c>; a member of the same name on the user's type would win over the import.
    /// </summary>
    private static readonly string[] s_helpers =
    {
        "LayerNormForward", "LayerNormBackward", "RmsNormForward", "RmsNormBackward",
        "ResidualAdd", "ResidualAddScaled", "ResidualBackward", "Dot",
    };

    /// <summary>
    /// A namespace of the generator's own for file-local helpers (a refused model's <c>Refusal</c>), so that no user type
    /// can capture their framework names. The shared SIMD helpers live in a namespace below it, one per assembly
    /// (<see cref="SharedSimd.Namespace"/>).
    /// </summary>
    public const string HelperNamespace = "Residual.Generated";

    /// <summary>
    /// The prefix of sublayer <paramref name="k"/>'s fields and locals: the member camel-cased, then its
    /// position (<c>Attend</c>, 1 → <c>attend1</c>; <c>Layer2</c>, 3 → <c>layer2_3</c>). The position makes the
    /// prefixes of two sublayers differ, and since every suffix starts with a capital and holds no digit,
    /// prefix + suffix is unique too (<c>attend1DQkv</c> ≠ <c>attendD2Qkv</c>).
    /// </summary>
    public static string SublayerPrefix(string member, int k)
    {
        string camel = Formatting.Camel(member);
        return camel + (camel.Length > 0 && char.IsDigit(camel[camel.Length - 1]) ? "_" : "") + k;
    }

    /// <summary>
    /// Every name the block emitter declares on <paramref name="spec"/>'s class (without the sublayer properties
    /// themselves), from one walk over its plan, and the names it would declare twice, with the sublayer property
    /// whose name makes the second one (e.g. <c>A_b</c> and <c>A_b_</c> both give <c>ABOffset</c>; a property <c>_</c>
    /// gives <c>Offset</c>, a fixed member; a custom sublayer <c>Ln1Weight</c> gives <c>Ln1WeightOffset</c>, the offset
    /// of a pre-norm's <c>ln_1.weight</c>). The reader refuses such a block instead of writing code that does not compile.
    /// </summary>
    public static (ISet<string> Names, IReadOnlyList<(string Member, string Name)> Duplicates) ForBlock(BlockSpec spec)
    {
        var plan = BlockPlan.For(spec);
        var names = new HashSet<string>(s_blockMembers.Concat(s_helpers));
        var duplicates = new List<(string Member, string Name)>();
        if (plan.BlockScaleIdent.Length > 0) names.Add(plan.BlockScaleIdent);
        foreach (var s in plan.Subs)
        {
            var declared = new List<string> { s.Field };
            if (s.Spec.Kind == SublayerKind.Custom) declared.Add(s.CustomCount);
            // Every tensor belongs to the sublayer that declares it.
            declared.AddRange(plan.Tensors.Where(t => t.Owner == s).Select(t => t.Ident));
            foreach (var name in declared)
                if (!names.Add(name)) duplicates.Add((s.Spec.Member, name));
        }
        return (names, duplicates);
    }

    /// <summary>Every name the model emitter declares on a model class or uses from its base unqualified.</summary>
    public static ISet<string> ForModel() => new HashSet<string>(s_modelMembers.Concat(s_helpers));

    /// <summary>An identifier as C# source: <c>@class</c> for a keyword (reserved or contextual; <c>@</c> is always allowed).</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>A dotted namespace as C# source, each segment escaped.</summary>
    public static string Namespace(string dotted) => string.Join(".", dotted.Split('.').Select(Identifier));
}
