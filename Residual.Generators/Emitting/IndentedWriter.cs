using System;
using System.Text;

namespace Residual.Generators.Emitting;

/// <summary>Writes C# text line by line with four-space indentation and <c>\n</c> line ends (stable snapshots on every OS).</summary>
internal sealed class IndentedWriter
{
    private readonly StringBuilder _text = new();
    private int _depth;

    public IndentedWriter Line(string line = "")
    {
        if (line.Length > 0) _text.Append(' ', _depth * 4).Append(line);
        _text.Append('\n');
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

    public override string ToString() => _text.ToString();

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
