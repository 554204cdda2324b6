using System;

namespace Residual.Kernels;

/// <summary>
/// Token plus learned position embedding (GPT-2's <c>wte</c> and <c>wpe</c>):
/// <c>output[b,t,:] = tokenEmbedding[tokens[b,t], :] + positionEmbedding[t, :]</c>.
/// </summary>
public static class Embedding
{
    /// <summary>
    /// Looks up and adds the embeddings. Every token id is checked before anything is written.
    /// Overwrites <paramref name="output"/>.
    /// </summary>
    /// <param name="output">Embedded sequence, <c>batch·time·width</c> floats.</param>
    /// <param name="tokens">Token ids, <c>batch·time</c> ints, each in <c>[0, vocab)</c>.</param>
    /// <param name="tokenEmbedding">Token table <c>[vocab, width]</c>; its length must be a positive multiple of <paramref name="width"/>.</param>
    /// <param name="positionEmbedding">Position table <c>[context, width]</c> with <c>context ≥ time</c>.</param>
    /// <param name="batch">Batch size; positive.</param>
    /// <param name="time">Sequence length; positive.</param>
    /// <param name="width">Embedding width; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or a token id is outside <c>[0, vocab)</c>.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void Forward(Span<float> output, ReadOnlySpan<int> tokens, ReadOnlySpan<float> tokenEmbedding, ReadOnlySpan<float> positionEmbedding, int batch, int time, int width)
    {
        Guard.Positive(batch, nameof(batch));
        Guard.Positive(time, nameof(time));
        Guard.Positive(width, nameof(width));
        Guard.Length(output.Length, nameof(output), "batch·time·width", batch, time, width);
        Guard.Length(tokens.Length, nameof(tokens), "batch·time", batch, time, unit: "ints");
        int vocab = Guard.Rows(tokenEmbedding.Length, width, 1, nameof(tokenEmbedding), "vocab");
        Guard.Rows(positionEmbedding.Length, width, time, nameof(positionEmbedding), "context");
        Guard.Indices(tokens, vocab, nameof(tokens), "vocab");

        for (int bt = 0; bt < batch * time; bt++)
        {
            int t = bt % time;
            Vectors.Add(tokenEmbedding.Slice(tokens[bt] * width, width), positionEmbedding.Slice(t * width, width), output.Slice(bt * width, width));
        }
    }

    /// <summary>
    /// Backward pass of <see cref="Forward"/>: scatters <paramref name="dOutput"/> into the rows of the
    /// token table that were looked up and into the first <paramref name="time"/> rows of the position
    /// table. Accumulates. Every token id is checked before anything is written.
    /// </summary>
    /// <param name="dTokenEmbedding">Token table gradient <c>[vocab, width]</c> (accumulated).</param>
    /// <param name="dPositionEmbedding">Position table gradient <c>[context, width]</c> with <c>context ≥ time</c> (accumulated).</param>
    /// <param name="dOutput">Output gradient, <c>batch·time·width</c> floats.</param>
    /// <param name="tokens">The forward pass's token ids, <c>batch·time</c> ints.</param>
    /// <param name="batch">Batch size; positive.</param>
    /// <param name="time">Sequence length; positive.</param>
    /// <param name="width">Embedding width; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or a token id is outside <c>[0, vocab)</c>.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void Backward(Span<float> dTokenEmbedding, Span<float> dPositionEmbedding, ReadOnlySpan<float> dOutput, ReadOnlySpan<int> tokens, int batch, int time, int width)
    {
        Guard.Positive(batch, nameof(batch));
        Guard.Positive(time, nameof(time));
        Guard.Positive(width, nameof(width));
        int vocab = Guard.Rows(dTokenEmbedding.Length, width, 1, nameof(dTokenEmbedding), "vocab");
        Guard.Rows(dPositionEmbedding.Length, width, time, nameof(dPositionEmbedding), "context");
        Guard.Length(dOutput.Length, nameof(dOutput), "batch·time·width", batch, time, width);
        Guard.Length(tokens.Length, nameof(tokens), "batch·time", batch, time, unit: "ints");
        Guard.Indices(tokens, vocab, nameof(tokens), "vocab");

        for (int bt = 0; bt < batch * time; bt++)
        {
            int t = bt % time;
            var g = dOutput.Slice(bt * width, width);
            Vectors.Add(g, dTokenEmbedding.Slice(tokens[bt] * width, width));
            Vectors.Add(g, dPositionEmbedding.Slice(t * width, width));
        }
    }
}
