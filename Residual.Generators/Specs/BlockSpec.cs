namespace Residual.Generators.Specs;

/// <summary>
/// What is wrong with a declaration, found while reading it. The generator emits nothing for a spec
/// with problems; analyzers report them. <paramref name="Member"/> is empty for the type itself.
/// </summary>
/// <remarks>
/// <paramref name="Attribute"/> (a metadata name from <c>KnownNames</c>) and <paramref name="Argument"/> (a named
/// argument, or <c>#0</c> for the first constructor argument) say where exactly the analyzer places it: on that
/// argument of that attribute of the member (or of the type), else on the attribute, else on the member.
/// </remarks>
internal sealed record SpecProblem(string Code, string Member, string Message, string Attribute = "", string Argument = "");

/// <summary>A partial property definition of a refused block, as written (modifiers without <c>partial</c>, accessors with their modifiers).</summary>
internal sealed record StubProperty(string Modifiers, string Type, string Name, EquatableArray<string> Accessors);

/// <summary>
/// What the generator writes for a declaration it refuses, so that the user's code compiles and the RES error is the
/// one a build shows: the unimplemented partial properties, the members the base type or interface requires, all
/// throwing an <c>InvalidOperationException</c> that names <see cref="Reason"/>.
/// </summary>
/// <param name="Reason">The first error, <c>RES0002: Sublayer 'Mix' has no [Residual]; …</c>.</param>
/// <param name="Constructor">Whether to declare the <c>(ModelOptions? options = null)</c> constructor (a model without one of its own).</param>
internal sealed record StubSpec(string Reason, EquatableArray<StubProperty> Properties, bool Constructor)
{
    /// <summary>
    /// The size constants of a refused model (<c>Vocab</c>, <c>Context</c>, <c>Layers</c>, <c>Width</c>) that the user's
    /// code does not declare itself: kept in the stub with their declared values, so that code using them (the
    /// quick-start's <c>TinyGpt.Vocab</c>) does not add a CS0117 beside the RES error.
    /// </summary>
    public EquatableArray<string> Constants { get; init; } = EquatableArray<string>.Empty;
}

/// <summary>One residual around the whole block (<c>[Residual]</c> on the block class): <c>y = Alpha·x + Scale·Block(x)</c>.</summary>
internal sealed record BlockResidualSpec(double Scale, bool LearnableScale, double Alpha);

/// <summary>One sublayer as declared on a block property.</summary>
/// <param name="Member">Property name.</param>
/// <param name="Accessibility">The accessibility keywords of the property definition as written (empty when it has none).</param>
/// <param name="IsNew">The definition says <c>new</c> (it hides an inherited member); the implementation must repeat it.</param>
/// <param name="PropertyType">Fully qualified property type (<c>global::...</c>).</param>
/// <param name="SublayerType">Fully qualified type named in <c>[Sublayer(typeof(...))]</c>.</param>
/// <param name="Declaration">The attributes as written, for comments in the generated code.</param>
internal sealed record SublayerSpec(
    string Member,
    string Accessibility,
    bool IsNew,
    string PropertyType,
    string SublayerType,
    SublayerKind Kind,
    Placement Placement,
    NormKind Norm,
    bool Residual,
    double Scale,
    bool LearnableScale,
    double Alpha,
    int Heads,
    int Hidden,
    ActivationKind Activation,
    string Prefix,
    string Declaration);

/// <summary>A <c>[Block]</c> class as declared.</summary>
/// <param name="Namespace">Containing namespace, empty for the global namespace.</param>
/// <param name="Name">Type name.</param>
/// <param name="FullName">Fully qualified name (<c>global::...</c>).</param>
/// <param name="ConstantParameterCount">
/// Whether the block's <c>ParameterCount</c> is a constant (no custom sublayer, whose size is only known at run time).
/// Read from the generated member for a block from a referenced assembly, whose private sublayers are not visible.
/// </param>
/// <param name="ParameterFloats">Parameters of one layer known at build time (custom sublayers excluded).</param>
internal sealed record BlockSpec(
    string Namespace,
    string Name,
    string FullName,
    int Width,
    bool ConstantParameterCount,
    long ParameterFloats,
    EquatableArray<SublayerSpec> Sublayers,
    EquatableArray<SpecProblem> Problems)
{
    /// <summary>The residual around the whole block, or null (the usual case: residuals on the sublayers).</summary>
    public BlockResidualSpec? Residual { get; init; }

    /// <summary>
    /// Warnings: reported by the analyzers, never a reason to refuse the declaration (the generator reads only
    /// <see cref="Problems"/>, which are errors).
    /// </summary>
    public EquatableArray<SpecProblem> Warnings { get; init; } = EquatableArray<SpecProblem>.Empty;

    /// <summary>For a refused block the generator can still complete: the stub to write (null otherwise).</summary>
    public StubSpec? Stub { get; init; }
}

/// <summary>A <c>[Model]</c> class as declared, with the block it stacks.</summary>
internal sealed record ModelSpec(
    string Namespace,
    string Name,
    string FullName,
    int Vocab,
    int Context,
    int Layers,
    NormKind FinalNorm,
    BlockSpec Block,
    EquatableArray<SpecProblem> Problems)
{
    /// <summary>Warnings (never a reason to refuse the declaration), as <see cref="BlockSpec.Warnings"/>.</summary>
    public EquatableArray<SpecProblem> Warnings { get; init; } = EquatableArray<SpecProblem>.Empty;

    /// <summary>For a refused block the generator can still complete: the stub to write (null otherwise).</summary>
    public StubSpec? Stub { get; init; }
}
