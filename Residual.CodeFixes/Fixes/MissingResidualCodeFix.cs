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
using Residual.CodeFixes.Editing;
using Residual.Generators.Reading;

namespace Residual.CodeFixes.Fixes;

/// <summary>
/// RES0002, a sublayer without <c>[Residual]</c> that is not marked <c>[Plain]</c>: add <c>[Residual]</c>, or mark it
/// <c>[Plain]</c>. The attribute joins the list that holds the sublayer's norm, else gets a list of its own.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MissingResidualCodeFix)), Shared]
public sealed class MissingResidualCodeFix : CodeFixProvider
{
    /// <summary>Equivalence keys (one per kind of fix, so Fix All applies the same choice everywhere).</summary>
    public const string AddResidualKey = "RES0002.AddResidual", MarkPlainKey = "RES0002.MarkPlain";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(ProblemCodes.MissingResidual);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var document = context.Document;
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;
        var ct = context.CancellationToken;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (Locate.Enclosing<PropertyDeclarationSyntax>(root, diagnostic.Location.SourceSpan) is not { } property) continue;
            if (WiringAttributes.Has(property, KnownNames.Residual, model, ct) || WiringAttributes.Has(property, KnownNames.Plain, model, ct)) continue;
            var sublayer = WiringAttributes.Find(property, KnownNames.Sublayer, model, ct).FirstOrDefault();
            bool IsNormList(AttributeListSyntax list) => list.Attributes.Any(a =>
                WiringAttributes.MetadataNameOf(a, model, ct) is KnownNames.PreNorm or KnownNames.PostNorm);
            var withNorm = property.AttributeLists.Where(IsNormList).ToList();
            Document With(string metadataName)
            {
                var attribute = SyntaxFactory.Attribute(AttributeEdits.NameLike(sublayer?.Name, KnownNames.Sublayer, metadataName));
                var fixedProperty = AttributeEdits.Add(property, attribute, withNorm.Contains);
                return document.WithSyntaxRoot(root.ReplaceNode(property, fixedProperty));
            }
            context.RegisterCodeFix(CodeAction.Create("Add [Residual]", _ => Task.FromResult(With(KnownNames.Residual)), AddResidualKey), diagnostic);
            context.RegisterCodeFix(CodeAction.Create("Mark as [Plain]", _ => Task.FromResult(With(KnownNames.Plain)), MarkPlainKey), diagnostic);
        }
    }
}
