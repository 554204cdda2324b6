using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Residual.Generators.Reading;

namespace Residual.CodeFixes.Fixes;

/// <summary>RES0014, a sublayer with both <c>[Residual]</c> and <c>[Plain]</c>: "Keep [Residual]" or "Keep [Plain]".</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ResidualAndPlainCodeFix)), Shared]
public sealed class ResidualAndPlainCodeFix() : KeepOneOfTwoCodeFix(
    ProblemCodes.ResidualAndPlain, (KnownNames.Residual, "Residual", KeepResidualKey), (KnownNames.Plain, "Plain", KeepPlainKey))
{
    /// <summary>Equivalence keys.</summary>
    public const string KeepResidualKey = "RES0014.KeepResidual", KeepPlainKey = "RES0014.KeepPlain";
}
