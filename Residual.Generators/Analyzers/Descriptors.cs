using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Residual.Generators.Reading;

namespace Residual.Generators.Analyzers;

/// <summary>
/// One descriptor per problem code the declaration reader can find. The message is the reader's own
/// sentence (it names the member and what to do), so the analyzer and the generator never disagree.
/// </summary>
internal static class Descriptors
{
    /// <summary>Where the pages of <c>docs/diagnostics/</c> are published.</summary>
    public const string HelpRoot = "https://github.com/residual-dsl/residual/blob/main/docs/diagnostics/";

    private const string Wiring = "Residual.Wiring";
    private const string Declaration = "Residual.Declaration";

    public static readonly DiagnosticDescriptor ResidualAroundBlock = Warning(ProblemCodes.ResidualAroundBlock, "[Residual] wraps a whole block instead of each sublayer", Wiring);
    public static readonly DiagnosticDescriptor MissingResidual = Error(ProblemCodes.MissingResidual, "Sublayer without a residual that is not marked [Plain]", Wiring);
    public static readonly DiagnosticDescriptor PreAndPostNorm = Error(ProblemCodes.PreAndPostNorm, "Sublayer with both [PreNorm] and [PostNorm]", Wiring);
    public static readonly DiagnosticDescriptor MixedPlacement = Warning(ProblemCodes.MixedPlacement, "Pre- and post-norm mixed in one block", Wiring);
    public static readonly DiagnosticDescriptor WidthMismatch = Error(ProblemCodes.WidthMismatch, "Sublayer output width differs from the residual stream's width", Wiring);
    public static readonly DiagnosticDescriptor InvalidSize = Error(ProblemCodes.InvalidSize, "Invalid size or option", Declaration);
    public static readonly DiagnosticDescriptor NotASublayer = Error(ProblemCodes.NotASublayer, "Type in [Sublayer] is not a sublayer", Declaration);
    public static readonly DiagnosticDescriptor InvalidType = Error(ProblemCodes.InvalidType, "Block or model class cannot be generated", Declaration);
    public static readonly DiagnosticDescriptor EmptyBlock = Error(ProblemCodes.EmptyBlock, "Empty block, or a model whose block is not a valid block", Declaration);
    public static readonly DiagnosticDescriptor NoFinalNorm = Warning(ProblemCodes.NoFinalNorm, "Pre-norm stack without a final norm before the head", Wiring);
    public static readonly DiagnosticDescriptor DeepPostNorm = Warning(ProblemCodes.DeepPostNorm, "Deep post-norm stack with unscaled residuals", Wiring);
    public static readonly DiagnosticDescriptor DuplicateAttribute = Error(ProblemCodes.DuplicateAttribute, "Residual attribute applied twice", Declaration);
    public static readonly DiagnosticDescriptor InvalidMember = Error(ProblemCodes.InvalidMember, "Sublayer property cannot be implemented", Declaration);
    public static readonly DiagnosticDescriptor ResidualAndPlain = Error(ProblemCodes.ResidualAndPlain, "Sublayer with both [Residual] and [Plain]", Wiring);
    public static readonly DiagnosticDescriptor ResidualAroundModel = Error(ProblemCodes.ResidualAroundModel, "[Residual] on a model class", Wiring);
    public static readonly DiagnosticDescriptor IgnoredOption = Warning(ProblemCodes.IgnoredOption, "Sublayer option that the sublayer ignores", Declaration);
    public static readonly DiagnosticDescriptor DisconnectedPath = Warning(ProblemCodes.DisconnectedPath, "Residual scale that cuts a path", Wiring);
    public static readonly DiagnosticDescriptor SublayerOutsideBlock = Error(ProblemCodes.SublayerOutsideBlock, "[Sublayer] in a class that is not a [Block]", Declaration);

    /// <summary>Every descriptor, by its ID.</summary>
    public static readonly ImmutableDictionary<string, DiagnosticDescriptor> ById = new[]
    {
        ResidualAroundBlock, MissingResidual, PreAndPostNorm, MixedPlacement, WidthMismatch, InvalidSize, NotASublayer, InvalidType,
        EmptyBlock, NoFinalNorm, DeepPostNorm, DuplicateAttribute, InvalidMember, ResidualAndPlain, ResidualAroundModel, IgnoredOption,
        DisconnectedPath, SublayerOutsideBlock,
    }.ToImmutableDictionary(d => d.Id);

    private static DiagnosticDescriptor Error(string id, string title, string category) => Create(id, title, category, DiagnosticSeverity.Error);

    private static DiagnosticDescriptor Warning(string id, string title, string category) => Create(id, title, category, DiagnosticSeverity.Warning);

    private static DiagnosticDescriptor Create(string id, string title, string category, DiagnosticSeverity severity) => new(
        id, title, messageFormat: "{0}", category, severity, isEnabledByDefault: true,
        helpLinkUri: HelpRoot + id + ".md");
}
