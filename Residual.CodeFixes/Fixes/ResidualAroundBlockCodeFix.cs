using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Residual.CodeFixes.Editing;
using Residual.Generators.Reading;

namespace Residual.CodeFixes.Fixes;

/// <summary>
/// RES0001, <c>[Residual]</c> around a whole block: "Move [Residual] onto each sublayer". The attribute leaves the
/// block class (or the sublayer property whose type is a block) and goes, with the same arguments, onto every
/// <c>[Sublayer]</c> property of that block, in whichever partial file it is declared; a <c>[Plain]</c> is replaced
/// in place. A sublayer that already has its own <c>[Residual]</c> keeps it as it is.
/// RES0015, <c>[Residual]</c> on a model class, gets the same fix: the attribute moves onto the sublayers of the
/// block the model stacks.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ResidualAroundBlockCodeFix)), Shared]
public sealed class ResidualAroundBlockCodeFix : CodeFixProvider
{
    /// <summary>Equivalence key.</summary>
    public const string MoveKey = "RES0001.MoveResidualToSublayers";

    /// <summary>The fix's title.</summary>
    public const string Title = "Move [Residual] onto each sublayer";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(ProblemCodes.ResidualAroundBlock, ProblemCodes.ResidualAroundModel);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (Locate.Enclosing<AttributeSyntax>(root, diagnostic.Location.SourceSpan) is not { } attribute
                || WiringAttributes.MetadataNameOf(attribute, model, context.CancellationToken) != KnownNames.Residual
                || attribute.Parent?.Parent is not MemberDeclarationSyntax owner
                || TargetBlock(owner, model, context.CancellationToken) is not { } block)
                continue;
            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => MoveAsync(document, model, owner, attribute, block, ct), MoveKey),
                diagnostic);
        }
    }

    /// <summary>The block whose sublayers get the residual: the class itself, a model's block, or a block-typed sublayer's type.</summary>
    private static INamedTypeSymbol? TargetBlock(MemberDeclarationSyntax owner, SemanticModel model, CancellationToken ct)
    {
        if (owner is ClassDeclarationSyntax type && model.GetDeclaredSymbol(type, ct) is { } symbol)
            return BlockDeclarations.IsBlock(symbol) ? symbol : BlockDeclarations.BlockOfModel(symbol);
        if (owner is PropertyDeclarationSyntax property && model.GetDeclaredSymbol(property, ct) is { } p)
        {
            var named = p.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownNames.Sublayer)
                ?.ConstructorArguments.FirstOrDefault().Value as INamedTypeSymbol ?? p.Type as INamedTypeSymbol;
            return named is not null && BlockDeclarations.IsBlock(named) ? named : null;
        }
        return null;
    }

    private static async Task<Solution> MoveAsync(
        Document document, SemanticModel model, MemberDeclarationSyntax owner, AttributeSyntax attribute, INamedTypeSymbol block, CancellationToken ct)
    {
        var solution = document.Project.Solution;
        var sublayers = BlockDeclarations.Sublayers(block, solution, model.Compilation, ct);
        var edits = new DocumentEdits(solution);

        foreach (var sublayer in sublayers)
        {
            var property = sublayer.Property;
            if (WiringAttributes.Has(property, KnownNames.Residual, sublayer.Model, ct)) continue;
            // The attribute as written where it was (an alias or short name binds there); elsewhere in the style of the
            // sublayer's own [Sublayer].
            var name = sublayer.Document.Id == document.Id
                ? attribute.Name.WithoutTrivia()
                : AttributeEdits.NameLike(WiringAttributes.Find(property, KnownNames.Sublayer, sublayer.Model, ct).FirstOrDefault()?.Name, KnownNames.Sublayer, KnownNames.Residual);
            var residual = SyntaxFactory.Attribute(name, attribute.ArgumentList?.WithoutTrivia());
            var plain = WiringAttributes.Find(property, KnownNames.Plain, sublayer.Model, ct).FirstOrDefault();
            var normLists = property.AttributeLists.Where(l => l.Attributes.Any(a =>
                WiringAttributes.MetadataNameOf(a, sublayer.Model, ct) is KnownNames.PreNorm or KnownNames.PostNorm)).ToList();
            var replaced = plain is not null
                ? AttributeEdits.Replace(property, plain, residual)
                : AttributeEdits.Add(property, residual, normLists.Contains);
            edits.Replace(sublayer.Document.Id, property, replaced);
        }

        // The owner may contain the sublayers (a block class): its edit runs last, on the node with them already edited.
        var ownerList = (AttributeListSyntax)attribute.Parent!;
        int listIndex = owner.AttributeLists.IndexOf(ownerList), attributeIndex = ownerList.Attributes.IndexOf(attribute);
        edits.Replace(document.Id, owner, current =>
        {
            var member = (MemberDeclarationSyntax)current;
            return AttributeEdits.Remove(member, member.AttributeLists[listIndex].Attributes[attributeIndex]);
        });
        return await edits.ApplyAsync(ct).ConfigureAwait(false);
    }
}
