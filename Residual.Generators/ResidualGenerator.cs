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
/// that stack it). The declarations meet in two places only: the list of generated type names that hint names are
/// assigned from (it changes only when a type is added, removed or renamed, and each file then takes just its own hint,
/// so even that does not rewrite a file whose hint stayed the same), and the list of (width, helpers) pairs that the
/// one shared file of SIMD helpers, <c>Residual.Simd.g.cs</c>, is written from.
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
        ModelFileStep = "ModelFile",
        HelperNamespaceStep = "HelperNamespace",
        FileNamesStep = "FileNames",
        BlockSimdStep = "BlockSimd",
        ModelSimdStep = "ModelSimd",
        BlockSimdUsesStep = "BlockSimdUses",
        ModelSimdUsesStep = "ModelSimdUses",
        AllSimdUsesStep = "AllSimdUses",
        SimdFileStep = "SimdFile";

    /// <summary>Every tracking name above.</summary>
    public static IReadOnlyList<string> TrackedSteps { get; } =
    [
        ReadBlockStep, ReadModelStep, WrittenBlocksStep, WrittenModelsStep, BlockNameStep, ModelNameStep, BlockNamesStep,
        ModelNamesStep, AllNamesStep, HintTableStep, BlockWithHintsStep, ModelWithHintsStep, BlockFileStep, ModelFileStep,
        HelperNamespaceStep, FileNamesStep, BlockSimdStep, ModelSimdStep, BlockSimdUsesStep, ModelSimdUsesStep, AllSimdUsesStep,
        SimdFileStep,
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

        // The shared SIMD helpers live in a namespace of the assembly's own; every file needs its name.
        var helperNamespace = context.CompilationProvider
            .Select(static (c, _) => SharedSimd.Namespace(c.AssemblyName))
            .WithTrackingName(HelperNamespaceStep);
        var fileNames = hints.Combine(helperNamespace).WithTrackingName(FileNamesStep);

        // Each declaration takes only its own hint (and a model its block's), so a new name elsewhere rewrites no file.
        // None for the model side of a class declared both [Block] and [Model]: its one file is the block's.
        var blockFiles = writtenBlocks.Combine(fileNames).WithTrackingName(BlockWithHintsStep)
            .SelectMany(static (pair, _) => pair.Right.Left.ForBlock(pair.Left.FullName) is { } hint
                ? ImmutableArray.Create(new BlockFile(pair.Left, hint, pair.Right.Right)) : ImmutableArray<BlockFile>.Empty)
            .WithTrackingName(BlockFileStep);
        var modelFiles = writtenModels.Combine(fileNames).WithTrackingName(ModelWithHintsStep)
            .SelectMany(static (pair, _) => pair.Right.Left.ForModel(pair.Left.FullName) is { } hint
                ? ImmutableArray.Create(new ModelFile(pair.Left, hint, pair.Right.Left.Any(pair.Left.Block.FullName), pair.Right.Right))
                : ImmutableArray<ModelFile>.Empty)
            .WithTrackingName(ModelFileStep);

        // One shared file of SIMD helpers: each written declaration says which helpers it calls at which width, and only
        // those small values meet (a block's edit that keeps its width and helpers leaves the file as it is).
        var blockSimd = writtenBlocks
            .SelectMany(static (b, _) => SharedSimd.For(b) is { } use ? ImmutableArray.Create(use) : ImmutableArray<SimdUse>.Empty)
            .WithTrackingName(BlockSimdStep)
            .Collect().WithTrackingName(BlockSimdUsesStep);
        var modelSimd = writtenModels
            .SelectMany(static (m, _) => SharedSimd.For(m) is { } use ? ImmutableArray.Create(use) : ImmutableArray<SimdUse>.Empty)
            .WithTrackingName(ModelSimdStep)
            .Collect().WithTrackingName(ModelSimdUsesStep);
        var simdFile = blockSimd.Combine(modelSimd).WithTrackingName(AllSimdUsesStep)
            .Combine(helperNamespace)
            .Select(static (pair, _) => SharedSimd.Plan(pair.Left.Left.Concat(pair.Left.Right), pair.Right))
            .WithTrackingName(SimdFileStep);

        // First: its step reads each block's plan, which the block's emitter then takes (see BlockPlan.Take).
        context.RegisterSourceOutput(simdFile, static (spc, file) =>
        {
            if (file.Classes.Count > 0) spc.AddSource(SharedSimd.Hint, SharedSimd.Emit(file));
        });
        context.RegisterSourceOutput(blockFiles, static (spc, file) => spc.AddSource(file.Hint,
            file.Spec.Problems.Count == 0 ? BlockEmitter.Emit(file.Spec, file.HelperNamespace) : StubEmitter.EmitBlock(file.Spec, file.Spec.Stub!)));
        context.RegisterSourceOutput(modelFiles, static (spc, file) => spc.AddSource(file.Hint,
            // The block's file is named in the model's header when this compilation writes it.
            file.Spec.Problems.Count == 0 ? ModelEmitter.Emit(file.Spec, file.BlockHint, file.HelperNamespace) : StubEmitter.EmitModel(file.Spec, file.Spec.Stub!)));
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
