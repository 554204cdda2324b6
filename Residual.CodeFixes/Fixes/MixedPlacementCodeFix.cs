using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Residual.CodeFixes.Editing;
using Residual.Generators.Reading;

namespace Residual.CodeFixes.Fixes;

/// <summary>
/// RES0004, pre- and post-norm sublayers mixed in one block: "Use pre-norm on every sublayer" turns each
/// <c>[PostNorm(x)]</c> of the block into <c>[PreNorm(x)]</c>; "Use post-norm on every sublayer" does the reverse.
/// Sublayers without a norm are left alone; sublayers declared in other partial files of the block are switched too.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MixedPlacementCodeFix)), Shared]
public sealed class MixedPlacementCodeFix : CodeFixProvider
{
    /// <summary>Equivalence keys.</summary>
    public const string UsePreNormKey = "RES0004.UsePreNorm", UsePostNormKey = "RES0004.UsePostNorm";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(ProblemCodes.MixedPlacement);

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
            if (Locate.Enclosing<PropertyDeclarationSyntax>(root, diagnostic.Location.SourceSpan) is not { } property
                || model.GetDeclaredSymbol(property, context.CancellationToken)?.ContainingType is not { } block)
                continue;
            var solution = context.Document.Project.Solution;
            context.RegisterCodeFix(CodeAction.Create("Use pre-norm on every sublayer",
                ct => SwitchAsync(block, KnownNames.PostNorm, KnownNames.PreNorm, solution, model.Compilation, ct), UsePreNormKey), diagnostic);
            context.RegisterCodeFix(CodeAction.Create("Use post-norm on every sublayer",
                ct => SwitchAsync(block, KnownNames.PreNorm, KnownNames.PostNorm, solution, model.Compilation, ct), UsePostNormKey), diagnostic);
        }
    }

    private static Task<Solution> SwitchAsync(INamedTypeSymbol block, string from, string to, Solution solution, Compilation compilation, CancellationToken ct)
    {
        var edits = new DocumentEdits(solution);
        BlockWiring.SwitchPlacement(block, from, to, solution, compilation, edits, ct);
        return edits.ApplyAsync(ct);
    }
}
