using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Residual.Generators.Reading;

namespace Residual.CodeFixes.Editing;

/// <summary>
/// Finds Residual's attributes in syntax by what they bind to, so that <c>[Residual]</c>,
/// <c>[ResidualAttribute]</c>, <c>[global::Residual.Residual]</c> and an alias all count the same.
/// </summary>
internal static class WiringAttributes
{
    /// <summary>The metadata name of the attribute class <paramref name="attribute"/> binds to (or its best candidate), else null.</summary>
    public static string? MetadataNameOf(AttributeSyntax attribute, SemanticModel model, CancellationToken ct)
    {
        var info = model.GetSymbolInfo(attribute, ct);
        var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
        var type = symbol switch
        {
            IMethodSymbol constructor => constructor.ContainingType,
            INamedTypeSymbol named => named,
            _ => null,
        };
        return type?.ToDisplayString();
    }

    /// <summary>The attributes on <paramref name="member"/> that bind to <paramref name="metadataName"/>.</summary>
    public static IEnumerable<AttributeSyntax> Find(MemberDeclarationSyntax member, string metadataName, SemanticModel model, CancellationToken ct) =>
        member.AttributeLists.SelectMany(l => l.Attributes).Where(a => MetadataNameOf(a, model, ct) == metadataName);

    /// <summary>Whether <paramref name="member"/> carries an attribute that binds to <paramref name="metadataName"/>.</summary>
    public static bool Has(MemberDeclarationSyntax member, string metadataName, SemanticModel model, CancellationToken ct) =>
        Find(member, metadataName, model, ct).Any();

    /// <summary>A sublayer property: one with <c>[Sublayer]</c>.</summary>
    public static bool IsSublayer(PropertyDeclarationSyntax property, SemanticModel model, CancellationToken ct) =>
        Has(property, KnownNames.Sublayer, model, ct);

    /// <summary>The short name a user writes for an attribute class (<c>ResidualAttribute</c> → <c>Residual</c>).</summary>
    public static string ShortName(string metadataName)
    {
        string name = metadataName.Substring(metadataName.LastIndexOf('.') + 1);
        return name.EndsWith("Attribute", System.StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;
    }
}
