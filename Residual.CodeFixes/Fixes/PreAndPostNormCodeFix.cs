using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Residual.Generators.Reading;

namespace Residual.CodeFixes.Fixes;

/// <summary>RES0003, <c>[PreNorm]</c> and <c>[PostNorm]</c> on one sublayer: keep one, whether they share a list or not.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PreAndPostNormCodeFix)), Shared]
public sealed class PreAndPostNormCodeFix() : KeepOneOfTwoCodeFix(
    ProblemCodes.PreAndPostNorm, (KnownNames.PreNorm, "PreNorm", KeepPreNormKey), (KnownNames.PostNorm, "PostNorm", KeepPostNormKey))
{
    /// <summary>Equivalence keys.</summary>
    public const string KeepPreNormKey = "RES0003.KeepPreNorm", KeepPostNormKey = "RES0003.KeepPostNorm";
}
