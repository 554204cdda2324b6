namespace Residual.Generators.Specs;

/// <summary>
/// A type the generator writes a file for (its code, or the stub of a refused declaration): all that hint names
/// depend on. The list of these changes only when such a type is added, removed or renamed, so the hint names are
/// not recomputed, and no file is rewritten, on an edit inside a declaration.
/// </summary>
/// <param name="Namespace">Containing namespace, empty for the global namespace.</param>
/// <param name="Name">Type name.</param>
/// <param name="FullName">Fully qualified name (<c>global::...</c>).</param>
internal sealed record GeneratedType(string Namespace, string Name, string FullName);

/// <summary>A block's file: the block as read, the hint name it is written under, and the namespace of the assembly's SIMD helpers.</summary>
internal sealed record BlockFile(BlockSpec Spec, string Hint, string HelperNamespace);

/// <summary>
/// A model's file: the model as read, its hint name, the hint name of its block's file (null when this compilation does
/// not write the block), and the namespace of the assembly's SIMD helpers.
/// </summary>
internal sealed record ModelFile(ModelSpec Spec, string Hint, string? BlockHint, string HelperNamespace);

/// <summary>What one generated file needs from the shared SIMD helpers: its width, the helpers it calls (a mask), and who it is.</summary>
/// <param name="Declaration">The declaration's name for the shared file's comments (fully qualified, without <c>global::</c>).</param>
internal sealed record SimdUse(int Width, int Mask, string Declaration);

/// <summary>One helper class of the shared SIMD file: a width, the union of the helpers its users call, and the users (sorted).</summary>
internal sealed record SimdClass(int Width, int Mask, EquatableArray<string> Users);

/// <summary>The shared SIMD file of one assembly: its namespace and one class per width (sorted by width).</summary>
internal sealed record SimdFile(string Namespace, EquatableArray<SimdClass> Classes);
