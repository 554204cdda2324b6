using System;

namespace Residual.Samples;

/// <summary>
/// The fixed character vocabulary of the sample: newline plus the 95 printable ASCII characters.
/// It is fixed in code, not read from the text, because the model's <c>Vocab</c> is a compile-time
/// constant of its <c>[Model]</c> declaration. Token 0 is <c>'\n'</c>, token <c>c − 31</c> is the
/// character <c>c</c> for <c>' ' ≤ c ≤ '~'</c>.
/// </summary>
public static class CharVocabulary
{
    /// <summary>Number of symbols: newline + 95 printable ASCII characters.</summary>
    public const int Size = 96;

    /// <summary>What characters outside the vocabulary become (tabs become a space).</summary>
    public const char Fallback = '?';

    /// <summary>The token of one character; characters outside the vocabulary map to <see cref="Fallback"/>.</summary>
    public static int Encode(char c) => c switch
    {
        '\n' => 0,
        '\t' => ' ' - 31,
        >= ' ' and <= '~' => c - 31,
        _ => Fallback - 31,
    };

    /// <summary>Encodes a text, one token per character.</summary>
    public static int[] Encode(ReadOnlySpan<char> text)
    {
        var tokens = new int[text.Length];
        for (int i = 0; i < text.Length; i++) tokens[i] = Encode(text[i]);
        return tokens;
    }

    /// <summary>The character of a token.</summary>
    public static char Decode(int token) =>
        (uint)token < Size ? (token == 0 ? '\n' : (char)(token + 31))
        : throw new ArgumentOutOfRangeException(nameof(token), token, $"Tokens are in [0, {Size}).");

    /// <summary>Decodes tokens back to text.</summary>
    public static string Decode(ReadOnlySpan<int> tokens)
    {
        var chars = new char[tokens.Length];
        for (int i = 0; i < tokens.Length; i++) chars[i] = Decode(tokens[i]);
        return new string(chars);
    }
}
