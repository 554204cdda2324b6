using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Residual.Generators.Emitting;
using Residual.Generators.Reading;
using Residual.Generators.Specs;

namespace Residual.Generators;

/// <summary>
/// Writes forward and backward code for every <c>[Block]</c> and <c>[Model]</c> class. A declaration with
/// errors gets no code, only (where its class can be completed) a stub that throws, so that it compiles and the
/// analyzers' RES error is what the build reports.
/// </summary>
/// <remarks>
/// One source output per declaration: an edit to one declaration re-emits only its file (and the files of the models
/// that stack it). The declarations meet in one place only, the list of generated type names that hint names are
/// assigned from; it changes only when a type is added, removed or renamed, and each file then takes just its own hint,
/// so even that does not rewrite a file whose hint stayed the same.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class ResidualGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps (for incrementality tests), in pipeline order.</summary>
    public const string
        ReadBlockStep = "ReadBlock",
        ReadModelStep = "ReadModel",
        WrittenBlocksStep = "WrittenBlocks",
        WrittenModelsStep = "WrittenModels",
        BlockNameStep = "BlockName",
        ModelNameStep = "ModelName",
        BlockNamesStep = "BlockNames",
        ModelNamesStep = "ModelNames",
        AllNamesStep = "AllNames",
        HintTableStep = "HintTable",
        BlockWithHintsStep = "BlockWithHints",
        ModelWithHintsStep = "ModelWithHints",
        BlockFileStep = "BlockFile",
        ModelFileStep = "ModelFile";

    /// <summary>Every tracking name above.</summary>
    public static IReadOnlyList<string> TrackedSteps { get; } =
    [
        ReadBlockStep, ReadModelStep, WrittenBlocksStep, WrittenModelsStep, BlockNameStep, ModelNameStep, BlockNamesStep,
        ModelNamesStep, AllNamesStep, HintTableStep, BlockWithHintsStep, ModelWithHintsStep, BlockFileStep, ModelFileStep,
    ];

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Null for a declaration that is not the type's first [Block] part (see FirstAttributedPart).
        var blocks = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownNames.Block, static (node, _) => node is ClassDeclarationSyntax,
                static (ctx, ct) => FirstAttributedPart(ctx, KnownNames.Block)
                    ? DeclarationReader.ReadBlock((INamedTypeSymbol)ctx.TargetSymbol, ctx.SemanticModel.Compilation, ct)
                    : null)
            .WithTrackingName(ReadBlockStep);
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownNames.Model, static (node, _) => node is ClassDeclarationSyntax,
                static (ctx, ct) => FirstAttributedPart(ctx, KnownNames.Model)
                    ? DeclarationReader.ReadModel((INamedTypeSymbol)ctx.TargetSymbol, ctx.SemanticModel.Compilation, ct)
                    : null)
            .WithTrackingName(ReadModelStep);

        // The declarations that get a file: their code, or (refused, but the generator can complete the class) a stub.
        var writtenBlocks = blocks
            .SelectMany(static (b, _) => b is not null && (b.Problems.Count == 0 || b.Stub is not null) ? ImmutableArray.Create(b) : ImmutableArray<BlockSpec>.Empty)
            .WithTrackingName(WrittenBlocksStep);
        var writtenModels = models
            .SelectMany(static (m, _) => m is not null && (m.Problems.Count == 0 || m.Stub is not null) ? ImmutableArray.Create(m) : ImmutableArray<ModelSpec>.Empty)
            .WithTrackingName(WrittenModelsStep);

        // Only the names meet: two types of the same name in different namespaces need distinct hint names.
        var blockNames = writtenBlocks.Select(static (b, _) => new GeneratedType(b.Namespace, b.Name, b.FullName)).WithTrackingName(BlockNameStep)
            .Collect().WithTrackingName(BlockNamesStep);
        var modelNames = writtenModels.Select(static (m, _) => new GeneratedType(m.Namespace, m.Name, m.FullName)).WithTrackingName(ModelNameStep)
            .Collect().WithTrackingName(ModelNamesStep);
        var hints = blockNames.Combine(modelNames).WithTrackingName(AllNamesStep)
            .Select(static (names, _) => HintTable.Assign(names.Left, names.Right))
            .WithTrackingName(HintTableStep);

        // Each declaration takes only its own hint (and a model its block's), so a new name elsewhere rewrites no file.
        // None for the model side of a class declared both [Block] and [Model]: its one file is the block's.
        var blockFiles = writtenBlocks.Combine(hints).WithTrackingName(BlockWithHintsStep)
            .SelectMany(static (pair, _) => pair.Right.ForBlock(pair.Left.FullName) is { } hint
                ? ImmutableArray.Create(new BlockFile(pair.Left, hint)) : ImmutableArray<BlockFile>.Empty)
            .WithTrackingName(BlockFileStep);
        var modelFiles = writtenModels.Combine(hints).WithTrackingName(ModelWithHintsStep)
            .SelectMany(static (pair, _) => pair.Right.ForModel(pair.Left.FullName) is { } hint
                ? ImmutableArray.Create(new ModelFile(pair.Left, hint, pair.Right.Any(pair.Left.Block.FullName))) : ImmutableArray<ModelFile>.Empty)
            .WithTrackingName(ModelFileStep);

        context.RegisterSourceOutput(blockFiles, static (spc, file) => spc.AddSource(file.Hint,
            file.Spec.Problems.Count == 0 ? BlockEmitter.Emit(file.Spec) : StubEmitter.EmitBlock(file.Spec, file.Spec.Stub!)));
        context.RegisterSourceOutput(modelFiles, static (spc, file) => spc.AddSource(file.Hint,
            // The block's file is named in the model's header when this compilation writes it.
            file.Spec.Problems.Count == 0 ? ModelEmitter.Emit(file.Spec, file.BlockHint) : StubEmitter.EmitModel(file.Spec, file.Spec.Stub!)));
    }

    /// <summary>
    /// Whether the matched declaration is where the type's first <paramref name="attribute"/> is written. The
    /// generator sees one match per declaration carrying the attribute; a partial class that carries it in several
    /// parts (an error the compiler reports) is still read, and written, once.
    /// </summary>
    private static bool FirstAttributedPart(GeneratorAttributeSyntaxContext ctx, string attribute)
    {
        if (ctx.TargetSymbol.DeclaringSyntaxReferences.Length < 2) return true;
        if (DeclarationReader.FindAttribute(ctx.TargetSymbol, attribute)?.ApplicationSyntaxReference is not { } first) return true;
        return first.SyntaxTree == ctx.TargetNode.SyntaxTree && ctx.TargetNode.Span.Contains(first.Span);
    }
}
