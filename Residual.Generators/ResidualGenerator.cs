using System;
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
[Generator(LanguageNames.CSharp)]
public sealed class ResidualGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps (for incrementality tests).</summary>
    public const string ReadBlockStep = "ReadBlock", ReadModelStep = "ReadModel";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var blocks = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownNames.Block, static (node, _) => node is ClassDeclarationSyntax,
                static (ctx, ct) => DeclarationReader.ReadBlock((INamedTypeSymbol)ctx.TargetSymbol, ctx.SemanticModel.Compilation, ct))
            .WithTrackingName(ReadBlockStep);
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownNames.Model, static (node, _) => node is ClassDeclarationSyntax,
                static (ctx, ct) => DeclarationReader.ReadModel((INamedTypeSymbol)ctx.TargetSymbol, ctx.SemanticModel.Compilation, ct))
            .WithTrackingName(ReadModelStep);

        // Collected so that two types of the same name in different namespaces get distinct hint names.
        var all = blocks.Collect().Combine(models.Collect());
        context.RegisterSourceOutput(all, static (spc, pair) => Emit(spc, pair.Left, pair.Right));
    }

    private static void Emit(SourceProductionContext context, ImmutableArray<BlockSpec> blocks, ImmutableArray<ModelSpec> models)
    {
        // A refused declaration the generator can complete gets a stub (see StubEmitter), under the same hint name.
        var named = blocks.Where(b => b.Problems.Count == 0 || b.Stub is not null).Select(b => (b.Namespace, b.Name, b.FullName))
            .Concat(models.Where(m => m.Problems.Count == 0 || m.Stub is not null).Select(m => (m.Namespace, m.Name, m.FullName)));
        var hints = HintNames.Assign(named);
        // A partial class declared in several files is reported once per declaration; write it once.
        var written = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        foreach (var b in blocks)
        {
            if (!hints.TryGetValue(b.FullName, out var hint) || !written.Add(hint)) continue;
            if (b.Problems.Count == 0) context.AddSource(hint, BlockEmitter.Emit(b));
            else if (b.Stub is { } stub) context.AddSource(hint, StubEmitter.EmitBlock(b, stub));
        }
        foreach (var m in models)
        {
            if (!hints.TryGetValue(m.FullName, out var hint) || !written.Add(hint)) continue;
            if (m.Problems.Count == 0)
                // The block's file is named in the model's header when this compilation generates it.
                context.AddSource(hint, ModelEmitter.Emit(m, hints.TryGetValue(m.Block.FullName, out var blockHint) ? blockHint : null));
            else if (m.Stub is { } stub) context.AddSource(hint, StubEmitter.EmitModel(m, stub));
        }
    }
}
