using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Residual.Generators.Specs;

namespace Residual.Generators.Reading;

/// <summary>
/// Reads what a stub for a refused declaration must contain. Without a stub, a refused block's partial properties
/// have no implementation (CS9248) and a refused model lacks its base class's members (CS0534): a command-line build
/// then stops at those compiler errors and never runs the analyzers, so the user never sees the RES error that says
/// what is wrong. With the stub the declaration compiles and the RES error is the build's error.
/// </summary>
internal static class Stubs
{
    /// <summary>The stub of a refused block, or null when the class itself cannot be completed (RES0008: not partial, generic, nested…).</summary>
    public static StubSpec? ForBlock(INamedTypeSymbol type, IReadOnlyList<SpecProblem> problems, CancellationToken ct)
    {
        if (!Completable(type, problems)) return null;
        var properties = new List<StubProperty>();
        foreach (var member in type.GetMembers())
        {
            ct.ThrowIfCancellationRequested();
            if (member is IPropertySymbol { IsPartialDefinition: true, IsIndexer: false } property
                && (property.PartialImplementationPart is null || IsGenerated(property.PartialImplementationPart))
                && Read(property, ct) is { } stub)
                properties.Add(stub);
        }
        return new StubSpec(Reason(problems), new EquatableArray<StubProperty>(properties), Constructor: false);
    }

    /// <summary>The stub of a refused model deriving from <c>Transformer&lt;TBlock&gt;</c>, or null when it cannot be completed.</summary>
    public static StubSpec? ForModel(INamedTypeSymbol type, IReadOnlyList<SpecProblem> problems, CancellationToken ct)
    {
        if (!Completable(type, problems)) return null;
        if (type.BaseType is not { OriginalDefinition: { } baseDefinition } || baseDefinition.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) != "global::Residual.Transformer<TBlock>")
            return null;
        // A constructor of the user's with our parameters would clash; a primary constructor must be the one chained to.
        bool primary = type.DeclaringSyntaxReferences.Any(r => r.GetSyntax(ct) is TypeDeclarationSyntax { ParameterList: not null });
        bool clash = type.InstanceConstructors.Any(c => !c.IsImplicitlyDeclared && !IsGenerated(c)
            && c.Parameters.Length == 1 && c.Parameters[0].Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) == "global::Residual.ModelOptions");
        var constants = ModelConstants.Where(name => type.GetMembers(name).All(IsGenerated)).ToArray();
        return new StubSpec(Reason(problems), EquatableArray<StubProperty>.Empty, Constructor: !primary && !clash)
        {
            Constants = new EquatableArray<string>(constants),
        };
    }

    /// <summary>The model's size constants a stub keeps (see <see cref="StubSpec.Constants"/>).</summary>
    private static readonly string[] ModelConstants = { "Vocab", "Context", "Layers", "Width" };

    /// <summary>A stub can complete a top-level, non-generic partial class: exactly what RES0008 refuses otherwise.</summary>
    private static bool Completable(INamedTypeSymbol type, IReadOnlyList<SpecProblem> problems) =>
        !problems.Any(p => p.Code == ProblemCodes.InvalidType) && type.ContainingType is null && !type.IsGenericType
        && type.TypeKind == TypeKind.Class && !type.IsStatic;

    private static string Reason(IReadOnlyList<SpecProblem> problems) =>
        problems.FirstOrDefault(p => p.Code != ProblemCodes.CompilerError) is { } first
            ? $"{first.Code}: {first.Message}"
            : "its Residual attributes have compiler errors (see the build's errors).";

    /// <summary>The property's definition as written, or null for one a stub cannot repeat (an erroneous or file-local type, a ref return).</summary>
    private static StubProperty? Read(IPropertySymbol property, CancellationToken ct)
    {
        if (property.ReturnsByRef || property.ReturnsByRefReadonly || Unrepeatable(property.Type)) return null;
        foreach (var r in property.DeclaringSyntaxReferences)
        {
            if (r.GetSyntax(ct) is not PropertyDeclarationSyntax { AccessorList: { } accessors } declaration) continue;
            string modifiers = string.Join(" ", declaration.Modifiers.Where(m => !m.IsKind(SyntaxKind.PartialKeyword)).Select(m => m.Text));
            var list = accessors.Accessors
                .Select(a => string.Join(" ", a.Modifiers.Select(m => m.Text).Concat(new[] { a.Keyword.Text })))
                .ToList();
            string type = property.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier));
            return new StubProperty(modifiers, type, property.Name, new EquatableArray<string>(list));
        }
        return null;
    }

    private static bool Unrepeatable(ITypeSymbol type)
    {
        switch (type)
        {
            case IErrorTypeSymbol: return true;
            case IArrayTypeSymbol array: return Unrepeatable(array.ElementType);
            case IPointerTypeSymbol pointer: return Unrepeatable(pointer.PointedAtType);
            case INamedTypeSymbol named:
                for (ITypeSymbol? t = named; t is not null; t = t.ContainingType)
                    foreach (var r in t.DeclaringSyntaxReferences)
                        if (r.GetSyntax() is BaseTypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.FileKeyword)) return true;
                return named.TypeArguments.Any(Unrepeatable);
            default: return false;
        }
    }

    private static bool IsGenerated(ISymbol symbol) =>
        symbol.DeclaringSyntaxReferences.Length > 0
        && symbol.DeclaringSyntaxReferences.All(r => r.SyntaxTree.FilePath.EndsWith(Emitting.HintNames.Suffix, System.StringComparison.Ordinal));
}
