using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Residual.Generators.Reading;

namespace Residual.CodeFixes.Editing;

/// <summary>Edits that change the wiring of every sublayer of a block, or a model's final norm.</summary>
internal static class BlockWiring
{
    /// <summary>
    /// Turns every <paramref name="fromNorm"/> attribute on the block's sublayers into <paramref name="toNorm"/>, arguments
    /// kept: <c>[PostNorm(Norm.RMSNorm)]</c> becomes <c>[PreNorm(Norm.RMSNorm)]</c>. Returns whether anything changed.
    /// </summary>
    public static bool SwitchPlacement(INamedTypeSymbol block, string fromNorm, string toNorm, Solution solution, Compilation compilation, DocumentEdits edits, CancellationToken ct)
    {
        bool changed = false;
        foreach (var sublayer in BlockDeclarations.Sublayers(block, solution, compilation, ct))
        {
            var from = WiringAttributes.Find(sublayer.Property, fromNorm, sublayer.Model, ct).ToList();
            if (from.Count == 0) continue;
            var property = sublayer.Property.ReplaceNodes(from, (original, _) =>
                AttributeEdits.WithoutElasticTrivia(original.WithName(AttributeEdits.NameLike(original.Name, fromNorm, toNorm))));
            edits.Replace(sublayer.Document.Id, sublayer.Property, property);
            changed = true;
        }
        return changed;
    }

    /// <summary>
    /// The norm the block's pre-norm sublayers use (the first one's), LayerNorm when none says: the kind a final norm
    /// should match. Values as in <c>Residual.Norm</c>: 1 LayerNorm, 2 RMSNorm.
    /// </summary>
    public static int NormOfBlock(INamedTypeSymbol block, string placement)
    {
        foreach (var property in block.GetMembers().OfType<IPropertySymbol>())
            foreach (var attribute in property.GetAttributes())
                if (attribute.AttributeClass?.ToDisplayString() == placement)
                    return attribute.ConstructorArguments.FirstOrDefault().Value is int kind && kind is 1 or 2 ? kind : 1;
        return 1;
    }

    /// <summary>The C# name of a <c>Residual.Norm</c> value.</summary>
    public static string NormName(int kind) => kind switch { 2 => "RMSNorm", 0 => "None", _ => "LayerNorm" };

    /// <summary>
    /// <paramref name="attribute"/> with the named argument <paramref name="name"/> set to <paramref name="value"/>:
    /// the existing argument's expression replaced, else the argument appended (an argument list created if needed).
    /// </summary>
    public static AttributeSyntax WithNamedArgument(AttributeSyntax attribute, string name, ExpressionSyntax value)
    {
        value = AttributeEdits.WithoutElasticTrivia(value);
        var existing = attribute.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
        if (existing is not null)
            return attribute.ReplaceNode(existing, existing.WithExpression(value.WithTriviaFrom(existing.Expression)));
        var argument = SyntaxFactory.AttributeArgument(
            SyntaxFactory.NameEquals(SyntaxFactory.IdentifierName(name), AttributeEdits.Token(SyntaxKind.EqualsToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space)),
            null, value);
        argument = AttributeEdits.WithoutElasticTrivia(argument);
        if (attribute.ArgumentList is not { } list)
            return attribute.WithArgumentList(SyntaxFactory.AttributeArgumentList(
                AttributeEdits.Token(SyntaxKind.OpenParenToken), SyntaxFactory.SingletonSeparatedList(argument), AttributeEdits.Token(SyntaxKind.CloseParenToken)));
        var items = list.Arguments.GetWithSeparators().ToList();
        if (list.Arguments.Count > 0) items.Add(AttributeEdits.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space));
        items.Add(argument);
        return attribute.WithArgumentList(list.WithArguments(SyntaxFactory.SeparatedList<AttributeArgumentSyntax>(items)));
    }

    /// <summary>
    /// <c>Norm.X</c> for a final-norm argument: when the current value is written <c>Something.None</c>, only the member
    /// name changes (so <c>global::Residual.Norm.None</c> keeps its qualification); otherwise the qualified name, simplified.
    /// </summary>
    public static ExpressionSyntax NormValue(ExpressionSyntax? current, int kind)
    {
        if (current is MemberAccessExpressionSyntax access && access.Name is IdentifierNameSyntax)
            return access.WithName(SyntaxFactory.IdentifierName(NormName(kind)));
        return SyntaxFactory.ParseExpression("global::Residual.Norm." + NormName(kind))
            .WithAdditionalAnnotations(Microsoft.CodeAnalysis.Simplification.Simplifier.Annotation);
    }

    /// <summary>A double as a C# literal, invariant culture, at most <paramref name="decimals"/> decimals (2.63, 3, 0.5).</summary>
    public static ExpressionSyntax Number(double value, int decimals)
    {
        double rounded = Math.Round(value, decimals, MidpointRounding.AwayFromZero);
        string text = rounded.ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture);
        return SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(text, rounded));
    }

    /// <summary>The model's <c>[Model]</c> attribute as written, in <paramref name="model"/>'s declarations that are in the solution.</summary>
    public static (Document Document, AttributeSyntax Attribute)? ModelAttribute(INamedTypeSymbol model, Solution solution, CancellationToken ct)
    {
        foreach (var attribute in model.GetAttributes())
            if (attribute.AttributeClass?.ToDisplayString() == KnownNames.Model
                && attribute.ApplicationSyntaxReference is { } reference
                && solution.GetDocument(reference.SyntaxTree) is { } document
                && reference.GetSyntax(ct) is AttributeSyntax syntax)
                return (document, syntax);
        return null;
    }

    /// <summary>The <c>FinalNorm</c> value a model declares (LayerNorm, 1, when it says nothing).</summary>
    public static int FinalNormOf(INamedTypeSymbol model) => NamedInt(model, "FinalNorm", 1);

    /// <summary>The <c>Layers</c> a model declares (0 when it says nothing).</summary>
    public static int LayersOf(INamedTypeSymbol model) => NamedInt(model, "Layers", 0);

    private static int NamedInt(INamedTypeSymbol model, string name, int fallback)
    {
        var attribute = model.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownNames.Model);
        foreach (var kv in attribute?.NamedArguments ?? default)
            if (kv.Key == name && kv.Value.Value is int value) return value;
        return fallback;
    }
}
