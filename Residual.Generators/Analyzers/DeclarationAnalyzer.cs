using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Residual.Generators.Emitting;
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
    /// The member the problem names, else the attribute it is about, else the class name. A problem on the
    /// constructors (<c>.ctor</c>) is placed on each one the user wrote: its name, or a primary constructor's parameter list.
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
            if (owner is not null && DeclarationReader.FindAttribute(owner, problem.Attribute)?.ApplicationSyntaxReference is { } attributeReference
                && attributeReference.GetSyntax(ct) is AttributeSyntax attributeSyntax)
                return new[] { ArgumentOrAttribute(attributeSyntax, problem.Argument) };
        }
        if (problem.Member.Length > 0 && problem.Member != WellKnownMemberNames.InstanceConstructorName)
        {
            var member = type.GetMembers(problem.Member).FirstOrDefault(m => m.Locations.Any(l => l.IsInSource));
            if (member is not null) return new[] { member.Locations.First(l => l.IsInSource) };
        }
        var attribute = problem.Code switch
        {
            ProblemCodes.ResidualAroundBlock => DeclarationReader.FindAttribute(type, KnownNames.Residual),
            ProblemCodes.InvalidSize => declaring,
            _ => null,
        };
        if (attribute?.ApplicationSyntaxReference is { } reference)
            return new[] { Location.Create(reference.SyntaxTree, reference.Span) };
        return new[] { type.Locations.FirstOrDefault(l => l.IsInSource) ?? Location.None };
    }

    /// <summary>The named argument (or <c>#i</c>, the i-th constructor argument) of the attribute, else the attribute itself.</summary>
    private static Location ArgumentOrAttribute(AttributeSyntax attribute, string argument)
    {
        if (argument.Length > 0 && attribute.ArgumentList is { } list)
        {
            var positional = list.Arguments.Where(a => a.NameEquals is null && a.NameColon is null).ToList();
            foreach (var a in list.Arguments)
            {
                if (a.NameEquals?.Name.Identifier.ValueText == argument || a.NameColon?.Name.Identifier.ValueText == argument)
                    return a.GetLocation();
            }
            if (argument[0] == '#' && int.TryParse(argument.Substring(1), out int index) && index < positional.Count)
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
