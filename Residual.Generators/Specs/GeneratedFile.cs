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

/// <summary>A block's file: the block as read and the hint name it is written under.</summary>
internal sealed record BlockFile(BlockSpec Spec, string Hint);

/// <summary>A model's file: the model as read, its hint name, and the hint name of its block's file (null when this compilation does not write the block).</summary>
internal sealed record ModelFile(ModelSpec Spec, string Hint, string? BlockHint);
