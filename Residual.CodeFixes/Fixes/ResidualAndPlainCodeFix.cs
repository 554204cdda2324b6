using System.Collections.Generic;
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

/// <summary>RES0014, a sublayer with both <c>[Residual]</c> and <c>[Plain]</c>: "Keep [Residual]" or "Keep [Plain]".</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ResidualAndPlainCodeFix)), Shared]
public sealed class ResidualAndPlainCodeFix : CodeFixProvider
{
    /// <summary>Equivalence keys.</summary>
    public const string KeepResidualKey = "RES0014.KeepResidual", KeepPlainKey = "RES0014.KeepPlain";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(ProblemCodes.ResidualAndPlain);

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
            var residuals = WiringAttributes.Find(property, KnownNames.Residual, model, context.CancellationToken).ToList();
            var plains = WiringAttributes.Find(property, KnownNames.Plain, model, context.CancellationToken).ToList();
            if (residuals.Count == 0 || plains.Count == 0) continue;
            Document Without(IEnumerable<AttributeSyntax> remove) =>
                document.WithSyntaxRoot(root.ReplaceNode(property, AttributeEdits.RemoveAll(property, remove)));
            context.RegisterCodeFix(CodeAction.Create("Keep [Residual]", _ => Task.FromResult(Without(plains)), KeepResidualKey), diagnostic);
            context.RegisterCodeFix(CodeAction.Create("Keep [Plain]", _ => Task.FromResult(Without(residuals)), KeepPlainKey), diagnostic);
        }
    }
}
