using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Residual.Generators.Emitting;
using Residual.Generators.Reading;
using Residual.Generators.Specs;

namespace Residual.Generators;

/// <summary>
/// Writes forward and backward code for every <c>[Block]</c> and <c>[Model]</c> class. Declarations
/// with problems get no code: the analyzers explain them.
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
        var names = new Dictionary<string, int>();
        foreach (var b in blocks) if (b.Problems.Count == 0) Count(names, b.Name);
        foreach (var m in models) if (m.Problems.Count == 0) Count(names, m.Name);
        var used = new HashSet<string>();

        foreach (var b in blocks)
            if (b.Problems.Count == 0)
                Add(context, used, HintName(names, b.Namespace, b.Name), BlockEmitter.Emit(b));
        foreach (var m in models)
            if (m.Problems.Count == 0)
                Add(context, used, HintName(names, m.Namespace, m.Name), ModelEmitter.Emit(m));
    }

    private static void Count(Dictionary<string, int> names, string name) =>
        names[name] = names.TryGetValue(name, out int n) ? n + 1 : 1;

    private static string HintName(Dictionary<string, int> names, string ns, string name) =>
        (names[name] > 1 && ns.Length > 0 ? ns + "." + name : name) + ".Residual.g.cs";

    private static void Add(SourceProductionContext context, HashSet<string> used, string hint, string text)
    {
        // A partial class declared in several files is reported once per declaration; write it once.
        if (used.Add(hint)) context.AddSource(hint, text);
    }
}
