using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Residual.Training;

namespace Residual.Checkpoints;

/// <summary>
/// Saves and loads <see cref="AdamW"/>'s state beside a model checkpoint: a safetensors file with, for every
/// parameter tensor <c>name</c>, its first moment <c>name.exp_avg</c> and second moment <c>name.exp_avg_sq</c>
/// (PyTorch's names, in the same orientation as the model file), and in <c>__metadata__</c> the model's
/// configuration, the step count and the hyperparameters.
/// </summary>
public static class OptimizerCheckpoint
{
    /// <summary>Suffix of a first-moment tensor.</summary>
    public const string FirstMomentSuffix = ".exp_avg";

    /// <summary>Suffix of a second-moment tensor.</summary>
    public const string SecondMomentSuffix = ".exp_avg_sq";

    private const string KindKey = "optimizer";
    private const string StepKey = "optimizer.step";

    /// <summary>Writes <paramref name="optimizer"/>'s state for <paramref name="model"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="model">The model whose arenas the optimizer updates.</param>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="path">The file to write; its folder is created if needed.</param>
    /// <param name="metadata">The caller's own metadata pairs (for example a training loop's position); keys must not collide with the ones written here.</param>
    /// <exception cref="ArgumentException">The optimizer does not update <paramref name="model"/>'s parameters, or a metadata key is reserved.</exception>
    public static void Save(LanguageModel model, AdamW optimizer, string path, IEnumerable<KeyValuePair<string, string>>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(path);
        CheckBinding(model, optimizer);
        var layout = CheckpointLayout.For(model);
        var tensors = new List<SafeTensorData>(2 * layout.Count);
        foreach (var t in layout)
        {
            tensors.Add(Tensor(t, optimizer.FirstMoment, FirstMomentSuffix));
            tensors.Add(Tensor(t, optimizer.SecondMoment, SecondMomentSuffix));
        }
        var pairs = Checkpoint.Combine(ModelConfiguration.Metadata(model.Description).Concat(Hyperparameters(optimizer)), metadata, nameof(metadata));
        AtomicFile.Write(path, stream => SafeTensors.Write(stream, tensors, pairs));
    }

    /// <summary>
    /// Restores <paramref name="optimizer"/>'s state from <paramref name="path"/>. The configuration, every tensor and
    /// the hyperparameters (which must equal the optimizer's, or the resumed steps would differ) are checked first;
    /// on any mismatch the optimizer is left as it was.
    /// </summary>
    /// <param name="model">The model whose arenas the optimizer updates.</param>
    /// <param name="optimizer">The optimizer to restore.</param>
    /// <param name="path">A file written by <see cref="Save"/>.</param>
    /// <returns>The caller's metadata pairs stored in the file.</returns>
    /// <exception cref="CheckpointException">The file is not valid or does not fit the model and optimizer.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> Load(LanguageModel model, AdamW optimizer, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(path);
        CheckBinding(model, optimizer);
        var file = SafeTensors.Read(path);
        var own = Hyperparameters(optimizer);
        foreach (var (key, value) in own.Skip(1))
        {
            string? stored = file.MetadataValue(key);
            if (key != StepKey && stored != value)
                throw new CheckpointException($"{path}: {key} is {stored ?? "missing"} in the file but {value} in the optimizer; resuming with other hyperparameters would not continue the same run.");
        }
        if (file.MetadataValue(KindKey) != "AdamW")
            throw new CheckpointException($"{path}: the optimizer in the file is '{file.MetadataValue(KindKey) ?? "missing"}', expected AdamW.");
        string? stepText = file.MetadataValue(StepKey);
        if (!int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out int step))
            throw new CheckpointException($"{path}: {StepKey} is '{stepText ?? "missing"}', expected a non-negative integer.");

        var layout = CheckpointLayout.For(model);
        var m = new float[model.Parameters.Count];
        var v = new float[model.Parameters.Count];
        Checkpoint.ReadInto(file, layout, model.Description, m, prefix: "", suffix: FirstMomentSuffix);
        Checkpoint.ReadInto(file, layout, model.Description, v, prefix: "", suffix: SecondMomentSuffix);
        try
        {
            optimizer.RestoreState(step, m, v);
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException($"{path}: {e.Message}", e);
        }
        var ownKeys = own.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        return Checkpoint.UserMetadata(file).Where(p => !ownKeys.Contains(p.Key)).ToArray();
    }

    private static SafeTensorData Tensor(CheckpointTensor t, ReadOnlySpan<float> arena, string suffix)
    {
        var values = new float[t.Arena.Count];
        CheckpointLayout.ToFile(t, arena.Slice(t.Arena.Offset, t.Arena.Count), values);
        return new SafeTensorData(t.Name + suffix, t.FileShape, values);
    }

    private static List<KeyValuePair<string, string>> Hyperparameters(AdamW optimizer)
    {
        string F(float x) => x.ToString("R", CultureInfo.InvariantCulture);
        var o = optimizer.Options;
        return
        [
            new(KindKey, "AdamW"),
            new(StepKey, optimizer.StepCount.ToString(CultureInfo.InvariantCulture)),
            new("optimizer.beta1", F(o.Beta1)),
            new("optimizer.beta2", F(o.Beta2)),
            new("optimizer.epsilon", F(o.Epsilon)),
            new("optimizer.weight_decay", F(o.WeightDecay)),
        ];
    }

    private static void CheckBinding(LanguageModel model, Optimizer optimizer)
    {
        if (!ReferenceEquals(optimizer.Parameters, model.Parameters))
            throw new ArgumentException("The optimizer does not update this model's parameters (it was created for another arena).", nameof(optimizer));
    }
}
