using System.Linq;
using Residual.Generators.Specs;
using static Residual.Generators.Emitting.Formatting;

namespace Residual.Generators.Emitting;

/// <summary>Restates a declaration as formulas and as a runtime description literal.</summary>
internal static class Topology
{
    public static string ShortType(string fullyQualified)
    {
        int dot = fullyQualified.LastIndexOf('.');
        var name = dot >= 0 ? fullyQualified.Substring(dot + 1) : fullyQualified;
        return name.StartsWith("global::") ? name.Substring("global::".Length) : name;
    }

    private static string Function(SublayerSpec s) => s.Kind switch
    {
        SublayerKind.Attention => "Attention",
        SublayerKind.FeedForward => "FeedForward",
        _ => ShortType(s.SublayerType),
    };

    private static string Scaled(string factor, string term) => factor.Length == 0 ? term : factor + "·" + term;

    private static string AlphaText(SublayerSpec s) => s.Alpha == 1.0 ? "" : Double(s.Alpha);

    private static string ScaleText(SublayerSpec s) => s.LearnableScale ? "a" : s.Scale == 1.0 ? "" : Double(s.Scale);

    /// <summary><c>x ← x + Attention(LayerNorm(x))</c> and its variants.</summary>
    public static string Formula(SublayerSpec s)
    {
        string norm = BlockEmitter.NormName(s.Norm);
        string branch = s.Placement == Placement.Pre ? $"{Function(s)}({norm}(x))" : $"{Function(s)}(x)";
        string sum = s.Residual ? $"{Scaled(AlphaText(s), "x")} + {Scaled(ScaleText(s), branch)}" : branch;
        return "x ← " + (s.Placement == Placement.Post ? $"{norm}({sum})" : sum);
    }

    /// <summary>
    /// The residual add alone, e.g. <c>y = x + F</c> or <c>y = 1.3·x + a·F (a learnable, starts at 0)</c>; with a
    /// post-norm the sum is <c>z</c>, which the norm then turns into <c>y = Norm(z)</c>.
    /// </summary>
    public static string ResidualText(SublayerSpec s)
    {
        string text = $"{SumName(s)} = {Scaled(AlphaText(s), "x")} + {Scaled(ScaleText(s), "F")}";
        return s.LearnableScale ? text + $" (a learnable, starts at {Double(s.Scale)})" : text;
    }

    /// <summary>What the residual add produces: the output <c>y</c>, or <c>z</c> when a post-norm follows.</summary>
    public static string SumName(SublayerSpec s) => s.Placement == Placement.Post ? "z" : "y";

    /// <summary>
    /// The block-wide residual as one formula: <c>x ← x + FeedForward(LayerNorm(Attention(LayerNorm(x))))</c> when the
    /// sublayers are plain; when one has its own residual, its formula would repeat its input, so every sublayer is
    /// written by its member name, as numbered above it (<c>x ← x + Mix(Attend(x))</c>).
    /// </summary>
    public static string BlockFormula(BlockSpec spec)
    {
        var whole = spec.Residual!;
        bool byName = spec.Sublayers.Any(s => s.Residual);
        string chain = "x";
        foreach (var s in spec.Sublayers)
        {
            string norm = BlockEmitter.NormName(s.Norm);
            chain = byName ? $"{s.Member}({chain})"
                : s.Placement == Placement.Pre ? $"{Function(s)}({norm}({chain}))"
                : s.Placement == Placement.Post ? $"{norm}({Function(s)}({chain}))"
                : $"{Function(s)}({chain})";
        }
        string alpha = whole.Alpha == 1.0 ? "" : Double(whole.Alpha);
        string scale = whole.LearnableScale ? "a" : whole.Scale == 1.0 ? "" : Double(whole.Scale);
        return $"x ← {Scaled(alpha, "x")} + {Scaled(scale, chain)}";
    }

    /// <summary>The block-wide residual add alone: <c>y = x + B</c>, <c>y = 2·x + a·B (a learnable, starts at 0)</c>.</summary>
    public static string BlockResidualText(BlockResidualSpec whole)
    {
        string alpha = whole.Alpha == 1.0 ? "" : Double(whole.Alpha);
        string scale = whole.LearnableScale ? "a" : whole.Scale == 1.0 ? "" : Double(whole.Scale);
        string text = $"y = {Scaled(alpha, "x")} + {Scaled(scale, "B")}";
        return whole.LearnableScale ? text + $" (a learnable, starts at {Double(whole.Scale)})" : text;
    }

    public static string Details(SublayerSpec s) => s.Kind switch
    {
        SublayerKind.Attention => $"    (heads = {s.Heads})",
        SublayerKind.FeedForward => $"    (hidden = {s.Hidden}, {s.Activation.ToString().ToUpperInvariant()})",
        _ => "",
    };

    public static string DescriptionLiteral(SublayerSpec s) =>
        "new global::Residual.SublayerDescription(" +
        $"{String(s.Member)}, global::Residual.SublayerKind.{s.Kind}, global::Residual.NormPlacement.{s.Placement}, " +
        $"global::Residual.Norm.{s.Norm}, {(s.Residual ? "true" : "false")}, {Double(s.Scale)}, {(s.LearnableScale ? "true" : "false")}, " +
        $"{Double(s.Alpha)}, {s.Heads}, {s.Hidden}, global::Residual.Activation.{s.Activation}, {String(s.Prefix)})";
}
