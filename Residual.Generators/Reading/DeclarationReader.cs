using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Residual.Generators.Specs;

namespace Residual.Generators.Reading;

/// <summary>
/// Reads <c>[Block]</c> and <c>[Model]</c> declarations into value-equatable specs. Never throws on
/// malformed input: whatever cannot be generated becomes a <see cref="SpecProblem"/>.
/// </summary>
internal static class DeclarationReader
{
    public static BlockSpec ReadBlock(INamedTypeSymbol type, Compilation compilation, CancellationToken ct)
    {
        var problems = new List<SpecProblem>();
        CheckType(type, "block", problems, ct);

        int width = 0;
        var blockAttr = FindAttribute(type, KnownNames.Block);
        if (blockAttr is not null) width = NamedInt(blockAttr, "Width");
        if (width <= 0) problems.Add(new SpecProblem(ProblemCodes.InvalidSize, "", $"Block '{type.Name}' needs a positive Width (got {width})."));
        if (FindAttribute(type, KnownNames.Residual) is not null)
            problems.Add(new SpecProblem(ProblemCodes.ResidualAroundBlock, "", $"[Residual] on block '{type.Name}' wraps the whole block; put it on each sublayer."));

        var attention = compilation.GetTypeByMetadataName(KnownNames.AttentionType);
        var feedForward = compilation.GetTypeByMetadataName(KnownNames.FeedForwardType);
        var sublayerBase = compilation.GetTypeByMetadataName(KnownNames.SublayerBase);

        var sublayers = new List<SublayerSpec>();
        var kindCounts = new Dictionary<SublayerKind, int>();
        foreach (var member in type.GetMembers())
        {
            ct.ThrowIfCancellationRequested();
            if (member is not IPropertySymbol property) continue;
            var sublayerAttr = FindAttribute(property, KnownNames.Sublayer);
            if (sublayerAttr is null) continue;
            var spec = ReadSublayer(property, sublayerAttr, width, attention, feedForward, sublayerBase, kindCounts, problems, ct);
            if (spec is not null) sublayers.Add(spec);
        }
        if (sublayers.Count == 0 && problems.Count == 0)
            problems.Add(new SpecProblem(ProblemCodes.EmptyBlock, "", $"Block '{type.Name}' declares no [Sublayer] properties."));

        return new BlockSpec(
            NamespaceOf(type), type.Name, type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), width,
            new EquatableArray<SublayerSpec>(sublayers), new EquatableArray<SpecProblem>(problems));
    }

    public static ModelSpec ReadModel(INamedTypeSymbol type, Compilation compilation, CancellationToken ct)
    {
        var problems = new List<SpecProblem>();
        CheckType(type, "model", problems, ct);
        var attr = FindAttribute(type, KnownNames.Model);
        int vocab = attr is null ? 0 : NamedInt(attr, "Vocab");
        int context = attr is null ? 0 : NamedInt(attr, "Context");
        int layers = attr is null ? 0 : NamedInt(attr, "Layers");
        int finalNorm = attr is null ? 1 : NamedInt(attr, "FinalNorm", 1);
        if (vocab <= 0) problems.Add(new SpecProblem(ProblemCodes.InvalidSize, "", $"Model '{type.Name}' needs a positive Vocab (got {vocab})."));
        if (context <= 0) problems.Add(new SpecProblem(ProblemCodes.InvalidSize, "", $"Model '{type.Name}' needs a positive Context (got {context})."));
        if (layers <= 0) problems.Add(new SpecProblem(ProblemCodes.InvalidSize, "", $"Model '{type.Name}' needs a positive number of Layers (got {layers})."));
        if (finalNorm is < 0 or > 2) problems.Add(new SpecProblem(ProblemCodes.InvalidSize, "", $"Model '{type.Name}' has an unknown FinalNorm ({finalNorm})."));

        var transformer = compilation.GetTypeByMetadataName(KnownNames.Transformer);
        BlockSpec? block = null;
        if (type.BaseType is { } baseType && transformer is not null && SymbolEqualityComparer.Default.Equals(baseType.OriginalDefinition, transformer)
            && baseType.TypeArguments[0] is INamedTypeSymbol blockType && FindAttribute(blockType, KnownNames.Block) is not null)
        {
            block = ReadBlock(blockType, compilation, ct);
            if (block.Problems.Count > 0)
                problems.Add(new SpecProblem(ProblemCodes.EmptyBlock, "", $"Model '{type.Name}' stacks block '{blockType.Name}', which has errors."));
        }
        else
        {
            problems.Add(new SpecProblem(ProblemCodes.EmptyBlock, "", $"Model '{type.Name}' must derive from Transformer<TBlock> where TBlock is a [Block] class."));
        }

        block ??= new BlockSpec("", "", "", 0, EquatableArray<SublayerSpec>.Empty, EquatableArray<SpecProblem>.Empty);
        return new ModelSpec(
            NamespaceOf(type), type.Name, type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            vocab, context, layers, (NormKind)Math.Max(0, Math.Min(2, finalNorm)), block, new EquatableArray<SpecProblem>(problems));
    }

    private static SublayerSpec? ReadSublayer(
        IPropertySymbol property, AttributeData sublayerAttr, int width,
        INamedTypeSymbol? attention, INamedTypeSymbol? feedForward, INamedTypeSymbol? sublayerBase,
        Dictionary<SublayerKind, int> kindCounts, List<SpecProblem> problems, CancellationToken ct)
    {
        string name = property.Name;
        int before = problems.Count;
        void Problem(string code, string message) => problems.Add(new SpecProblem(code, name, message));

        if (!property.IsPartialDefinition || property.PartialImplementationPart is not null || property.IsStatic || property.SetMethod is not null || property.IsIndexer
            || property.IsVirtual || property.IsOverride || property.IsAbstract || property.IsSealed)
            Problem(ProblemCodes.InvalidMember, $"Sublayer '{name}' must be declared as a non-virtual 'partial' instance property with only a getter, for example 'public partial Attention {name} {{ get; }}'.");

        var sublayerType = sublayerAttr.ConstructorArguments.Length == 1 ? sublayerAttr.ConstructorArguments[0].Value as INamedTypeSymbol : null;
        SublayerKind kind = SublayerKind.Custom;
        if (sublayerType is null || sublayerType.TypeKind == TypeKind.Error)
        {
            Problem(ProblemCodes.NotASublayer, $"[Sublayer] on '{name}' needs a type: [Sublayer(typeof(Attention))].");
        }
        else if (SymbolEqualityComparer.Default.Equals(sublayerType, attention)) kind = SublayerKind.Attention;
        else if (SymbolEqualityComparer.Default.Equals(sublayerType, feedForward)) kind = SublayerKind.FeedForward;
        else if (!DerivesFrom(sublayerType, sublayerBase) || sublayerType.IsAbstract || sublayerType.IsGenericType
                 || !sublayerType.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal))
        {
            Problem(ProblemCodes.NotASublayer, $"'{sublayerType.Name}' in [Sublayer] on '{name}' is not a sublayer: it must be a non-abstract, non-generic class deriving from Residual.Sublayer with a parameterless constructor.");
        }
        if (sublayerType is not null && sublayerType.TypeKind != TypeKind.Error && !IsAssignable(sublayerType, property.Type))
            Problem(ProblemCodes.InvalidMember, $"Property '{name}' has type '{property.Type.Name}', but [Sublayer] names '{sublayerType.Name}'; declare it as '{sublayerType.Name}'.");

        int heads = NamedInt(sublayerAttr, "Heads");
        int hidden = NamedInt(sublayerAttr, "Hidden");
        int activation = NamedInt(sublayerAttr, "Activation");
        if (kind == SublayerKind.Attention && (heads <= 0 || (width > 0 && width % heads != 0)))
            Problem(ProblemCodes.InvalidSize, $"Attention '{name}' needs Heads that divide the width {width} (got {heads}).");
        if (kind == SublayerKind.FeedForward)
        {
            if (hidden == 0) hidden = 4 * width;
            if (hidden <= 0) Problem(ProblemCodes.InvalidSize, $"FeedForward '{name}' needs a positive Hidden size (got {hidden}).");
            if (activation is < 0 or > 1) Problem(ProblemCodes.InvalidSize, $"FeedForward '{name}' has an unknown Activation ({activation}).");
        }

        var residualAttr = FindAttribute(property, KnownNames.Residual);
        var plainAttr = FindAttribute(property, KnownNames.Plain);
        var preAttr = FindAttribute(property, KnownNames.PreNorm);
        var postAttr = FindAttribute(property, KnownNames.PostNorm);
        if (residualAttr is null && plainAttr is null)
            Problem(ProblemCodes.MissingResidual, $"Sublayer '{name}' has no [Residual]; add it, or mark the sublayer [Plain] if having no identity path is deliberate.");
        if (residualAttr is not null && plainAttr is not null)
            Problem(ProblemCodes.MissingResidual, $"Sublayer '{name}' is both [Residual] and [Plain]; keep one.");
        if (preAttr is not null && postAttr is not null)
            Problem(ProblemCodes.PreAndPostNorm, $"Sublayer '{name}' has both [PreNorm] and [PostNorm]; keep one.");

        var placement = preAttr is not null ? Placement.Pre : postAttr is not null ? Placement.Post : Placement.None;
        var normAttr = preAttr ?? postAttr;
        int norm = normAttr is null ? 0 : CtorInt(normAttr, 1);
        if (normAttr is not null && norm is not (1 or 2))
            Problem(ProblemCodes.InvalidSize, $"The norm on '{name}' must be Norm.LayerNorm or Norm.RMSNorm (got {norm}).");

        double scale = residualAttr is null ? 1.0 : NamedDouble(residualAttr, "Scale", 1.0);
        double alpha = residualAttr is null ? 1.0 : NamedDouble(residualAttr, "Alpha", 1.0);
        bool learnable = residualAttr is not null && NamedBool(residualAttr, "Learnable");
        if (double.IsNaN(scale) || double.IsInfinity(scale) || double.IsNaN(alpha) || double.IsInfinity(alpha))
            Problem(ProblemCodes.InvalidSize, $"The residual on '{name}' needs finite Scale and Alpha.");

        if (problems.Count > before || sublayerType is null) return null;

        kindCounts.TryGetValue(kind, out int seen);
        kindCounts[kind] = seen + 1;
        string prefix = kind switch
        {
            SublayerKind.Attention => seen == 0 ? "attn" : $"attn{seen + 1}",
            SublayerKind.FeedForward => seen == 0 ? "mlp" : $"mlp{seen + 1}",
            _ => SnakeCase(name),
        };

        return new SublayerSpec(
            name,
            AccessibilityText(property.DeclaredAccessibility),
            // Keep a '?' the user wrote: the implementing declaration must match the definition's nullability.
            property.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier)),
            sublayerType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            kind, placement, (NormKind)(placement == Placement.None ? 0 : norm),
            residualAttr is not null, scale, learnable, alpha,
            kind == SublayerKind.Attention ? heads : 0,
            kind == SublayerKind.FeedForward ? hidden : 0,
            (ActivationKind)(kind == SublayerKind.FeedForward ? activation : 0),
            prefix, DeclarationText(property, ct));
    }

    private static void CheckType(INamedTypeSymbol type, string what, List<SpecProblem> problems, CancellationToken ct)
    {
        bool partial = type.DeclaringSyntaxReferences.All(r => r.GetSyntax(ct) is TypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.PartialKeyword));
        if (!partial) problems.Add(new SpecProblem(ProblemCodes.InvalidType, "", $"The {what} class '{type.Name}' must be declared 'partial'."));
        if (type.IsGenericType) problems.Add(new SpecProblem(ProblemCodes.InvalidType, "", $"The {what} class '{type.Name}' cannot be generic."));
        if (type.ContainingType is not null) problems.Add(new SpecProblem(ProblemCodes.InvalidType, "", $"The {what} class '{type.Name}' must be a top-level type."));
        if (type.IsStatic || type.IsAbstract || type.TypeKind != TypeKind.Class) problems.Add(new SpecProblem(ProblemCodes.InvalidType, "", $"The {what} '{type.Name}' must be a non-static, non-abstract class."));
    }

    private static AttributeData? FindAttribute(ISymbol symbol, string metadataName)
    {
        foreach (var a in symbol.GetAttributes())
            if (a.AttributeClass is { } c && c.ToDisplayString() == metadataName) return a;
        return null;
    }

    private static bool DerivesFrom(INamedTypeSymbol type, INamedTypeSymbol? baseType)
    {
        if (baseType is null) return false;
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (SymbolEqualityComparer.Default.Equals(t, baseType)) return true;
        return false;
    }

    private static bool IsAssignable(INamedTypeSymbol from, ITypeSymbol to)
    {
        for (ITypeSymbol? t = from; t is not null; t = t.BaseType)
            if (SymbolEqualityComparer.Default.Equals(t, to)) return true;
        return false;
    }

    private static int NamedInt(AttributeData a, string name, int fallback = 0)
    {
        foreach (var kv in a.NamedArguments)
            if (kv.Key == name && kv.Value.Value is { } v)
                return v is int i ? i : Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture);
        return fallback;
    }

    private static double NamedDouble(AttributeData a, string name, double fallback)
    {
        foreach (var kv in a.NamedArguments)
            if (kv.Key == name && kv.Value.Value is { } v)
                return Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture);
        return fallback;
    }

    private static bool NamedBool(AttributeData a, string name)
    {
        foreach (var kv in a.NamedArguments)
            if (kv.Key == name && kv.Value.Value is bool b) return b;
        return false;
    }

    private static int CtorInt(AttributeData a, int fallback) =>
        a.ConstructorArguments.Length > 0 && a.ConstructorArguments[0].Value is int i ? i : fallback;

    private static string NamespaceOf(INamedTypeSymbol type) =>
        type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : "";

    private static string AccessibilityText(Accessibility a) => a switch
    {
        Accessibility.Public => "public",
        Accessibility.Internal => "internal",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };

    private static string SnakeCase(string name) =>
        Regex.Replace(name, "(?<=[a-z0-9])([A-Z])", "_$1").ToLowerInvariant();

    /// <summary>The property's Residual attributes as written, whitespace collapsed, for the generated comments.</summary>
    private static string DeclarationText(IPropertySymbol property, CancellationToken ct)
    {
        var parts = new List<string>();
        foreach (var a in property.GetAttributes())
        {
            if (a.AttributeClass?.ContainingNamespace?.ToDisplayString() != "Residual") continue;
            if (a.ApplicationSyntaxReference?.GetSyntax(ct) is AttributeSyntax syntax)
                parts.Add("[" + Regex.Replace(syntax.ToString(), @"\s+", " ") + "]");
        }
        return string.Join(" ", parts);
    }
}
