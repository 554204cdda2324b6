using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Residual.CodeFixes.Editing;
using Residual.Generators.Reading;

namespace Residual.CodeFixes.Fixes;

/// <summary>
/// RES0010, a pre-norm stack without a final norm: "Add a final LayerNorm" sets <c>FinalNorm</c> on <c>[Model]</c> to
/// the norm the block's pre-norm sublayers use (so an RMSNorm block gets "Add a final RMSNorm").
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NoFinalNormCodeFix)), Shared]
public sealed class NoFinalNormCodeFix : CodeFixProvider
{
    /// <summary>Equivalence key (the same for either norm, so Fix All gives each model its block's norm).</summary>
    public const string AddFinalNormKey = "RES0010.AddFinalNorm";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(ProblemCodes.NoFinalNorm);

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
                || WiringAttributes.MetadataNameOf(attribute, model, context.CancellationToken) != KnownNames.Model
                || Locate.Enclosing<ClassDeclarationSyntax>(root, attribute.Span) is not { } declaration
                || model.GetDeclaredSymbol(declaration, context.CancellationToken) is not INamedTypeSymbol type)
                continue;
            int kind = BlockDeclarations.BlockOfModel(type) is { } block ? BlockWiring.NormOfBlock(block, KnownNames.PreNorm) : 1;
            var document = context.Document;
            context.RegisterCodeFix(CodeAction.Create($"Add a final {BlockWiring.NormName(kind)}", _ =>
            {
                var current = FinalNormArgument(attribute)?.Expression;
                var fixedAttribute = BlockWiring.WithNamedArgument(attribute, "FinalNorm", BlockWiring.NormValue(current, kind));
                return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(attribute, fixedAttribute)));
            }, AddFinalNormKey), diagnostic);
        }
    }

    private static AttributeArgumentSyntax? FinalNormArgument(AttributeSyntax attribute)
    {
        foreach (var argument in attribute.ArgumentList?.Arguments ?? default)
            if (argument.NameEquals?.Name.Identifier.ValueText == "FinalNorm") return argument;
        return null;
    }
}
