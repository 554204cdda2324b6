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
/// <c>[Plain]</c>. When it has both, keep one of them.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MissingResidualCodeFix)), Shared]
public sealed class MissingResidualCodeFix : CodeFixProvider
{
    /// <summary>Equivalence keys (one per kind of fix, so Fix All applies the same choice everywhere).</summary>
    public const string AddResidualKey = "RES0002.AddResidual", MarkPlainKey = "RES0002.MarkPlain",
        KeepResidualKey = "RES0002.KeepResidual", KeepPlainKey = "RES0002.KeepPlain";

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
            var residuals = WiringAttributes.Find(property, KnownNames.Residual, model, ct).ToList();
            var plains = WiringAttributes.Find(property, KnownNames.Plain, model, ct).ToList();
            if (residuals.Count == 0 && plains.Count == 0)
            {
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
            else if (residuals.Count > 0 && plains.Count > 0)
            {
                Document Without(System.Collections.Generic.IEnumerable<AttributeSyntax> remove) =>
                    document.WithSyntaxRoot(root.ReplaceNode(property, AttributeEdits.RemoveAll(property, remove)));
                context.RegisterCodeFix(CodeAction.Create("Keep [Residual]", _ => Task.FromResult(Without(plains)), KeepResidualKey), diagnostic);
                context.RegisterCodeFix(CodeAction.Create("Keep [Plain]", _ => Task.FromResult(Without(residuals)), KeepPlainKey), diagnostic);
            }
        }
    }
}
