using System;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
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
/// RES0011, a deep post-norm stack with plain residuals. Two fixes:
/// <list type="bullet">
/// <item>"Switch the block to pre-norm": every <c>[PostNorm(x)]</c> of the block becomes <c>[PreNorm(x)]</c>; a model
/// that declared <c>FinalNorm = Norm.None</c> (post-norm ends each layer with a norm, pre-norm needs one before the
/// head) gets the block's norm as its final norm, so the fix does not trade RES0011 for RES0010.</item>
/// <item>"Scale the residuals (DeepNorm)": the <c>[Residual]</c> of every post-norm sublayer of the block gets
/// <c>Alpha = (2N)^(1/4)</c> for a model of N layers, rounded to two decimals (other arguments kept).</item>
/// </list>
/// </summary>
/// <remarks>
/// DeepNorm (Wang et al., "DeepNet: Scaling Transformers to 1,000 Layers", 2022) keeps post-norm and up-weights the
/// identity path: <c>x ← LN(α·x + F(x))</c>. Its table gives, for a decoder-only stack of N layers (the models here are
/// decoder-only), <c>α = (2N)^(1/4)</c> and an initialisation gain <c>β = (8N)^(-1/4)</c> on the feed-forward, value and
/// output projections. The fix writes α, which is a declaration; β is an initialisation choice that <c>[Residual]</c>
/// does not carry, so it is left to the user (ModelOptions).
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DeepPostNormCodeFix)), Shared]
public sealed class DeepPostNormCodeFix : CodeFixProvider
{
    /// <summary>Equivalence keys.</summary>
    public const string SwitchToPreNormKey = "RES0011.SwitchToPreNorm", DeepNormKey = "RES0011.DeepNorm";

    /// <summary>Decimals of the written α: (2·24)^(1/4) = 2.632… is written 2.63.</summary>
    private const int AlphaDecimals = 2;

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(ProblemCodes.DeepPostNorm);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <summary>DeepNorm's α for a decoder-only stack of <paramref name="layers"/> layers.</summary>
    public static double DeepNormAlpha(int layers) => Math.Pow(2.0 * layers, 0.25);

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var semantic = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || semantic is null) return;
        var solution = context.Document.Project.Solution;
        foreach (var diagnostic in context.Diagnostics)
        {
            // The squiggle may sit on the model (its attribute or Layers) or on the block: find both from either.
            if (Locate.Enclosing<ClassDeclarationSyntax>(root, diagnostic.Location.SourceSpan) is not { } declaration
                || semantic.GetDeclaredSymbol(declaration, context.CancellationToken) is not INamedTypeSymbol type)
                continue;
            var model = BlockDeclarations.IsBlock(type) ? null : type;
            var block = model is null ? type : BlockDeclarations.BlockOfModel(model);
            if (block is null) continue;
            var compilation = semantic.Compilation;

            context.RegisterCodeFix(CodeAction.Create("Switch the block to pre-norm",
                ct => SwitchToPreNormAsync(block, model, solution, compilation, ct), SwitchToPreNormKey), diagnostic);
            if (model is not null && BlockWiring.LayersOf(model) is > 0 and var layers)
                context.RegisterCodeFix(CodeAction.Create("Scale the residuals (DeepNorm)",
                    ct => ScaleResidualsAsync(block, layers, solution, compilation, ct), DeepNormKey), diagnostic);
        }
    }

    private static Task<Solution> SwitchToPreNormAsync(INamedTypeSymbol block, INamedTypeSymbol? model, Solution solution, Compilation compilation, CancellationToken ct)
    {
        var edits = new DocumentEdits(solution);
        int norm = BlockWiring.NormOfBlock(block, KnownNames.PostNorm);
        BlockWiring.SwitchPlacement(block, KnownNames.PostNorm, KnownNames.PreNorm, solution, compilation, edits, ct);
        if (model is not null && BlockWiring.FinalNormOf(model) == 0 && BlockWiring.ModelAttribute(model, solution, ct) is { } found)
        {
            var attribute = found.Attribute;
            var current = attribute.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "FinalNorm")?.Expression;
            edits.Replace(found.Document.Id, attribute, BlockWiring.WithNamedArgument(attribute, "FinalNorm", BlockWiring.NormValue(current, norm)));
        }
        return edits.ApplyAsync(ct);
    }

    private static Task<Solution> ScaleResidualsAsync(INamedTypeSymbol block, int layers, Solution solution, Compilation compilation, CancellationToken ct)
    {
        var edits = new DocumentEdits(solution);
        var alpha = BlockWiring.Number(DeepNormAlpha(layers), AlphaDecimals);
        foreach (var sublayer in BlockDeclarations.Sublayers(block, solution, compilation, ct))
        {
            // DeepNorm is a post-norm recipe: x ← LN(α·x + F(x)). A pre-norm sublayer keeps its residual as it is.
            if (!WiringAttributes.Has(sublayer.Property, KnownNames.PostNorm, sublayer.Model, ct)) continue;
            var residuals = WiringAttributes.Find(sublayer.Property, KnownNames.Residual, sublayer.Model, ct).ToList();
            if (residuals.Count == 0) continue;
            var property = sublayer.Property.ReplaceNodes(residuals, (original, _) => BlockWiring.WithNamedArgument(original, "Alpha", alpha));
            edits.Replace(sublayer.Document.Id, sublayer.Property, property);
        }
        return edits.ApplyAsync(ct);
    }
}
