using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Residual.Generators.Reading;
using Residual.Generators.Specs;

namespace Residual.Generators.Analyzers;

/// <summary>
/// Reports why a <c>[Block]</c> or <c>[Model]</c> class gets no generated code. It runs the generator's own
/// <see cref="DeclarationReader"/>, so every declaration the generator refuses gets an error here, placed on
/// the member or attribute at fault; the generator itself stays silent.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeclarationAnalyzer : DiagnosticAnalyzer
{
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
        foreach (var attribute in type.GetAttributes())
        {
            var problems = SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, blockAttribute)
                ? DeclarationReader.ReadBlock(type, context.Compilation, context.CancellationToken).Problems
                : SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, modelAttribute)
                    ? DeclarationReader.ReadModel(type, context.Compilation, context.CancellationToken).Problems
                    : default;
            foreach (var problem in problems)
            {
                if (!Descriptors.ById.TryGetValue(problem.Code, out var descriptor)) continue;
                context.ReportDiagnostic(Diagnostic.Create(descriptor, Locate(type, attribute, problem), problem.Message));
            }
        }
    }

    /// <summary>The member the problem names, else the attribute it is about, else the class name.</summary>
    private static Location Locate(INamedTypeSymbol type, AttributeData declaring, SpecProblem problem)
    {
        if (problem.Member.Length > 0)
        {
            var member = type.GetMembers(problem.Member).FirstOrDefault(m => m.Locations.Any(l => l.IsInSource));
            if (member is not null) return member.Locations.First(l => l.IsInSource);
        }
        var attribute = problem.Code switch
        {
            ProblemCodes.ResidualAroundBlock => type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownNames.Residual),
            ProblemCodes.InvalidSize => declaring,
            _ => null,
        };
        if (attribute?.ApplicationSyntaxReference is { } reference)
            return Location.Create(reference.SyntaxTree, reference.Span);
        return type.Locations.FirstOrDefault(l => l.IsInSource) ?? Location.None;
    }
}
