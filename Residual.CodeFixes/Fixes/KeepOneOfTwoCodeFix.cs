using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Residual.CodeFixes.Editing;

namespace Residual.CodeFixes.Fixes;

/// <summary>
/// A sublayer carries two attributes that exclude each other: offers "Keep [First]" and "Keep [Second]", each removing
/// every application of the other, whether the two share an attribute list or not.
/// </summary>
public abstract class KeepOneOfTwoCodeFix : CodeFixProvider
{
    private readonly (string MetadataName, string Shown, string Key) _first, _second;

    /// <param name="diagnosticId">The diagnostic fixed.</param>
    /// <param name="first">The first attribute: its metadata name (a <c>KnownNames</c> constant), the name shown in
    /// "Keep [First]", and that action's equivalence key.</param>
    /// <param name="second">The second attribute, likewise.</param>
    private protected KeepOneOfTwoCodeFix(string diagnosticId, (string MetadataName, string Shown, string Key) first, (string MetadataName, string Shown, string Key) second)
    {
        FixableDiagnosticIds = ImmutableArray.Create(diagnosticId);
        (_first, _second) = (first, second);
    }

    /// <inheritdoc/>
    public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

    /// <inheritdoc/>
    public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var document = context.Document;
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (Locate.Enclosing<PropertyDeclarationSyntax>(root, diagnostic.Location.SourceSpan) is not { } property) continue;
            var firsts = WiringAttributes.Find(property, _first.MetadataName, model, context.CancellationToken).ToList();
            var seconds = WiringAttributes.Find(property, _second.MetadataName, model, context.CancellationToken).ToList();
            if (firsts.Count == 0 || seconds.Count == 0) continue;
            Document Without(IEnumerable<AttributeSyntax> remove) =>
                document.WithSyntaxRoot(root.ReplaceNode(property, AttributeEdits.RemoveAll(property, remove)));
            context.RegisterCodeFix(CodeAction.Create($"Keep [{_first.Shown}]", _ => Task.FromResult(Without(seconds)), _first.Key), diagnostic);
            context.RegisterCodeFix(CodeAction.Create($"Keep [{_second.Shown}]", _ => Task.FromResult(Without(firsts)), _second.Key), diagnostic);
        }
    }
}
