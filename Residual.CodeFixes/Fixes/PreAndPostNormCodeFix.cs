using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Residual.CodeFixes.Editing;
using Residual.Generators.Reading;

namespace Residual.CodeFixes.Fixes;

/// <summary>RES0003, <c>[PreNorm]</c> and <c>[PostNorm]</c> on one sublayer: keep one, whether they share a list or not.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PreAndPostNormCodeFix)), Shared]
public sealed class PreAndPostNormCodeFix : CodeFixProvider
{
    /// <summary>Equivalence keys.</summary>
    public const string KeepPreNormKey = "RES0003.KeepPreNorm", KeepPostNormKey = "RES0003.KeepPostNorm";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(ProblemCodes.PreAndPostNorm);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var document = context.Document;
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (Locate.Enclosing<PropertyDeclarationSyntax>(root, diagnostic.Location.SourceSpan) is not { } property) continue;
            var pre = WiringAttributes.Find(property, KnownNames.PreNorm, model, context.CancellationToken).ToList();
            var post = WiringAttributes.Find(property, KnownNames.PostNorm, model, context.CancellationToken).ToList();
            if (pre.Count == 0 || post.Count == 0) continue;
            Document Without(System.Collections.Generic.IEnumerable<AttributeSyntax> remove) =>
                document.WithSyntaxRoot(root.ReplaceNode(property, AttributeEdits.RemoveAll(property, remove)));
            context.RegisterCodeFix(CodeAction.Create("Keep [PreNorm]", _ => Task.FromResult(Without(post)), KeepPreNormKey), diagnostic);
            context.RegisterCodeFix(CodeAction.Create("Keep [PostNorm]", _ => Task.FromResult(Without(pre)), KeepPostNormKey), diagnostic);
        }
    }
}
