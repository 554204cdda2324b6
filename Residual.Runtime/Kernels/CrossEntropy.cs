using System;

namespace Residual.Kernels;

/// <summary>
/// Softmax over the vocabulary and the cross-entropy loss against integer targets, with the fused
/// gradient <c>dLogits = probs − onehot(target)</c>.
/// </summary>
public static class CrossEntropy
{
    /// <summary>
    /// Row-wise softmax, <c>probs[r,v] = exp(logits[r,v] − max_r) / Σ_v' exp(logits[r,v'] − max_r)</c>
    /// (the row maximum is subtracted for stability). Overwrites <paramref name="probs"/>.
    /// </summary>
    /// <param name="probs">Probabilities, <c>rows·vocab</c> floats. May be the same span as <paramref name="logits"/>.</param>
    /// <param name="logits">Unnormalised scores, <c>rows·vocab</c> floats.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="vocab">Vocabulary size; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void Softmax(Span<float> probs, ReadOnlySpan<float> logits, int rows, int vocab)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(vocab, nameof(vocab));
        Guard.Length(probs.Length, nameof(probs), "rows·vocab", rows, vocab);
        Guard.Length(logits.Length, nameof(logits), "rows·vocab", rows, vocab);

        for (int r = 0; r < rows; r++)
            Vectors.Softmax(logits.Slice(r * vocab, vocab), probs.Slice(r * vocab, vocab));
    }

    /// <summary>
    /// Per-row loss <c>losses[r] = −ln(probs[r, targets[r]])</c>. Every target is checked before anything
    /// is written. Overwrites <paramref name="losses"/>. A target probability that underflowed to 0 (a logit
    /// about 100 below the row's maximum) gives +∞: when the logits are at hand, prefer
    /// <see cref="Forward(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{int}, int, int)"/>.
    /// </summary>
    /// <param name="losses">Per-row losses, <c>rows</c> floats.</param>
    /// <param name="probs">Probabilities from <see cref="Softmax"/>, <c>rows·vocab</c> floats.</param>
    /// <param name="targets">Target ids, <c>rows</c> ints, each in <c>[0, vocab)</c>.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="vocab">Vocabulary size; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or a target is outside <c>[0, vocab)</c>.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void Forward(Span<float> losses, ReadOnlySpan<float> probs, ReadOnlySpan<int> targets, int rows, int vocab)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(vocab, nameof(vocab));
        Guard.Length(losses.Length, nameof(losses), "rows", rows);
        Guard.Length(probs.Length, nameof(probs), "rows·vocab", rows, vocab);
        Guard.Length(targets.Length, nameof(targets), "rows", rows, unit: "ints");
        Guard.Indices(targets, vocab, nameof(targets), "vocab");

        for (int r = 0; r < rows; r++)
            losses[r] = -MathF.Log(probs[r * vocab + targets[r]]);
    }

    /// <summary>
    /// Per-row loss <c>losses[r] = logsumexp(logits[r]) − logits[r, targets[r]]</c>, finite however confident
    /// the prediction. The log-sum-exp comes from the row's largest logit and its probability
    /// (<c>logsumexp = max − ln(probs[max])</c>), which is at least <c>1/vocab</c> and so never underflows:
    /// no second pass of exponentials. Every target is checked before anything is written.
    /// </summary>
    /// <param name="losses">Per-row losses, <c>rows</c> floats (overwritten).</param>
    /// <param name="probs">Probabilities from <see cref="Softmax"/> of <paramref name="logits"/>, <c>rows·vocab</c> floats.</param>
    /// <param name="logits">The logits the probabilities were computed from, <c>rows·vocab</c> floats.</param>
    /// <param name="targets">Target ids, <c>rows</c> ints, each in <c>[0, vocab)</c>.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="vocab">Vocabulary size; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or a target is outside <c>[0, vocab)</c>.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void Forward(Span<float> losses, ReadOnlySpan<float> probs, ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int rows, int vocab)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(vocab, nameof(vocab));
        Guard.Length(losses.Length, nameof(losses), "rows", rows);
        Guard.Length(probs.Length, nameof(probs), "rows·vocab", rows, vocab);
        Guard.Length(logits.Length, nameof(logits), "rows·vocab", rows, vocab);
        Guard.Length(targets.Length, nameof(targets), "rows", rows, unit: "ints");
        Guard.Indices(targets, vocab, nameof(targets), "vocab");

        for (int r = 0; r < rows; r++)
        {
            var row = logits.Slice(r * vocab, vocab);
            int top = 0;
            for (int v = 1; v < vocab; v++)
                if (row[v] > row[top]) top = v;
            losses[r] = (row[top] - row[targets[r]]) - MathF.Log(probs[r * vocab + top]);
        }
    }

    /// <summary>
    /// Gradient of <c>scale·Σ_r losses[r]</c> with respect to the logits:
    /// <c>dLogits[r,v] += scale·(probs[r,v] − [v = targets[r]])</c>. Accumulates. Every target is checked
    /// before anything is written.
    /// </summary>
    /// <param name="dLogits">Logit gradient, <c>rows·vocab</c> floats (accumulated).</param>
    /// <param name="probs">Probabilities from <see cref="Softmax"/>, <c>rows·vocab</c> floats.</param>
    /// <param name="targets">Target ids, <c>rows</c> ints, each in <c>[0, vocab)</c>.</param>
    /// <param name="scale">Factor on the loss, typically <c>1 / rows</c> for a mean loss.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="vocab">Vocabulary size; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or a target is outside <c>[0, vocab)</c>.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void Backward(Span<float> dLogits, ReadOnlySpan<float> probs, ReadOnlySpan<int> targets, float scale, int rows, int vocab)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(vocab, nameof(vocab));
        Guard.Length(dLogits.Length, nameof(dLogits), "rows·vocab", rows, vocab);
        Guard.Length(probs.Length, nameof(probs), "rows·vocab", rows, vocab);
        Guard.Length(targets.Length, nameof(targets), "rows", rows, unit: "ints");
        Guard.Indices(targets, vocab, nameof(targets), "vocab");

        for (int r = 0; r < rows; r++)
        {
            var d = dLogits.Slice(r * vocab, vocab);
            Vectors.Axpy(scale, probs.Slice(r * vocab, vocab), d);
            d[targets[r]] -= scale;
        }
    }
}
