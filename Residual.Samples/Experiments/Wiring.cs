namespace Residual.Samples.Experiments;

/// <summary>The four ways the experiments wire the same attention + feed-forward block into a residual stream.</summary>
public enum Wiring
{
    /// <summary>A residual around each sublayer, norm before the sublayer: <c>x + F(LN(x))</c> (GPT-2).</summary>
    PreNorm,

    /// <summary>A residual around each sublayer, norm after the add: <c>LN(x + F(x))</c> (the 2017 Transformer).</summary>
    PostNorm,

    /// <summary>One residual around the whole block, <c>x + M(LN(A(LN(x))))</c>: the mistake RES0001 reports, built on purpose.</summary>
    WholeBlock,

    /// <summary>No residual at all: <c>M(LN(A(LN(x))))</c>, each sublayer <c>[Plain]</c>.</summary>
    Plain,
}

/// <summary>Names and formulas of a <see cref="Wiring"/> for reports and plots.</summary>
public static class WiringText
{
    /// <summary>A short label: "pre-norm residual", …</summary>
    public static string Label(this Wiring wiring) => wiring switch
    {
        Wiring.PreNorm => "pre-norm residual",
        Wiring.PostNorm => "post-norm residual",
        Wiring.WholeBlock => "whole-block residual",
        Wiring.Plain => "plain (no residual)",
        _ => wiring.ToString(),
    };

    /// <summary>What one block computes, as a formula.</summary>
    public static string Formula(this Wiring wiring) => wiring switch
    {
        Wiring.PreNorm => "x ← x + A(LN(x)); x ← x + M(LN(x))",
        Wiring.PostNorm => "x ← LN(x + A(x)); x ← LN(x + M(x))",
        Wiring.WholeBlock => "x ← x + M(LN(A(LN(x))))",
        Wiring.Plain => "x ← A(LN(x)); x ← M(LN(x))",
        _ => wiring.ToString(),
    };

    /// <summary>A lower-case identifier for file names and the command line: "pre-norm", "post-norm", "whole-block", "plain".</summary>
    public static string Key(this Wiring wiring) => wiring switch
    {
        Wiring.PreNorm => "pre-norm",
        Wiring.PostNorm => "post-norm",
        Wiring.WholeBlock => "whole-block",
        Wiring.Plain => "plain",
        _ => wiring.ToString().ToLowerInvariant(),
    };
}
