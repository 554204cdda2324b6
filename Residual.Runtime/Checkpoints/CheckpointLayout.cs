using System;
using System.Collections.Generic;

namespace Residual.Checkpoints;

/// <summary>How one arena tensor is stored in a checkpoint file.</summary>
/// <param name="Arena">The tensor in the model's arena (shape in the arena's orientation).</param>
/// <param name="FileShape">The shape written to the file.</param>
/// <param name="Transposed">
/// Whether the file holds the transpose of the arena's matrix: true for the Linear weights of the built-in
/// attention and feed-forward sublayers, which the arena stores <c>[out, in]</c> and GPT-2's Conv1D stores
/// <c>[in, out]</c>.
/// </param>
public sealed record CheckpointTensor(TensorInfo Arena, int[] FileShape, bool Transposed)
{
    /// <summary>The tensor's name, the same in the arena and in the file.</summary>
    public string Name => Arena.Name;

    /// <summary>The file shape written as <c>[a, b]</c>.</summary>
    public string FileShapeText => "[" + string.Join(", ", FileShape) + "]";
}

/// <summary>
/// The mapping between a model's parameter arena and a checkpoint file: GPT-2's tensor names, in arena order,
/// with GPT-2's orientation (see <c>docs/checkpoints.md</c>).
/// </summary>
/// <remarks>
/// Every tensor keeps its arena name (<c>wte.weight</c>, <c>h.0.ln_1.weight</c>, <c>h.0.attn.c_attn.weight</c>, …).
/// Embeddings, norms, biases, residual scales and custom sublayers' tensors are stored as the arena holds them.
/// The four Linear weights of a built-in sublayer (<c>attn.c_attn</c>, <c>attn.c_proj</c>, <c>mlp.c_fc</c>,
/// <c>mlp.c_proj</c>) are stored transposed, <c>[in, out]</c>, as GPT-2's Conv1D and Hugging Face's GPT-2 store
/// them (<c>c_attn.weight</c> is <c>[C, 3C]</c>); nanoGPT's <c>nn.Linear</c> transposes them back on load.
/// </remarks>
public static class CheckpointLayout
{
    /// <summary>The file layout of <paramref name="model"/>'s parameters.</summary>
    /// <param name="model">A declared model.</param>
    public static IReadOnlyList<CheckpointTensor> For(LanguageModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return For(model.Description, model.Parameters.Tensors);
    }

    /// <summary>The file layout of a model declared as <paramref name="description"/> with arena <paramref name="tensors"/>.</summary>
    /// <param name="description">The declared model.</param>
    /// <param name="tensors">Its arena layout.</param>
    public static IReadOnlyList<CheckpointTensor> For(ModelDescription description, IReadOnlyList<TensorInfo> tensors)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(tensors);
        var conv1D = new HashSet<string>(StringComparer.Ordinal);
        for (int layer = 0; layer < description.Layers; layer++)
        {
            foreach (var s in description.Block.Sublayers)
            {
                string prefix = $"h.{layer}.{s.Prefix}.";
                if (s.Kind == SublayerKind.Attention)
                {
                    conv1D.Add(prefix + "c_attn.weight");
                    conv1D.Add(prefix + "c_proj.weight");
                }
                else if (s.Kind == SublayerKind.FeedForward)
                {
                    conv1D.Add(prefix + "c_fc.weight");
                    conv1D.Add(prefix + "c_proj.weight");
                }
            }
        }
        var result = new CheckpointTensor[tensors.Count];
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            bool transpose = t.Shape.Length == 2 && conv1D.Contains(t.Name);
            result[i] = new CheckpointTensor(t, transpose ? [t.Shape[1], t.Shape[0]] : (int[])t.Shape.Clone(), transpose);
        }
        return result;
    }

    /// <summary>Writes the file orientation of <paramref name="arena"/> into <paramref name="file"/> (a copy or a transpose).</summary>
    internal static void ToFile(CheckpointTensor tensor, ReadOnlySpan<float> arena, Span<float> file)
    {
        if (!tensor.Transposed) { arena.CopyTo(file); return; }
        Transpose(arena, file, tensor.Arena.Shape[0], tensor.Arena.Shape[1]);
    }

    /// <summary>Writes the arena orientation of <paramref name="file"/> into <paramref name="arena"/>.</summary>
    internal static void ToArena(CheckpointTensor tensor, ReadOnlySpan<float> file, Span<float> arena)
    {
        if (!tensor.Transposed) { file.CopyTo(arena); return; }
        Transpose(file, arena, tensor.FileShape[0], tensor.FileShape[1]);
    }

    // source is [rows, cols] row-major; destination receives [cols, rows].
    private static void Transpose(ReadOnlySpan<float> source, Span<float> destination, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                destination[c * rows + r] = source[r * cols + c];
    }
}
