using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Residual.Checkpoints;

/// <summary>
/// Saves and loads a declared model's parameters as a safetensors file with GPT-2's tensor names and orientation
/// (see <see cref="CheckpointLayout"/> and <c>docs/checkpoints.md</c>) and the model's declared configuration in
/// the header's <c>__metadata__</c>. Works for every model declared with the DSL.
/// </summary>
/// <example>
/// <code>
/// Checkpoint.Save(model, "run/model.safetensors", [new("train.step", "1500")]);
/// var other = new TinyGpt();
/// var metadata = Checkpoint.Load(other, "run/model.safetensors");   // other now equals model
/// </code>
/// </example>
public static class Checkpoint
{
    /// <summary>
    /// Writes <paramref name="model"/>'s parameters to <paramref name="path"/> atomically (a temporary file in the same
    /// folder, then a rename). The same parameters and metadata always give the same bytes.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The file to write; its folder is created if needed.</param>
    /// <param name="metadata">The caller's own metadata pairs, stored after the configuration; keys must not be <see cref="ModelConfiguration.ReservedKeys"/>.</param>
    /// <exception cref="ArgumentException">A metadata key is reserved or repeated.</exception>
    public static void Save(LanguageModel model, string path, IEnumerable<KeyValuePair<string, string>>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        var layout = CheckpointLayout.For(model);
        var tensors = new SafeTensorData[layout.Count];
        for (int i = 0; i < layout.Count; i++)
        {
            var t = layout[i];
            var values = new float[t.Arena.Count];
            CheckpointLayout.ToFile(t, model.Parameters.Data.AsSpan(t.Arena.Offset, t.Arena.Count), values);
            tensors[i] = new SafeTensorData(t.Name, t.FileShape, values);
        }
        var pairs = Combine(ModelConfiguration.Metadata(model.Description), metadata, nameof(metadata));
        AtomicFile.Write(path, stream => SafeTensors.Write(stream, tensors, pairs));
    }

    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="model"/>. Everything is checked before a parameter changes:
    /// the file's structure, the declared configuration, every tensor's name, dtype (F32) and shape; on any mismatch
    /// the model is left as it was and the exception says exactly what differs.
    /// </summary>
    /// <param name="model">The model to fill.</param>
    /// <param name="path">A file written by <see cref="Save"/> (or any safetensors file with the same names, shapes and configuration).</param>
    /// <returns>The caller's metadata pairs stored in the file (the configuration entries left out).</returns>
    /// <exception cref="CheckpointException">The file is not valid or does not fit the model.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> Load(LanguageModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        var file = SafeTensors.Read(path);
        var staging = new float[model.Parameters.Count];
        ReadInto(file, CheckpointLayout.For(model), model.Description, staging, prefix: "", suffix: "");
        staging.CopyTo(model.Parameters.Data, 0);
        return UserMetadata(file);
    }

    /// <summary>The metadata pairs of a checkpoint file that the caller stored (the configuration entries left out), after validating its structure.</summary>
    /// <param name="path">A checkpoint file.</param>
    /// <exception cref="CheckpointException">The file is not valid safetensors.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> ReadMetadata(string path) => UserMetadata(SafeTensors.Read(path));

    internal static IReadOnlyList<KeyValuePair<string, string>> UserMetadata(SafeTensorsFile file) =>
        file.Metadata.Where(p => !ModelConfiguration.ReservedKeys.Contains(p.Key)).ToArray();

    internal static List<KeyValuePair<string, string>> Combine(IEnumerable<KeyValuePair<string, string>> fixedPairs, IEnumerable<KeyValuePair<string, string>>? extra, string parameter)
    {
        var pairs = fixedPairs.ToList();
        var keys = new HashSet<string>(pairs.Select(p => p.Key), StringComparer.Ordinal);
        foreach (var p in extra ?? [])
        {
            if (p.Key is null || p.Value is null) throw new ArgumentException("Metadata keys and values must not be null.", parameter);
            if (ModelConfiguration.ReservedKeys.Contains(p.Key) || !keys.Add(p.Key))
                throw new ArgumentException($"Metadata key '{p.Key}' is reserved for the model's configuration or given twice.", parameter);
            pairs.Add(p);
        }
        return pairs;
    }

    /// <summary>
    /// Checks the configuration and the tensors <c>{prefix}{name}{suffix}</c> of <paramref name="file"/> against
    /// <paramref name="layout"/>, then fills <paramref name="destination"/> (arena order and orientation).
    /// Extra tensors whose names do not start with the prefix and end with the suffix belong to someone else and are ignored.
    /// </summary>
    internal static void ReadInto(SafeTensorsFile file, IReadOnlyList<CheckpointTensor> layout, ModelDescription description, float[] destination, string prefix, string suffix)
    {
        string source = file.Source;
        string? format = file.MetadataValue(ModelConfiguration.FormatKey);
        string? config = file.MetadataValue(ModelConfiguration.Key);
        if (format is null || config is null)
            throw new CheckpointException($"{source}: the header's __metadata__ has no '{ModelConfiguration.Key}' configuration; it was not written by Residual (a checkpoint must say which model it holds).");
        if (format != ModelConfiguration.FormatVersion)
            throw new CheckpointException($"{source}: checkpoint format version {format}; this library reads version {ModelConfiguration.FormatVersion}.");
        var diffs = ModelConfiguration.Differences(config, description);
        if (diffs.Count > 0)
            throw new CheckpointException($"{source} holds a different model than {description.Name}: {string.Join("; ", diffs)}.");

        var problems = new List<string>();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in layout)
        {
            string name = prefix + t.Name + suffix;
            expected.Add(name);
            if (!file.TryGetTensor(name, out var entry)) { problems.Add($"tensor '{name}' {t.FileShapeText} is missing"); continue; }
            if (entry.DType != "F32") problems.Add($"tensor '{name}' is {entry.DType}, expected F32");
            if (!entry.Shape.SequenceEqual(t.FileShape.Select(d => (long)d)))
                problems.Add($"tensor '{name}' has shape {entry.ShapeText}, expected {t.FileShapeText}" + (t.Transposed ? " (GPT-2 Conv1D orientation [in, out])" : ""));
        }
        foreach (var entry in file.Tensors)
            if (!expected.Contains(entry.Name) && entry.Name.StartsWith(prefix, StringComparison.Ordinal) && entry.Name.EndsWith(suffix, StringComparison.Ordinal))
                problems.Add($"tensor '{entry.Name}' {entry.ShapeText} is not a parameter of {description.Name}");
        if (problems.Count > 0)
        {
            const int shown = 12;
            string list = string.Join("; ", problems.Take(shown)) + (problems.Count > shown ? $"; and {problems.Count - shown} more" : "");
            throw new CheckpointException($"{source} does not fit {description.Name}: {list}.");
        }

        float[] buffer = [];
        foreach (var t in layout)
        {
            file.TryGetTensor(prefix + t.Name + suffix, out var entry);
            if (buffer.Length < t.Arena.Count) buffer = new float[t.Arena.Count];
            var values = buffer.AsSpan(0, t.Arena.Count);
            file.ReadFloats(entry, values);
            CheckpointLayout.ToArena(t, values, destination.AsSpan(t.Arena.Offset, t.Arena.Count));
        }
    }
}
