using System;
using System.IO;
using System.Reflection;
using System.Security.Cryptography;

namespace Residual.Samples;

/// <summary>
/// A text as tokens, split into a training part (the first 90%) and a held-out validation part (the rest),
/// with batches of <c>(tokens, next tokens)</c> windows.
/// </summary>
public sealed class TextCorpus
{
    private const string EmbeddedStories = "Residual.Samples.stories.txt";

    /// <summary>Splits <paramref name="text"/> into training and validation tokens.</summary>
    /// <param name="name">Where the text came from, for messages.</param>
    /// <param name="text">The text; line endings are normalised to <c>\n</c>.</param>
    /// <param name="validationFraction">Share of the text, from its end, held out for validation.</param>
    /// <param name="window">The longest window a batch will ask for; both parts must be longer.</param>
    public TextCorpus(string name, string text, double validationFraction, int window)
    {
        Name = name;
        text = text.ReplaceLineEndings("\n");
        Characters = text.Length;
        var tokens = CharVocabulary.Encode(text);
        int split = (int)(tokens.Length * (1 - validationFraction));
        Train = tokens[..split];
        Validation = tokens[split..];
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(tokens.AsSpan())));
        if (Train.Length <= window || Validation.Length <= window)
            throw new ArgumentException($"{name} is too short: {Train.Length} training and {Validation.Length} validation tokens, but windows are {window + 1} tokens long.", nameof(text));
    }

    /// <summary>The sample's own text: short stories written by <c>Data/MakeCorpus.cs</c>, embedded in the assembly.</summary>
    public static TextCorpus Stories(double validationFraction, int window)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(EmbeddedStories)
            ?? throw new InvalidOperationException($"The embedded resource {EmbeddedStories} is missing from the build.");
        using var reader = new StreamReader(stream);
        return new TextCorpus("stories.txt", reader.ReadToEnd(), validationFraction, window);
    }

    /// <summary>Reads a UTF-8 text file; characters outside the vocabulary become <see cref="CharVocabulary.Fallback"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static TextCorpus FromFile(string path, double validationFraction, int window) =>
        new(Path.GetFileName(path), File.ReadAllText(path), validationFraction, window);

    /// <summary>SHA-256 of the text's tokens, so that a resumed run can check it trains on the same text.</summary>
    public string Fingerprint { get; }

    /// <summary>Where the text came from.</summary>
    public string Name { get; }

    /// <summary>Characters in the whole text.</summary>
    public int Characters { get; }

    /// <summary>The training tokens.</summary>
    public int[] Train { get; }

    /// <summary>The validation tokens.</summary>
    public int[] Validation { get; }

    /// <summary>
    /// Fills the training batch of step <paramref name="step"/>: <paramref name="batch"/> windows of <paramref name="time"/>
    /// tokens from <paramref name="source"/> at offsets drawn from <paramref name="seed"/> and the step alone, and their
    /// targets (each window shifted by one). Having no sampler state, a resumed run draws exactly the batches the
    /// uninterrupted run would have drawn.
    /// </summary>
    public static void TrainingBatch(int[] source, ulong seed, int step, Span<int> tokens, Span<int> targets, int batch, int time)
    {
        ulong starts = (ulong)(source.Length - time);
        for (int b = 0; b < batch; b++)
        {
            ulong bits = Mix(seed, (ulong)step * (ulong)batch + (ulong)b);
            // Uniform in [0, starts): the high half of a 64×64-bit product (no modulo bias to speak of).
            int start = (int)Math.BigMul(bits, starts, out _);
            Window(source, start, tokens.Slice(b * time, time), targets.Slice(b * time, time));
        }
    }

    // SplitMix64's finaliser over (seed, index): a counter-based generator.
    private static ulong Mix(ulong seed, ulong index)
    {
        ulong z = seed * 0x9E3779B97F4A7C15UL + (index + 1) * 0xD1B54A32D192ED03UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// Fills batch number <paramref name="index"/> of <paramref name="count"/> fixed batches whose windows are
    /// spread evenly over <paramref name="source"/>: the same every time, so validation losses compare.
    /// </summary>
    public static void FixedBatch(int[] source, int index, int count, Span<int> tokens, Span<int> targets, int batch, int time)
    {
        int windows = count * batch;
        long span = source.Length - time - 1;
        for (int b = 0; b < batch; b++)
        {
            int w = index * batch + b;
            Window(source, (int)(span * w / Math.Max(1, windows - 1)), tokens.Slice(b * time, time), targets.Slice(b * time, time));
        }
    }

    private static void Window(int[] source, int start, Span<int> tokens, Span<int> targets)
    {
        source.AsSpan(start, tokens.Length).CopyTo(tokens);
        source.AsSpan(start + 1, targets.Length).CopyTo(targets);
    }
}
