using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Residual.Generators.Reading;

namespace Residual.CodeFixes.Editing;

/// <summary>A sublayer property as the user wrote it, with the document it is in and a semantic model of its tree.</summary>
internal sealed class SublayerDeclaration
{
    public SublayerDeclaration(Document document, PropertyDeclarationSyntax property, SemanticModel model)
    {
        Document = document;
        Property = property;
        Model = model;
    }

    public Document Document { get; }

    public PropertyDeclarationSyntax Property { get; }

    public SemanticModel Model { get; }
}

/// <summary>Finds a block's sublayer declarations in every partial part the user wrote (generated parts are skipped).</summary>
internal static class BlockDeclarations
{
    /// <summary>The <c>[Sublayer]</c> properties of <paramref name="block"/>, in declaration order per part, from documents of <paramref name="solution"/>.</summary>
    public static IReadOnlyList<SublayerDeclaration> Sublayers(INamedTypeSymbol block, Solution solution, Compilation compilation, CancellationToken ct)
    {
        var result = new List<SublayerDeclaration>();
        foreach (var reference in block.DeclaringSyntaxReferences)
        {
            // Source-generated documents are not in the solution's document list: GetDocument gives null for them.
            if (solution.GetDocument(reference.SyntaxTree) is not { } document) continue;
            if (reference.GetSyntax(ct) is not TypeDeclarationSyntax declaration) continue;
            var model = compilation.GetSemanticModel(reference.SyntaxTree);
            foreach (var property in declaration.Members.OfType<PropertyDeclarationSyntax>())
                if (WiringAttributes.IsSublayer(property, model, ct)) result.Add(new SublayerDeclaration(document, property, model));
        }
        return result;
    }

    /// <summary>
    /// The block a model stacks (<c>Transformer&lt;TBlock&gt;</c>'s <c>TBlock</c>) when it is a <c>[Block]</c> class, else null.
    /// </summary>
    public static INamedTypeSymbol? BlockOfModel(INamedTypeSymbol model) =>
        model.BaseType is { IsGenericType: true } baseType
        && baseType.OriginalDefinition.ToDisplayString() == "Residual.Transformer<TBlock>"
        && baseType.TypeArguments[0] is INamedTypeSymbol block && IsBlock(block)
            ? block
            : null;

    /// <summary>Whether the type carries <c>[Block]</c>.</summary>
    public static bool IsBlock(INamedTypeSymbol type) =>
        type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.Block);
}
