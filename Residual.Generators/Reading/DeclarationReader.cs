using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Residual.Generators.Emitting;
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
        // A block from a referenced assembly was generated there: its properties are no longer partial
        // definitions and its generated members are part of it. Read only what a model needs.
        bool inSource = type.Locations.Any(l => l.IsInSource);
        var problems = new List<SpecProblem>();
        CheckType(type, "block", problems, ct);
        if (inSource)
        {
            CheckConstructors(type, "block", problems, ct);
            // Inherited members could be hidden by generated ones, and the generated constructors call base().
            if (type.BaseType is { } baseType && baseType.SpecialType != SpecialType.System_Object)
                problems.Add(new SpecProblem(ProblemCodes.InvalidType, "", $"The block class '{type.Name}' must derive from object, not '{baseType.Name}': inherited members and base constructors break the generated code."));
        }
        var broken = CheckAttributes(type, problems, "", ct);

        int width = 0;
        var blockAttr = FindAttribute(type, KnownNames.Block);
        if (blockAttr is not null) width = NamedInt(blockAttr, "Width");
        if (width <= 0 && !broken.Contains(KnownNames.Block)) problems.Add(new SpecProblem(ProblemCodes.InvalidSize, "", $"Block '{type.Name}' needs a positive Width (got {width}).", KnownNames.Block, "Width"));
        var warnings = new List<SpecProblem>();
        var blockResidual = ReadBlockResidual(type, inSource, broken, problems, warnings);


        var sublayers = new List<SublayerSpec>();
        var kindCounts = new Dictionary<SublayerKind, int>();
        var placements = new List<(string Member, Placement Placement)>();
        foreach (var member in type.GetMembers())
        {
            ct.ThrowIfCancellationRequested();
            if (member is not IPropertySymbol property) continue;
            var sublayerAttr = FindAttribute(property, KnownNames.Sublayer);
            if (sublayerAttr is null)
            {
                if (inSource) CheckWiringWithoutSublayer(property, problems);
                continue;
            }
            var spec = ReadSublayer(property, sublayerAttr, width, inSource, compilation, kindCounts, problems, warnings, ct);
            if (spec is not null) sublayers.Add(spec);
            bool pre = FindAttribute(property, KnownNames.PreNorm) is not null, post = FindAttribute(property, KnownNames.PostNorm) is not null;
            if (pre != post) placements.Add((property.Name, pre ? Placement.Pre : Placement.Post));
        }
        AssignCustomPrefixes(sublayers, blockResidual);
        if (inSource) CheckMixedPlacement(type.Name, placements, warnings);

        bool constantCount = !sublayers.Any(s => s.Kind == SublayerKind.Custom);
        long parameterFloats = 0;
        if (inSource)
        {
            if (sublayers.Count == 0 && problems.Count == 0)
                problems.Add(new SpecProblem(ProblemCodes.EmptyBlock, "", $"Block '{type.Name}' declares no [Sublayer] properties."));
            if (problems.Count == 0) parameterFloats = CheckSizes(type.Name, width, sublayers, blockResidual, problems);
        }
        else
        {
            // Private sublayers of a referenced block are not visible: take the generated ParameterCount as it is.
            if (type.GetMembers("ParameterCount").FirstOrDefault() is not IFieldSymbol count)
                problems.Add(new SpecProblem(ProblemCodes.InvalidType, "", $"Block '{type.Name}' from assembly '{type.ContainingAssembly?.Name}' was not generated there (it has no ParameterCount)."));
            else
            {
                constantCount = count.IsConst;
                parameterFloats = count.IsConst && count.ConstantValue is int n ? n : SumParameterFloats(width, sublayers, null);
            }
        }

        var block = new BlockSpec(
            NamespaceOf(type), type.Name, type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), width, constantCount, parameterFloats,
            new EquatableArray<SublayerSpec>(sublayers), new EquatableArray<SpecProblem>(problems))
        {
            Residual = blockResidual,
            Warnings = new EquatableArray<SpecProblem>(warnings),
        };
        if (inSource && problems.Count == 0)
        {
            var (generated, duplicates) = BlockNamesCache.ForBlock(block);
            CheckNames(type, "block", generated, problems);
            foreach (var (member, name) in duplicates.Distinct())
                problems.Add(new SpecProblem(ProblemCodes.InvalidMember, member, $"Sublayer '{member}' makes the generator declare '{name}', a name it already gives to another member of '{type.Name}'; rename the property."));
        }
        if (problems.Count == 0) return block;
        return block with
        {
            Problems = new EquatableArray<SpecProblem>(problems),
            Stub = inSource ? Stubs.ForBlock(type, problems, ct) : null,
        };
    }

    /// <summary>
    /// RES0004: pre- and post-norm sublayers in one block. The warning goes on the attributes of the minority
    /// placement (on the post-norms when there are as many of each), which is what a fix would change.
    /// </summary>
    private static void CheckMixedPlacement(string block, List<(string Member, Placement Placement)> placements, List<SpecProblem> warnings)
    {
        int pre = placements.Count(p => p.Placement == Placement.Pre), post = placements.Count - pre;
        if (pre == 0 || post == 0) return;
        var minority = post <= pre ? Placement.Post : Placement.Pre;
        string Name(Placement p) => p == Placement.Pre ? "pre-norm" : "post-norm";
        var other = minority == Placement.Pre ? Placement.Post : Placement.Pre;
        foreach (var (member, placement) in placements)
            if (placement == minority)
                warnings.Add(new SpecProblem(ProblemCodes.MixedPlacement, member,
                    $"Sublayer '{member}' is {Name(minority)} while block '{block}' is otherwise {Name(other)} ({pre} pre-norm, {post} post-norm); use one placement for every sublayer, or suppress RES0004 if mixing them is the experiment.",
                    minority == Placement.Pre ? KnownNames.PreNorm : KnownNames.PostNorm));
    }

    /// <summary>
    /// <c>[Residual]</c> on the block class: one residual around the whole block, <c>y = α·x + s·Block(x)</c>. Generated
    /// as declared, but RES0001 warns, since the residual usually belongs on each sublayer; a deliberate one suppresses it.
    /// </summary>
    private static BlockResidualSpec? ReadBlockResidual(INamedTypeSymbol type, bool inSource, HashSet<string> broken, List<SpecProblem> problems, List<SpecProblem> warnings)
    {
        var attr = FindAttribute(type, KnownNames.Residual);
        if (attr is null || broken.Contains(KnownNames.Residual)) return null;
        double scale = NamedDouble(attr, "Scale", 1.0), alpha = NamedDouble(attr, "Alpha", 1.0);
        bool learnable = NamedBool(attr, "Learnable");
        // A block from a referenced assembly was checked (and warned about) where it was compiled.
        if (!inSource) return new BlockResidualSpec(scale, learnable, alpha);
        warnings.Add(new SpecProblem(ProblemCodes.ResidualAroundBlock, "",
            $"[Residual] on block '{type.Name}' wraps the whole block (y = x + {type.Name}(x)), not each sublayer; move it onto each sublayer, or suppress RES0001 if one residual around the block is deliberate.",
            KnownNames.Residual));
        CheckResidualScales(type.Name, "", attr, scale, alpha, learnable, problems, warnings);
        return new BlockResidualSpec(scale, learnable, alpha);
    }

    /// <summary>The generated code computes in float: a Scale or Alpha beyond float range would become infinity there.</summary>
    /// <remarks>
    /// RES0017 warns about a scale that cuts a path: a fixed <c>Scale = 0</c> makes the branch contribute nothing and
    /// receive no gradient (it never trains); <c>Alpha = 0</c> removes the identity path, the residual's point.
    /// </remarks>
    private static void CheckResidualScales(string owner, string member, AttributeData attr, double scale, double alpha, bool learnable, List<SpecProblem> problems, List<SpecProblem> warnings)
    {
        foreach (var (name, value) in new[] { ("Scale", scale), ("Alpha", alpha) })
            if (!IsFiniteFloat(value))
                problems.Add(new SpecProblem(ProblemCodes.InvalidSize, member,
                    $"The residual on '{owner}' needs a {name} that is finite as a float (|{name}| ≤ {float.MaxValue.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}); got {name} = {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}.",
                    KnownNames.Residual, name));
        if (scale == 0 && !learnable && HasNamed(attr, "Scale"))
            warnings.Add(new SpecProblem(ProblemCodes.DisconnectedPath, member,
                $"The residual on '{owner}' has a fixed Scale = 0: the branch adds nothing and gets no gradient, so it never trains; add Learnable = true (ReZero) or use another scale.",
                KnownNames.Residual, "Scale"));
        if (alpha == 0 && HasNamed(attr, "Alpha"))
            warnings.Add(new SpecProblem(ProblemCodes.DisconnectedPath, member,
                $"The residual on '{owner}' has Alpha = 0, which removes its identity path; declare the sublayer [Plain] if that is the intent, or use a positive Alpha.",
                KnownNames.Residual, "Alpha"));
    }

    private static bool HasNamed(AttributeData a, string name)
    {
        foreach (var kv in a.NamedArguments)
            if (kv.Key == name) return true;
        return false;
    }

    public static ModelSpec ReadModel(INamedTypeSymbol type, Compilation compilation, CancellationToken ct)
    {
        var problems = new List<SpecProblem>();
        CheckType(type, "model", problems, ct);
        CheckConstructors(type, "model", problems, ct);
        var broken = CheckAttributes(type, problems, "", ct);
        var attr = FindAttribute(type, KnownNames.Model);
        int vocab = attr is null ? 0 : NamedInt(attr, "Vocab");
        int context = attr is null ? 0 : NamedInt(attr, "Context");
        int layers = attr is null ? 0 : NamedInt(attr, "Layers");
        int finalNorm = attr is null ? 1 : NamedInt(attr, "FinalNorm", 1);
        bool checkSizes = !broken.Contains(KnownNames.Model);
        if (checkSizes && vocab <= 0) problems.Add(new SpecProblem(ProblemCodes.InvalidSize, "", $"Model '{type.Name}' needs a positive Vocab (got {vocab}).", KnownNames.Model, "Vocab"));
        if (checkSizes && context <= 0) problems.Add(new SpecProblem(ProblemCodes.InvalidSize, "", $"Model '{type.Name}' needs a positive Context (got {context}).", KnownNames.Model, "Context"));
        if (checkSizes && layers <= 0) problems.Add(new SpecProblem(ProblemCodes.InvalidSize, "", $"Model '{type.Name}' needs a positive number of Layers (got {layers}).", KnownNames.Model, "Layers"));
        if (checkSizes && finalNorm is < 0 or > 2) problems.Add(new SpecProblem(ProblemCodes.InvalidSize, "", $"Model '{type.Name}' has an unknown FinalNorm ({finalNorm}).", KnownNames.Model, "FinalNorm"));
        if (FindAttribute(type, KnownNames.Residual) is not null)
            problems.Add(new SpecProblem(ProblemCodes.ResidualAroundModel, "", $"[Residual] on model '{type.Name}' would wrap the whole stack, which is not generated; put it on each sublayer of the block (or on the block class for one residual around each block).", KnownNames.Residual));

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

        block ??= new BlockSpec("", "", "", 0, true, 0, EquatableArray<SublayerSpec>.Empty, EquatableArray<SpecProblem>.Empty);
        if (problems.Count == 0)
        {
            // Offsets are int constants: the embeddings, every layer and the final norm must fit.
            long c = block.Width;
            long total = Sizes.Add(Sizes.Add(Sizes.Mul(vocab, c), Sizes.Mul(context, c)), Sizes.Add(Sizes.Mul(layers, block.ParameterFloats), 2 * c));
            if (total > int.MaxValue)
                problems.Add(new SpecProblem(ProblemCodes.InvalidSize, "", $"Model '{type.Name}' has {total} parameters (Vocab·Width + Context·Width + Layers·{block.ParameterFloats} + final norm), more than an arena holds ({int.MaxValue}).", KnownNames.Model));
            CheckNames(type, "model", GeneratedNames.ForModel(), problems);
        }
        var warnings = new List<SpecProblem>();
        // RES0010: a stream that no norm closes reaches the head as it is. A post-norm last sublayer closes it
        // (unless a block-wide residual adds x back after it); a pre-norm stack needs ln_f.
        bool closedByBlock = block.Sublayers.Count > 0 && block.Sublayers[block.Sublayers.Count - 1].Placement == Placement.Post && block.Residual is null;
        if (finalNorm == 0 && checkSizes && block.Sublayers.Any(s => s.Placement == Placement.Pre) && !closedByBlock)
            warnings.Add(new SpecProblem(ProblemCodes.NoFinalNorm, "",
                $"Model '{type.Name}' has no final norm (FinalNorm = Norm.None), but its block '{block.Name}' is pre-norm: the residual stream reaches the head unnormalised; set FinalNorm = Norm.LayerNorm (or Norm.RMSNorm).",
                KnownNames.Model, "FinalNorm"));
        return new ModelSpec(
            NamespaceOf(type), type.Name, type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            vocab, context, layers, (NormKind)Math.Max(0, Math.Min(2, finalNorm)), block, new EquatableArray<SpecProblem>(problems))
        {
            Warnings = new EquatableArray<SpecProblem>(warnings),
            Stub = problems.Count > 0 ? Stubs.ForModel(type, problems, ct) : null,
        };
    }

    private static SublayerSpec? ReadSublayer(
        IPropertySymbol property, AttributeData sublayerAttr, int width, bool inSource,
        Compilation compilation,
        Dictionary<SublayerKind, int> kindCounts, List<SpecProblem> problems, List<SpecProblem> warnings, CancellationToken ct)
    {
        string name = property.Name;
        int before = problems.Count;
        void Problem(string code, string message, string attribute = "", string argument = "") => problems.Add(new SpecProblem(code, name, message, attribute, argument));

        var broken = CheckAttributes(property, problems, name, ct);
        // The values of an attribute with errors are whatever the compiler recovered: not checked (the compiler explains).
        bool sublayerValues = !broken.Contains(KnownNames.Sublayer);
        // Partial-ness only means something in source; a referenced block's properties were implemented there.
        // Analyzers see the compilation with the generated source added: that implementation part is ours, not the user's.
        bool partial = !inSource || (property.IsPartialDefinition && (property.PartialImplementationPart is null || IsGenerated(property.PartialImplementationPart)));
        var sublayerType = sublayerAttr.ConstructorArguments.Length == 1 ? sublayerAttr.ConstructorArguments[0].Value as INamedTypeSymbol : null;
        if (!partial || property.IsStatic || property.SetMethod is not null || property.IsIndexer
            || property.IsVirtual || property.IsOverride || property.IsAbstract || property.IsSealed)
            Problem(ProblemCodes.InvalidMember, $"Sublayer '{name}' must be declared as a non-virtual 'partial' instance property with only a getter, for example 'public partial {(sublayerType ?? property.Type).Name} {name} {{ get; }}'.");

        SublayerKind kind = SublayerKind.Custom;
        if (!sublayerValues) { }
        else if (sublayerType is null || sublayerType.TypeKind == TypeKind.Error)
        {
            Problem(ProblemCodes.NotASublayer, $"[Sublayer] on '{name}' needs a type: [Sublayer(typeof(Attention))].", KnownNames.Sublayer, "#0");
        }
        else if (IsFileLocal(sublayerType))
            Problem(ProblemCodes.NotASublayer, $"'{sublayerType.Name}' in [Sublayer] on '{name}' is a file-local type, which the generated file cannot see; declare it without 'file'.", KnownNames.Sublayer, "#0");
        else if (FindAttribute(sublayerType, KnownNames.Block) is not null)
        {
            // A block inside a block: not generated. [Residual] on it is the whole-block residual mistake (RES0001).
            Problem(ProblemCodes.NotASublayer, $"'{sublayerType.Name}' in [Sublayer] on '{name}' is a [Block], and blocks do not nest; declare its sublayers in this block instead.", KnownNames.Sublayer, "#0");
            if (FindAttribute(property, KnownNames.Residual) is not null)
                warnings.Add(new SpecProblem(ProblemCodes.ResidualAroundBlock, name,
                    $"[Residual] on '{name}' wraps the whole block '{sublayerType.Name}', not each of its sublayers; move it onto each sublayer.", KnownNames.Residual));
        }
        else if (IsKnownType(sublayerType, KnownNames.AttentionType, compilation)) kind = SublayerKind.Attention;
        else if (IsKnownType(sublayerType, KnownNames.FeedForwardType, compilation)) kind = SublayerKind.FeedForward;
        else if (!DerivesFrom(sublayerType, KnownNames.SublayerBase, compilation) || sublayerType.IsAbstract || sublayerType.IsGenericType
                 || !sublayerType.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal))
        {
            Problem(ProblemCodes.NotASublayer, $"'{sublayerType.Name}' in [Sublayer] on '{name}' is not a sublayer: it must be a non-abstract, non-generic class deriving from Residual.Sublayer with a parameterless constructor.", KnownNames.Sublayer, "#0");
        }
        else if (RequiredMembers(sublayerType) is { Count: > 0 } required
                 && !sublayerType.InstanceConstructors.Any(c => c.Parameters.Length == 0 && FindAttribute(c, KnownNames.SetsRequiredMembers) is not null))
        {
            // The generated 'new T()' sets nothing: CS9035 in generated code.
            Problem(ProblemCodes.NotASublayer, $"'{sublayerType.Name}' in [Sublayer] on '{name}' has required members ({string.Join(", ", required)}) that the generated 'new {sublayerType.Name}()' cannot set; drop 'required', or mark the parameterless constructor [SetsRequiredMembers] and set them there.", KnownNames.Sublayer, "#0");
        }
        else if (FindAttribute(sublayerType, KnownNames.OutputWidth, inherited: true) is { } outputWidth
                 && CtorInt(outputWidth, width) is int output && output != width && width > 0)
        {
            Problem(ProblemCodes.WidthMismatch, $"Sublayer '{name}' outputs {output} floats per token ([OutputWidth({output})] on '{sublayerType.Name}'), but the residual stream of the block is {width} wide, so x + F(x) is impossible; use a sublayer of output width {width}, or make the block {output} wide.", KnownNames.Sublayer, "#0");
        }
        if (sublayerValues && sublayerType is not null && sublayerType.TypeKind != TypeKind.Error && !IsAssignable(sublayerType, property.Type))
            Problem(ProblemCodes.InvalidMember, $"Property '{name}' has type '{property.Type.Name}', but [Sublayer] names '{sublayerType.Name}'; declare it as '{sublayerType.Name}'.");

        int heads = NamedInt(sublayerAttr, "Heads");
        int hidden = NamedInt(sublayerAttr, "Hidden");
        int activation = NamedInt(sublayerAttr, "Activation");
        if (sublayerValues && kind == SublayerKind.Attention && (heads <= 0 || (width > 0 && width % heads != 0)))
            Problem(ProblemCodes.InvalidSize, $"Attention '{name}' needs Heads that divide the width {width} (got {heads}).", KnownNames.Sublayer, "Heads");
        if (sublayerValues && kind == SublayerKind.FeedForward)
        {
            bool defaulted = hidden == 0;
            if (defaulted) hidden = 4L * width > int.MaxValue ? -1 : 4 * width;
            // A default derived from an invalid width is already reported on the width.
            if (hidden <= 0 && !(defaulted && width <= 0)) Problem(ProblemCodes.InvalidSize, $"FeedForward '{name}' needs a positive Hidden size (got {hidden}).", KnownNames.Sublayer, defaulted ? "" : "Hidden");
            if (activation is < 0 or > 1) Problem(ProblemCodes.InvalidSize, $"FeedForward '{name}' has an unknown Activation ({activation}).", KnownNames.Sublayer, "Activation");
        }
        // RES0016: options the chosen sublayer does not read are ignored; say so rather than let them look effective.
        if (sublayerValues && sublayerType is not null && sublayerType.TypeKind != TypeKind.Error)
            foreach (var option in new[] { "Heads", "Hidden", "Activation" })
            {
                bool used = option == "Heads" ? kind == SublayerKind.Attention : kind == SublayerKind.FeedForward;
                if (!used && HasNamed(sublayerAttr, option))
                    warnings.Add(new SpecProblem(ProblemCodes.IgnoredOption, name,
                        $"{option} on '{name}' is ignored: {sublayerType.Name} does not use it ({(option == "Heads" ? "only Attention has heads" : "only FeedForward has a hidden size and an activation")}); remove it.",
                        KnownNames.Sublayer, option));
            }

        var residualAttr = FindAttribute(property, KnownNames.Residual);
        var plainAttr = FindAttribute(property, KnownNames.Plain);
        var preAttr = FindAttribute(property, KnownNames.PreNorm);
        var postAttr = FindAttribute(property, KnownNames.PostNorm);
        if (residualAttr is null && plainAttr is null)
            Problem(ProblemCodes.MissingResidual, $"Sublayer '{name}' has no [Residual]; add it, or mark the sublayer [Plain] if having no identity path is deliberate.");
        if (residualAttr is not null && plainAttr is not null)
            problems.Add(new SpecProblem(ProblemCodes.ResidualAndPlain, name, $"Sublayer '{name}' is both [Residual] and [Plain]; keep one.", KnownNames.Plain));
        if (preAttr is not null && postAttr is not null)
            Problem(ProblemCodes.PreAndPostNorm, $"Sublayer '{name}' has both [PreNorm] and [PostNorm]; keep one.", KnownNames.PostNorm);

        var placement = preAttr is not null ? Placement.Pre : postAttr is not null ? Placement.Post : Placement.None;
        var normAttr = preAttr ?? postAttr;
        int norm = normAttr is null ? 0 : CtorInt(normAttr, 1);
        // The attribute's display string is the name it was found by.
        string normName = preAttr is not null ? KnownNames.PreNorm : KnownNames.PostNorm;
        if (normAttr is not null && norm is not (1 or 2) && !broken.Contains(normName))
            Problem(ProblemCodes.InvalidSize, $"The norm on '{name}' must be Norm.LayerNorm or Norm.RMSNorm (got {norm}).", normName, "#0");

        double scale = residualAttr is null ? 1.0 : NamedDouble(residualAttr, "Scale", 1.0);
        double alpha = residualAttr is null ? 1.0 : NamedDouble(residualAttr, "Alpha", 1.0);
        bool learnable = residualAttr is not null && NamedBool(residualAttr, "Learnable");
        if (residualAttr is not null && !broken.Contains(KnownNames.Residual)) CheckResidualScales(name, name, residualAttr, scale, alpha, learnable, problems, warnings);

        if (problems.Count > before || sublayerType is null) return null;

        kindCounts.TryGetValue(kind, out int seen);
        kindCounts[kind] = seen + 1;
        string prefix = kind switch
        {
            SublayerKind.Attention => seen == 0 ? "attn" : $"attn{seen + 1}",
            SublayerKind.FeedForward => seen == 0 ? "mlp" : $"mlp{seen + 1}",
            // Made unique by AssignCustomPrefixes once every sublayer is read.
            _ => SnakeCase(name),
        };

        string sublayerTypeName = sublayerType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        // Keep a '?' the user wrote: the implementing declaration must match the definition's nullability. The property
        // is usually of the sublayer's own type; for a top-level non-generic type without '?' that is the same text.
        string propertyTypeName =
            sublayerType is { Arity: 0, ContainingType: null } && property.Type.NullableAnnotation != NullableAnnotation.Annotated
            && SymbolEqualityComparer.Default.Equals(property.Type, sublayerType)
                ? sublayerTypeName
                : property.Type.ToDisplayString(s_nullableFullyQualified);
        return new SublayerSpec(
            name,
            AccessibilityAsWritten(property, ct),
            IsNew(property, ct),
            propertyTypeName,
            sublayerTypeName,
            kind, placement, (NormKind)(placement == Placement.None ? 0 : norm),
            residualAttr is not null, scale, learnable, alpha,
            kind == SublayerKind.Attention ? heads : 0,
            kind == SublayerKind.FeedForward ? hidden : 0,
            (ActivationKind)(kind == SublayerKind.FeedForward ? activation : 0),
            prefix, DeclarationText(property, ct));
    }

    private static readonly SymbolDisplayFormat s_nullableFullyQualified =
        SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>[Residual], [Plain], [PreNorm] or [PostNorm] on a property without [Sublayer] wires nothing: say so rather than ignore it.</summary>
    private static void CheckWiringWithoutSublayer(IPropertySymbol property, List<SpecProblem> problems)
    {
        var wiring = new[] { KnownNames.Residual, KnownNames.Plain, KnownNames.PreNorm, KnownNames.PostNorm }
            .Where(n => FindAttribute(property, n) is not null)
            .Select(n => "[" + n.Substring("Residual.".Length, n.Length - "Residual.".Length - "Attribute".Length) + "]")
            .ToList();
        if (wiring.Count > 0)
            problems.Add(new SpecProblem(ProblemCodes.InvalidMember, property.Name,
                $"Property '{property.Name}' has wiring ({string.Join(", ", wiring)}) but no [Sublayer]; add [Sublayer(typeof(...))] to make it a sublayer, or remove the wiring."));
    }

    private static void CheckType(INamedTypeSymbol type, string what, List<SpecProblem> problems, CancellationToken ct)
    {
        bool partial = type.DeclaringSyntaxReferences.All(r => r.GetSyntax(ct) is TypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.PartialKeyword));
        if (!partial) problems.Add(new SpecProblem(ProblemCodes.InvalidType, "", $"The {what} class '{type.Name}' must be declared 'partial'."));
        if (type.IsGenericType) problems.Add(new SpecProblem(ProblemCodes.InvalidType, "", $"The {what} class '{type.Name}' cannot be generic."));
        if (type.ContainingType is not null) problems.Add(new SpecProblem(ProblemCodes.InvalidType, "", $"The {what} class '{type.Name}' must be a top-level type."));
        if (type.IsStatic || type.IsAbstract || type.TypeKind != TypeKind.Class) problems.Add(new SpecProblem(ProblemCodes.InvalidType, "", $"The {what} '{type.Name}' must be a non-static, non-abstract class."));
        if (IsFileLocal(type)) problems.Add(new SpecProblem(ProblemCodes.InvalidType, "", $"The {what} class '{type.Name}' is file-local; the generated code is in another file. Declare it without 'file'."));
        if (type.IsRecord) problems.Add(new SpecProblem(ProblemCodes.InvalidType, "", $"The {what} '{type.Name}' is a record; the generator completes only a 'partial class'."));
        // The same sentence from both readers, so that the analyzer reports it once.
        if (FindAttribute(type, KnownNames.Block) is not null && FindAttribute(type, KnownNames.Model) is not null)
            problems.Add(new SpecProblem(ProblemCodes.InvalidType, "", $"The class '{type.Name}' has both [Block] and [Model]; a class is either a block or a model."));
    }

    /// <summary>
    /// The generator declares a block's and a model's constructors: a user constructor with the same
    /// parameters clashes (CS0111), a primary constructor must be chained to (CS8862), and one that does not
    /// chain to a generated constructor with <c>: this(...)</c> leaves the generated fields unassigned (CS8618).
    /// Reported once, on <c>.ctor</c>: the analyzer places it on every such constructor.
    /// </summary>
    private static void CheckConstructors(INamedTypeSymbol type, string what, List<SpecProblem> problems, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (type.InstanceConstructors.Any(c => IsRefusedConstructor(c, what == "block", ct)))
            problems.Add(new SpecProblem(ProblemCodes.InvalidMember, WellKnownMemberNames.InstanceConstructorName,
                $"The generator declares the constructors of the {what} class '{type.Name}'; a constructor of your own must chain to one of them with ': this(...)' and take other parameters (or initialise state in field initializers)."));
    }

    /// <summary>Whether a constructor the user wrote cannot live beside the generated ones (see <see cref="CheckConstructors"/>).</summary>
    internal static bool IsRefusedConstructor(IMethodSymbol constructor, bool block, CancellationToken ct)
    {
        if (constructor.IsImplicitlyDeclared || IsGenerated(constructor)) return false;
        string parameters = string.Join(",", constructor.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)));
        bool clashes = parameters == "global::Residual.ModelOptions"
            || (block && parameters == "global::Residual.ParameterArena,global::Residual.ParameterArena,int");
        bool chains = constructor.DeclaringSyntaxReferences.All(r =>
            r.GetSyntax(ct) is ConstructorDeclarationSyntax { Initializer: { } init } && init.IsKind(SyntaxKind.ThisConstructorInitializer));
        return clashes || !chains;
    }

    /// <summary>
    /// Attributes of the Residual namespace that the compiler could not bind cleanly: a syntax error in the
    /// argument list, no matching constructor, an argument of the wrong type, a named argument that does not
    /// exist (dropped from <see cref="AttributeData.NamedArguments"/>) or is given twice, or the same
    /// attribute twice. The compiler reports the error; the generator must not build on the values it recovered.
    /// Works from the attribute data and its own syntax node only (no semantic model), so it stays cheap.
    /// Returns the metadata names of those attributes: their values are not checked (a recovered value, or 0,
    /// would add a spurious size error on top of the compiler's own).
    /// </summary>
    private static HashSet<string> CheckAttributes(ISymbol symbol, List<SpecProblem> problems, string member, CancellationToken ct)
    {
        HashSet<string>? broken = null;
        var attributes = symbol.GetAttributes();
        for (int i = 0; i < attributes.Length; i++)
        {
            var a = attributes[i];
            if (a.AttributeClass is not { } c || !IsResidualNamespace(c.ContainingNamespace) || !c.Name.EndsWith("Attribute", StringComparison.Ordinal)) continue;
            // Earlier applications of the same attribute (a handful of attributes: counting them beats a dictionary per symbol).
            int applied = 0;
            for (int j = 0; j < i; j++)
                if (attributes[j].AttributeClass is { } earlier && earlier.Name == c.Name && IsResidualNamespace(earlier.ContainingNamespace)) applied++;
            if (applied > 0)
            {
                // The compiler reports CS0579 too; RES0012 says which one to remove, on the repeated application ("@k").
                problems.Add(new SpecProblem(ProblemCodes.DuplicateAttribute, member,
                    $"[{Shown(c)}] is applied {applied + 1} times to '{(member.Length > 0 ? member : symbol.Name)}'; remove the repeated one.",
                    c.ToDisplayString(), "@" + applied.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                (broken ??= new HashSet<string>(StringComparer.Ordinal)).Add(c.ToDisplayString());
            }
            else if (HasErrors(a, ct))
            {
                problems.Add(new SpecProblem(ProblemCodes.CompilerError, member, $"[{Shown(c)}] on '{(member.Length > 0 ? member : symbol.Name)}' has errors (see the compiler's diagnostics); nothing is generated until they are fixed."));
                (broken ??= new HashSet<string>(StringComparer.Ordinal)).Add(c.ToDisplayString());
            }
        }
        return broken ?? s_noneBroken;

        static string Shown(INamedTypeSymbol c) => c.Name.Substring(0, c.Name.Length - "Attribute".Length);
    }

    /// <summary>What <see cref="CheckAttributes"/> returns for a symbol whose attributes are all sound; never modified (callers only ask <c>Contains</c>).</summary>
    private static readonly HashSet<string> s_noneBroken = new(StringComparer.Ordinal);

    private static bool HasErrors(AttributeData a, CancellationToken ct)
    {
        if (a.AttributeClass is null || a.AttributeClass.TypeKind == TypeKind.Error || a.AttributeConstructor is null) return true;
        foreach (var arg in a.ConstructorArguments) if (IsError(arg)) return true;
        var namedArguments = a.NamedArguments;
        for (int i = 0; i < namedArguments.Length; i++)
        {
            if (IsError(namedArguments[i].Value)) return true;
            // Given twice (a handful of arguments at most: a quadratic search beats allocating a set).
            for (int j = 0; j < i; j++)
                if (namedArguments[j].Key == namedArguments[i].Key) return true;
        }
        if (a.ApplicationSyntaxReference?.GetSyntax(ct) is AttributeSyntax syntax)
        {
            if (syntax.ContainsDiagnostics) return true;
            int named = 0;
            if (syntax.ArgumentList is { } list)
                foreach (var argument in list.Arguments)
                    if (argument.NameEquals is not null) named++;
            if (named != namedArguments.Length) return true;
        }
        return false;
    }

    private static bool IsError(TypedConstant c) =>
        c.Kind == TypedConstantKind.Error || (c.Kind == TypedConstantKind.Array && !c.IsNull && c.Values.Any(IsError));

    /// <summary>Whether the type, or a type it is nested in, is declared <c>file</c> (Roslyn has no public flag for it).</summary>
    private static bool IsFileLocal(ITypeSymbol type)
    {
        for (ITypeSymbol? t = type; t is not null; t = t.ContainingType)
            foreach (var r in t.DeclaringSyntaxReferences)
                if (r.GetSyntax() is BaseTypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.FileKeyword)) return true;
        return false;
    }

    /// <summary>Whether the property's declaration says <c>new</c>: the implementing declaration must say it too (CS8800).</summary>
    private static bool IsNew(IPropertySymbol property, CancellationToken ct)
    {
        foreach (var r in property.DeclaringSyntaxReferences)
            if (r.GetSyntax(ct) is PropertyDeclarationSyntax p && p.Modifiers.Any(SyntaxKind.NewKeyword)) return true;
        return false;
    }

    /// <summary>The names of the type's <c>required</c> fields and properties, its base types' included.</summary>
    private static List<string> RequiredMembers(INamedTypeSymbol type)
    {
        var names = new List<string>();
        for (var t = type; t is not null; t = t.BaseType)
            foreach (var m in t.GetMembers())
                if (m is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true } && !names.Contains(m.Name)) names.Add(m.Name);
        return names;
    }

    private static bool IsFiniteFloat(double value)
    {
        float f = (float)value;
        return !float.IsNaN(f) && !float.IsInfinity(f);
    }

    /// <summary>
    /// The user's type must not declare a member (or be named) like one the generator declares on it: the
    /// generated code would not compile. The names come from <see cref="GeneratedNames"/>, next to the emitters.
    /// </summary>
    private static void CheckNames(INamedTypeSymbol type, string what, ISet<string> generated, List<SpecProblem> problems)
    {
        if (generated.Contains(type.Name))
            problems.Add(new SpecProblem(ProblemCodes.InvalidType, "", $"The {what} class '{type.Name}' is named like a member the generator declares on it; rename the class."));
        // The user's members only: analyzers see the compilation with the generated members already added. The name is
        // looked up first: whether a member is generated is the costlier question, and a clash is rare.
        List<string>? clashes = null;
        foreach (var m in type.GetMembers())
            if (generated.Contains(m.Name) && !m.IsImplicitlyDeclared && !IsGenerated(m) && !(clashes ??= []).Contains(m.Name)) clashes.Add(m.Name);
        if (clashes is null) return;
        clashes.Sort(StringComparer.Ordinal);
        foreach (var name in clashes)
            problems.Add(new SpecProblem(ProblemCodes.InvalidMember, name, $"'{name}' is a name the generator declares on the {what} '{type.Name}' (reserved); rename the member."));
    }

    /// <summary>
    /// Sizes in long: every tensor, one layer's parameters, and the floats one token needs in activations and
    /// scratch must fit in an int (offsets are int constants, spans are int-indexed). Returns the layer's
    /// parameter floats known at build time.
    /// </summary>
    private static long CheckSizes(string block, int width, List<SublayerSpec> sublayers, BlockResidualSpec? blockResidual, List<SpecProblem> problems)
    {
        long c = width;
        long parameters = SumParameterFloats(width, sublayers, blockResidual);
        // A block-wide residual keeps the chain's output and needs its gradient.
        long extra = blockResidual is null ? 0 : c;
        long perRow = extra, scratchPerRow = 4 * c + extra;
        foreach (var s in sublayers)
        {
            perRow = Sizes.Add(perRow, 4 * c + 3);
            if (s.Kind == SublayerKind.Attention)
            {
                perRow = Sizes.Add(perRow, 5 * c);
                scratchPerRow = Math.Max(scratchPerRow, Sizes.Add(4 * c + extra, 4 * c));
            }
            else if (s.Kind == SublayerKind.FeedForward)
            {
                perRow = Sizes.Add(perRow, Sizes.Mul(2, s.Hidden));
                scratchPerRow = Math.Max(scratchPerRow, Sizes.Add(4 * c + extra, Sizes.Mul(2, s.Hidden)));
            }
        }
        if (parameters > int.MaxValue)
            problems.Add(new SpecProblem(ProblemCodes.InvalidSize, "", $"Block '{block}' has {parameters} parameters per layer at Width = {width}, more than an arena holds ({int.MaxValue}).", KnownNames.Block));
        else if (perRow > int.MaxValue || scratchPerRow > int.MaxValue)
            problems.Add(new SpecProblem(ProblemCodes.InvalidSize, "", $"Block '{block}' needs more than {int.MaxValue} floats of activations per token at Width = {width}.", KnownNames.Block));
        return parameters;
    }

    /// <summary>One layer's parameters known at build time, saturating at <see cref="long.MaxValue"/> (mirrors <c>BlockPlan</c>'s layout).</summary>
    private static long SumParameterFloats(int width, IEnumerable<SublayerSpec> sublayers, BlockResidualSpec? blockResidual)
    {
        long c = width, total = 0;
        foreach (var s in sublayers)
        {
            if (s.Placement != Placement.None) total = Sizes.Add(total, s.Norm == NormKind.LayerNorm ? 2 * c : c);
            if (s.Kind == SublayerKind.Attention) total = Sizes.Add(total, Sizes.Add(Sizes.Mul(4 * c, c), 4 * c)); // c_attn 3C·C + 3C, c_proj C·C + C
            if (s.Kind == SublayerKind.FeedForward) total = Sizes.Add(total, Sizes.Add(Sizes.Mul(2 * c, s.Hidden), s.Hidden + c)); // c_fc H·C + H, c_proj C·H + C
            if (s.Residual && s.LearnableScale) total = Sizes.Add(total, 1);
        }
        if (blockResidual is { LearnableScale: true }) total = Sizes.Add(total, 1); // res.scale
        return total;
    }

    /// <summary>Non-negative long arithmetic that saturates instead of wrapping.</summary>
    private static class Sizes
    {
        public static long Mul(long a, long b) => a == 0 || b == 0 ? 0 : a > long.MaxValue / b ? long.MaxValue : a * b;

        public static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
    }

    /// <summary>
    /// Tensor-name prefixes of custom sublayers: the property snake-cased, unless a built-in tensor of the block
    /// already uses that prefix (<c>attn</c>, <c>mlp2</c>, <c>ln_1</c>, <c>res_2</c>), or another custom sublayer does
    /// (<c>Mix</c> and <c>mix</c>): then <c>_k</c> is appended, k its position. Built-in names (GPT-2's) never change.
    /// </summary>
    private static void AssignCustomPrefixes(List<SublayerSpec> sublayers, BlockResidualSpec? blockResidual)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        if (blockResidual is { LearnableScale: true }) used.Add("res"); // res.scale
        for (int i = 0; i < sublayers.Count; i++)
        {
            var s = sublayers[i];
            int k = i + 1; // as BlockPlan numbers ln_k and res_k
            if (s.Kind != SublayerKind.Custom) used.Add(s.Prefix);
            if (s.Placement != Placement.None) used.Add($"ln_{k}");
            if (s.Residual && s.LearnableScale) used.Add($"res_{k}");
        }
        for (int i = 0; i < sublayers.Count; i++)
        {
            if (sublayers[i].Kind != SublayerKind.Custom) continue;
            string prefix = UniquePrefix(sublayers[i].Prefix, i + 1, used);
            used.Add(prefix);
            sublayers[i] = sublayers[i] with { Prefix = prefix };
        }
    }

    private static string UniquePrefix(string prefix, int k, HashSet<string> used)
    {
        string candidate = prefix;
        while (used.Contains(candidate)) candidate += "_" + k;
        return candidate;
    }

    /// <summary>The first attribute of the given metadata name on <paramref name="symbol"/>, or null.</summary>
    internal static AttributeData? FindAttribute(ISymbol symbol, string metadataName)
    {
        foreach (var a in symbol.GetAttributes())
            if (a.AttributeClass is { } c && IsNamed(c, metadataName)) return a;
        return null;
    }

    /// <summary>
    /// <c>type.ToDisplayString() == metadataName</c> for a dotted name of plain identifiers (every name in
    /// <see cref="KnownNames"/> an attribute is looked up by), without building the display string, which an unrelated
    /// edit would otherwise pay for every attribute of every declaration: the display string is the names of the
    /// containing namespaces and types joined by dots, so it equals such a name exactly when the type and each
    /// container, innermost first, is named by the next segment from the right, none of them generic, and the
    /// containers end at the global namespace.
    /// </summary>
    internal static bool IsNamed(INamedTypeSymbol type, string metadataName)
    {
        ISymbol? symbol = type;
        int end = metadataName.Length;
        while (true)
        {
            if (symbol is INamedTypeSymbol named ? named.Arity != 0 : symbol is not INamespaceSymbol { IsGlobalNamespace: false }) return false;
            int dot = metadataName.LastIndexOf('.', end - 1);
            string name = symbol.Name;
            if (name.Length != end - dot - 1 || string.CompareOrdinal(metadataName, dot + 1, name, 0, name.Length) != 0) return false;
            symbol = (ISymbol?)symbol.ContainingType ?? symbol.ContainingNamespace;
            if (dot < 0) return symbol is null or INamespaceSymbol { IsGlobalNamespace: true };
            end = dot;
        }
    }

    /// <summary>Whether <paramref name="ns"/> is the top-level namespace <c>Residual</c> (its display string is <c>Residual</c>).</summary>
    private static bool IsResidualNamespace(INamespaceSymbol? ns) => ns is { Name: "Residual", ContainingNamespace.IsGlobalNamespace: true };

    /// <summary>As <see cref="FindAttribute(ISymbol, string)"/>, looking at base classes too when <paramref name="inherited"/>.</summary>
    internal static AttributeData? FindAttribute(INamedTypeSymbol type, string metadataName, bool inherited)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = inherited ? t.BaseType : null)
            if (FindAttribute(t, metadataName) is { } a) return a;
        return null;
    }

    /// <summary>Whether a symbol is declared only in a file this generator wrote (hint names end in <c>.Residual.g.cs</c>).</summary>
    private static bool IsGenerated(ISymbol symbol) =>
        symbol.DeclaringSyntaxReferences.Length > 0
        && symbol.DeclaringSyntaxReferences.All(r => r.SyntaxTree.FilePath.EndsWith(HintNames.Suffix, StringComparison.Ordinal));

    /// <summary>
    /// Whether <paramref name="type"/> is <c>compilation.GetTypeByMetadataName(metadataName)</c> (a plain dotted name). The
    /// lookup searches every referenced assembly the first time a compilation is asked (≈ 0.1 ms, and every edit makes a new
    /// compilation), so it is made only for a type of that name: no other type can be the one it finds.
    /// </summary>
    private static bool IsKnownType(INamedTypeSymbol type, string metadataName, Compilation compilation) =>
        IsNamed(type, metadataName) && SymbolEqualityComparer.Default.Equals(type, compilation.GetTypeByMetadataName(metadataName));

    /// <summary>Whether a base class of <paramref name="type"/> is the compilation's type of <paramref name="metadataName"/> (see <see cref="IsKnownType"/>).</summary>
    private static bool DerivesFrom(INamedTypeSymbol type, string metadataName, Compilation compilation)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (IsKnownType(t, metadataName, compilation)) return true;
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
            {
                if (v is int i) return i;
                try { return Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture); }
                catch (Exception e) when (e is OverflowException or InvalidCastException or FormatException) { return fallback; } // a mistyped value, reported by the compiler
            }
        return fallback;
    }

    private static double NamedDouble(AttributeData a, string name, double fallback)
    {
        foreach (var kv in a.NamedArguments)
            if (kv.Key == name && kv.Value.Value is { } v)
            {
                try { return Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture); }
                catch (Exception e) when (e is InvalidCastException or FormatException) { return fallback; } // a mistyped value, reported by the compiler
            }
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

    /// <summary>The namespace as its segments' names joined by dots (unescaped; the emitters escape keywords).</summary>
    private static string NamespaceOf(INamedTypeSymbol type)
    {
        var segments = new List<string>();
        for (var ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace) segments.Insert(0, ns.Name);
        return string.Join(".", segments);
    }

    /// <summary>
    /// The accessibility keywords of the property's definition as written (<c>protected internal</c>, or nothing):
    /// both parts of a partial property must say the same (CS8799), so an implicit <c>private</c> stays implicit.
    /// </summary>
    private static string AccessibilityAsWritten(IPropertySymbol property, CancellationToken ct)
    {
        foreach (var r in property.DeclaringSyntaxReferences)
            if (r.GetSyntax(ct) is PropertyDeclarationSyntax p)
            {
                string written = "";
                foreach (var m in p.Modifiers)
                    if (m.IsKind(SyntaxKind.PublicKeyword) || m.IsKind(SyntaxKind.PrivateKeyword) || m.IsKind(SyntaxKind.ProtectedKeyword) || m.IsKind(SyntaxKind.InternalKeyword))
                        written = written.Length == 0 ? m.Text : written + " " + m.Text;
                return written;
            }
        return "";
    }

    /// <summary>
    /// An underscore before every ASCII capital that follows an ASCII lower-case letter or digit, then lower-cased
    /// (the regex replacement <c>(?&lt;=[a-z0-9])([A-Z])</c> → <c>_$1</c>, without the regex machinery).
    /// </summary>
    private static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (i > 0 && c is >= 'A' and <= 'Z' && name[i - 1] is (>= 'a' and <= 'z') or (>= '0' and <= '9')) sb.Append('_');
            sb.Append(c);
        }
        return sb.ToString().ToLowerInvariant();
    }

    /// <summary>
    /// An attribute's text for <see cref="DeclarationText"/>, by syntax node: a file that did not change keeps its nodes
    /// from one compilation to the next, so an edit elsewhere finds the text made before.
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AttributeSyntax, string> s_attributeTexts = new();

    /// <summary>The property's Residual attributes as written, whitespace collapsed, for the generated comments.</summary>
    private static string DeclarationText(IPropertySymbol property, CancellationToken ct)
    {
        var parts = new List<string>();
        foreach (var a in property.GetAttributes())
        {
            if (!IsResidualNamespace(a.AttributeClass?.ContainingNamespace)) continue;
            if (a.ApplicationSyntaxReference?.GetSyntax(ct) is AttributeSyntax syntax)
                parts.Add(s_attributeTexts.GetValue(syntax, static node => "[" + CollapseWhitespace(node.ToString()) + "]"));
        }
        return string.Join(" ", parts);
    }

    /// <summary>Every run of white space (what the regex <c>\s+</c> matches: <see cref="char.IsWhiteSpace(char)"/>) as one space.</summary>
    private static string CollapseWhitespace(string text)
    {
        // Usually there is nothing to collapse: single spaces only.
        bool collapsed = true;
        for (int i = 0; i < text.Length && collapsed; i++)
            if (char.IsWhiteSpace(text[i]) && (text[i] != ' ' || (i > 0 && char.IsWhiteSpace(text[i - 1])))) collapsed = false;
        if (collapsed) return text;
        var sb = new StringBuilder(text.Length);
        bool inSpace = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                if (!inSpace) sb.Append(' ');
                inSpace = true;
            }
            else
            {
                sb.Append(c);
                inSpace = false;
            }
        }
        return sb.ToString();
    }
}
