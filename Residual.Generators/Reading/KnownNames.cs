namespace Residual.Generators.Reading;

/// <summary>Metadata names of the runtime types the generator recognises.</summary>
internal static class KnownNames
{
    public const string Block = "Residual.BlockAttribute";
    public const string Model = "Residual.ModelAttribute";
    public const string Sublayer = "Residual.SublayerAttribute";
    public const string Residual = "Residual.ResidualAttribute";
    public const string Plain = "Residual.PlainAttribute";
    public const string PreNorm = "Residual.PreNormAttribute";
    public const string PostNorm = "Residual.PostNormAttribute";
    public const string OutputWidth = "Residual.OutputWidthAttribute";

    public const string AttentionType = "Residual.Attention";
    public const string FeedForwardType = "Residual.FeedForward";
    public const string SublayerBase = "Residual.Sublayer";
    public const string Transformer = "Residual.Transformer`1";
    public const string SetsRequiredMembers = "System.Diagnostics.CodeAnalysis.SetsRequiredMembersAttribute";
}

/// <summary>Problem codes shared by the reader (which finds them) and the analyzers (which report them).</summary>
internal static class ProblemCodes
{
    /// <summary>An attribute the compiler could not bind cleanly; the compiler reports the error itself, so analyzers stay silent.</summary>
    public const string CompilerError = "RES0000";
    public const string ResidualAroundBlock = "RES0001";
    public const string MissingResidual = "RES0002";
    public const string PreAndPostNorm = "RES0003";
    public const string MixedPlacement = "RES0004";
    public const string WidthMismatch = "RES0005";
    public const string InvalidSize = "RES0006";
    public const string NotASublayer = "RES0007";
    public const string InvalidType = "RES0008";
    public const string EmptyBlock = "RES0009";
    public const string NoFinalNorm = "RES0010";
    public const string DeepPostNorm = "RES0011";
    public const string DuplicateAttribute = "RES0012";
    public const string InvalidMember = "RES0013";
    public const string ResidualAndPlain = "RES0014";
    public const string ResidualAroundModel = "RES0015";
    public const string IgnoredOption = "RES0016";
    public const string DisconnectedPath = "RES0017";
    public const string SublayerOutsideBlock = "RES0018";
}
