using System;
using System.Text;

namespace Residual.Generators.Emitting;

/// <summary>Writes C# text line by line with four-space indentation and <c>\n</c> line ends (stable snapshots on every OS).</summary>
/// <remarks>
/// A generated file runs to tens of thousands of characters: a builder grown from empty would allocate its chunks and then
/// copy them all again. Each thread keeps one builder (given back by <see cref="Complete"/>), so a file costs its text alone.
/// </remarks>
internal sealed class IndentedWriter
{
    /// <summary>Larger builders are not kept: one unusual file must not pin its memory for good.</summary>
    private const int MaxKeptCapacity = 1 << 20;

    [ThreadStatic]
    private static StringBuilder? t_spare;

    private StringBuilder? _text;
    private int _depth;

    public IndentedWriter()
    {
        _text = t_spare ?? new StringBuilder(16 * 1024);
        t_spare = null;
    }

    private StringBuilder Text => _text ?? throw new InvalidOperationException("The writer's text was already taken (Complete).");

    public IndentedWriter Line(string line = "")
    {
        var text = Text;
        if (line.Length > 0) text.Append(' ', _depth * 4).Append(line);
        text.Append('\n');
        return this;
    }

    /// <summary>Appends text written by another writer at depth zero (so, here, only at depth zero too).</summary>
    public IndentedWriter Raw(string text)
    {
        if (_depth != 0) throw new InvalidOperationException("Raw text is written at depth zero only.");
        Text.Append(text);
        return this;
    }

    /// <summary>Writes several lines (split on <c>\n</c>) at the current indentation.</summary>
    public IndentedWriter Lines(string lines)
    {
        foreach (var line in lines.Replace("\r\n", "\n").TrimEnd('\n').Split('\n')) Line(line.TrimEnd());
        return this;
    }

    /// <summary>Writes <paramref name="header"/>, an opening brace, and indents until the returned scope is disposed.</summary>
    public Scope Block(string header)
    {
        if (header.Length > 0) Line(header);
        Line("{");
        _depth++;
        return new Scope(this);
    }

    public IndentedWriter Indent() { _depth++; return this; }

    public IndentedWriter Outdent() { _depth--; return this; }

    public override string ToString() => Text.ToString();

    /// <summary>The text written, after which the writer is done: its buffer goes back for the next file on this thread.</summary>
    public string Complete()
    {
        var text = Text;
        string result = text.ToString();
        _text = null;
        if (text.Capacity <= MaxKeptCapacity)
        {
            text.Clear();
            t_spare = text;
        }
        return result;
    }

    internal readonly struct Scope : IDisposable
    {
        private readonly IndentedWriter _writer;

        public Scope(IndentedWriter writer) => _writer = writer;

        public void Dispose()
        {
            _writer._depth--;
            _writer.Line("}");
        }
    }
}
