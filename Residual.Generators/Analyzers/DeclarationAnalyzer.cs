using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Residual.Generators.Reading;
using Residual.Generators.Specs;

namespace Residual.Generators.Analyzers;

/// <summary>
/// Reports Residual's diagnostics on <c>[Block]</c> and <c>[Model]</c> classes. It runs the generator's own
/// <see cref="DeclarationReader"/>, so every declaration the generator refuses gets an error here, and the reader's
/// warnings (which never stop generation) are reported too; each is placed on the argument, attribute or member at
/// fault. The generator itself stays silent.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeclarationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The <c>.editorconfig</c> key of RES0011's depth threshold (layers; a deeper post-norm stack is warned about).</summary>
    public const string PostNormDepthThresholdKey = "residual.post_norm_depth_threshold";

    /// <summary>RES0011's depth threshold when <see cref="PostNormDepthThresholdKey"/> is not set.</summary>
    public const int DefaultPostNormDepthThreshold = 12;

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = Descriptors.ById.Values.ToImmutableArray();

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var block = start.Compilation.GetTypeByMetadataName(KnownNames.Block);
            var model = start.Compilation.GetTypeByMetadataName(KnownNames.Model);
            if (block is null || model is null) return; // Residual.Runtime is not referenced.
            start.RegisterSymbolAction(c => Analyze(c, block, model), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol blockAttribute, INamedTypeSymbol modelAttribute)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (DeclarationReader.FindAttribute(type, KnownNames.Block) is null)
            ReportSublayersOutsideBlock(context, type);
        // A class with both [Block] and [Model] is read twice; a problem both readers find is reported once.
        var reported = new HashSet<SpecProblem>();
        foreach (var attribute in type.GetAttributes())
        {
            IEnumerable<SpecProblem> problems = Enumerable.Empty<SpecProblem>();
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, blockAttribute))
            {
                var spec = DeclarationReader.ReadBlock(type, context.Compilation, context.CancellationToken);
                problems = spec.Problems.Concat(spec.Warnings);
            }
            else if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, modelAttribute))
            {
                var spec = DeclarationReader.ReadModel(type, context.Compilation, context.CancellationToken);
                problems = spec.Problems.Concat(spec.Warnings);
                if (DeepPostNorm(spec, Threshold(context, type)) is { } deep) problems = problems.Concat(new[] { deep });
            }
            foreach (var problem in problems)
            {
                if (!Descriptors.ById.TryGetValue(problem.Code, out var descriptor) || !reported.Add(problem)) continue;
                foreach (var location in Locate(type, attribute, problem, context.CancellationToken))
                    context.ReportDiagnostic(Diagnostic.Create(descriptor, location, problem.Message));
            }
        }
    }

    /// <summary>
    /// RES0018: <c>[Sublayer]</c> on a property of a class without <c>[Block]</c> (typically a forgotten <c>[Block]</c>):
    /// nothing reads it, and a <c>partial</c> property is left for the compiler to call unimplemented (CS9248).
    /// </summary>
    private static void ReportSublayersOutsideBlock(SymbolAnalysisContext context, INamedTypeSymbol type)
    {
        foreach (var member in type.GetMembers())
        {
            if (member is not IPropertySymbol property || DeclarationReader.FindAttribute(property, KnownNames.Sublayer) is not { ApplicationSyntaxReference: { } reference }) continue;
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.SublayerOutsideBlock, Location.Create(reference.SyntaxTree, reference.Span),
                $"Property '{property.Name}' has [Sublayer], but '{type.Name}' is not a [Block] class, so nothing generates it; add [Block(Width = ...)] to '{type.Name}', or remove the attribute."));
        }
    }

    /// <summary>
    /// RES0011: more layers than the threshold of a block with a post-norm sublayer whose residual is plain
    /// (<c>Scale = Alpha = 1</c>, not learnable). Post-norm puts the norm on the identity path, so the gradient
    /// reaching the early layers shrinks with depth unless warm-up or residual scaling compensates.
    /// </summary>
    private static SpecProblem? DeepPostNorm(ModelSpec model, int threshold)
    {
        if (model.Layers <= threshold) return null;
        var plain = model.Block.Sublayers.Where(s => s.Placement == Placement.Post && s.Residual && !s.LearnableScale && s.Scale == 1.0 && s.Alpha == 1.0).ToList();
        if (plain.Count == 0) return null;
        return new SpecProblem(ProblemCodes.DeepPostNorm, "",
            $"Model '{model.Name}' stacks {model.Layers} layers (more than {threshold}) of block '{model.Block.Name}', whose post-norm sublayers ({string.Join(", ", plain.Select(s => s.Member))}) have plain residuals: " +
            "deep post-norm Transformers train unstably without learning-rate warm-up (Xiong et al. 2020); switch the block to pre-norm, or scale the residuals as DeepNorm does ([Residual(Alpha = ...)], Wang et al. 2022).",
            KnownNames.Model, "Layers");
    }

    /// <summary><see cref="PostNormDepthThresholdKey"/> from the model's file's options (or the global ones), else the default.</summary>
    private static int Threshold(SymbolAnalysisContext context, INamedTypeSymbol type)
    {
        var provider = context.Options.AnalyzerConfigOptionsProvider;
        var tree = type.Locations.FirstOrDefault(l => l.IsInSource)?.SourceTree;
        foreach (var options in new[] { tree is null ? null : provider.GetOptions(tree), provider.GlobalOptions })
            if (options is not null && options.TryGetValue(PostNormDepthThresholdKey, out var text)
                && int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= 0)
                return value;
        return DefaultPostNormDepthThreshold;
    }

    /// <summary>
    /// Where a problem goes: the argument or attribute it names (on the member, or on the type), else the member, else
    /// (for type-level problems) the class name. A problem on the constructors (<c>.ctor</c>) is placed on each one the
    /// user wrote: its name, or a primary constructor's parameter list.
    /// </summary>
    private static IEnumerable<Location> Locate(INamedTypeSymbol type, AttributeData declaring, SpecProblem problem, CancellationToken ct)
    {
        if (problem.Member == WellKnownMemberNames.InstanceConstructorName)
        {
            var constructors = RefusedConstructors(type, declaring, ct).ToList();
            if (constructors.Count > 0) return constructors;
        }
        else if (problem.Attribute.Length > 0)
        {
            ISymbol? owner = problem.Member.Length == 0 ? type : type.GetMembers(problem.Member).FirstOrDefault(m => m.Locations.Any(l => l.IsInSource));
            if (owner is not null && Application(owner, problem.Attribute, problem.Argument)?.ApplicationSyntaxReference is { } reference
                && reference.GetSyntax(ct) is AttributeSyntax syntax)
                return new[] { ArgumentOrAttribute(syntax, problem.Argument) };
        }
        if (problem.Member.Length > 0 && problem.Member != WellKnownMemberNames.InstanceConstructorName)
        {
            var member = type.GetMembers(problem.Member).FirstOrDefault(m => m.Locations.Any(l => l.IsInSource));
            if (member is not null) return new[] { member.Locations.First(l => l.IsInSource) };
        }
        return new[] { type.Locations.FirstOrDefault(l => l.IsInSource) ?? Location.None };
    }

    /// <summary>The attribute application a problem names: the first, or the k-th (0-based) for an argument <c>@k</c>.</summary>
    private static AttributeData? Application(ISymbol owner, string metadataName, string argument)
    {
        int index = argument.StartsWith("@", StringComparison.Ordinal) && int.TryParse(argument.Substring(1), NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) ? k : 0;
        return owner.GetAttributes().Where(a => a.AttributeClass?.ToDisplayString() == metadataName).Skip(index).FirstOrDefault();
    }

    /// <summary>The named argument (or <c>#i</c>, the i-th positional argument) of the attribute, else the attribute itself.</summary>
    private static Location ArgumentOrAttribute(AttributeSyntax attribute, string argument)
    {
        if (argument.Length > 1 && attribute.ArgumentList is { } list)
        {
            foreach (var a in list.Arguments)
                if (a.NameEquals?.Name.Identifier.ValueText == argument || a.NameColon?.Name.Identifier.ValueText == argument)
                    return a.GetLocation();
            var positional = list.Arguments.Where(a => a.NameEquals is null && a.NameColon is null).ToList();
            if (argument[0] == '#' && int.TryParse(argument.Substring(1), NumberStyles.Integer, CultureInfo.InvariantCulture, out int index) && index < positional.Count)
                return positional[index].GetLocation();
        }
        return attribute.GetLocation();
    }

    /// <summary>Where the user declared the constructors the reader refuses (generated and chaining ones are fine).</summary>
    private static IEnumerable<Location> RefusedConstructors(INamedTypeSymbol type, AttributeData declaring, CancellationToken ct)
    {
        bool block = declaring.AttributeClass?.ToDisplayString() == KnownNames.Block;
        foreach (var constructor in type.InstanceConstructors)
        {
            if (!DeclarationReader.IsRefusedConstructor(constructor, block, ct)) continue;
            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                switch (reference.GetSyntax(ct))
                {
                    case ConstructorDeclarationSyntax c: yield return c.Identifier.GetLocation(); break;
                    case TypeDeclarationSyntax { ParameterList: { } parameters }: yield return parameters.GetLocation(); break;
                    case var node: yield return node.GetLocation(); break;
                }
            }
        }
    }
}
