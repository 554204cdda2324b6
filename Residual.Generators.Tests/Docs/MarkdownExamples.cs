using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Residual.Generators.Tests.Infrastructure;

namespace Residual.Generators.Tests.Docs;

/// <summary>What a fenced C# block of a docs page is, read from its info string (see <c>docs/README.md</c>, "Examples are tested").</summary>
public enum ExampleKind
{
    /// <summary><c>```csharp</c>: a complete <c>Program.cs</c> (or library file) that builds cleanly and, if it is a program, runs.</summary>
    Complete,

    /// <summary><c>```csharp part=NAME</c>: one piece of a program made of every block of the page with the same NAME.</summary>
    Part,

    /// <summary><c>```csharp excerpt=HINT</c>: lines of the generated file HINT (a declaration's, or the shared <c>Residual.Simd.g.cs</c>), each of which the generator really writes.</summary>
    Excerpt,

    /// <summary><c>```csharp diagnostic=RES00xx</c>: a declaration that is wrong on purpose and gets exactly that diagnostic.</summary>
    Diagnostic,

    /// <summary><c>```csharp fragment(T a, U b)</c>: statements that compile as the body of a method with those parameters.</summary>
    Fragment,
}

/// <summary>One fenced block of a Markdown page.</summary>
/// <param name="Page">The page, relative to <c>docs/</c>, with <c>/</c> separators.</param>
/// <param name="Line">1-based line of the opening fence.</param>
/// <param name="Language">First word of the info string (<c>csharp</c>, <c>text</c>, <c>bash</c>…).</param>
/// <param name="Info">The rest of the info string, trimmed.</param>
/// <param name="Code">The block's text.</param>
public sealed record Fence(string Page, int Line, string Language, string Info, string Code)
{
    public override string ToString() => $"{Page}:{Line} ```{Language} {Info}".TrimEnd();
}

/// <summary>A fenced C# block with its kind and argument (the part name, hint name, diagnostic id or parameter list).</summary>
public sealed record Example(Fence Fence, ExampleKind Kind, string Argument)
{
    public override string ToString() => Fence.ToString();
}

/// <summary>Reads the fenced blocks of the docs pages and classifies the C# ones by their info string.</summary>
public static class MarkdownExamples
{
    /// <summary>The docs folder.</summary>
    public static string DocsFolder => RepositoryFiles.PathOf("docs");

    /// <summary>
    /// Every Markdown page under <c>docs/</c> whose C# blocks this convention covers: all of them but the pages of
    /// single diagnostics (<c>docs/diagnostics/RES*.md</c>), whose "Wrong"/"Right" blocks <c>DiagnosticsDocsTests</c> checks.
    /// </summary>
    public static IReadOnlyList<string> Pages() =>
        Directory.GetFiles(DocsFolder, "*.md", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(DocsFolder, p).Replace('\\', '/'))
            .Where(p => !Regex.IsMatch(p, @"^diagnostics/RES\d{4}\.md$"))
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToList();

    /// <summary>The fenced blocks of a page (backtick fences of three or more, as CommonMark reads them).</summary>
    public static IReadOnlyList<Fence> Fences(string page)
    {
        var lines = File.ReadAllText(Path.Combine(DocsFolder, page)).Replace("\r\n", "\n").Split('\n');
        var fences = new List<Fence>();
        for (int i = 0; i < lines.Length; i++)
        {
            var open = Regex.Match(lines[i], @"^(?<indent> {0,3})(?<ticks>`{3,})(?<info>[^`]*)$");
            if (!open.Success) continue;
            string ticks = open.Groups["ticks"].Value, info = open.Groups["info"].Value.Trim();
            int start = i;
            var body = new List<string>();
            for (i++; i < lines.Length && !Regex.IsMatch(lines[i], @"^ {0,3}" + ticks + @"`*\s*$"); i++) body.Add(lines[i]);
            int space = info.IndexOf(' ');
            string language = space < 0 ? info : info[..space];
            string rest = space < 0 ? "" : info[(space + 1)..].Trim();
            fences.Add(new Fence(page, start + 1, language, rest, string.Join("\n", body) + "\n"));
        }
        return fences;
    }

    /// <summary>Whether a fence's language says C# (any spelling a renderer would highlight as C#).</summary>
    public static bool IsCSharp(Fence fence) =>
        fence.Language.Equals("csharp", StringComparison.OrdinalIgnoreCase)
        || fence.Language.Equals("cs", StringComparison.OrdinalIgnoreCase)
        || fence.Language.Equals("c#", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The kind of a C# block, or an explanation of why its info string is not part of the convention (then the
    /// test fails: no C# block is skipped silently).
    /// </summary>
    public static Example Classify(Fence fence)
    {
        if (fence.Language != "csharp")
            throw new FormatException($"{fence}: write the language as 'csharp' (the convention's only spelling).");
        string info = fence.Info;
        if (info.Length == 0) return new Example(fence, ExampleKind.Complete, "");
        if (Regex.Match(info, @"^part=(?<v>[A-Za-z0-9_-]+)$") is { Success: true } part) return new Example(fence, ExampleKind.Part, part.Groups["v"].Value);
        if (Regex.Match(info, @"^excerpt=(?<v>[A-Za-z0-9_.]+\.Residual\.g\.cs|Residual\.Simd\.g\.cs)$") is { Success: true } excerpt) return new Example(fence, ExampleKind.Excerpt, excerpt.Groups["v"].Value);
        if (Regex.Match(info, @"^diagnostic=(?<v>RES\d{4})$") is { Success: true } diagnostic) return new Example(fence, ExampleKind.Diagnostic, diagnostic.Groups["v"].Value);
        if (Regex.Match(info, @"^fragment\((?<v>[^)]*)\)$") is { Success: true } fragment) return new Example(fence, ExampleKind.Fragment, fragment.Groups["v"].Value);
        throw new FormatException(
            $"{fence}: unknown info string '{info}'. Known: (nothing), part=NAME, excerpt=Type.Residual.g.cs, excerpt=Residual.Simd.g.cs, diagnostic=RES00xx, fragment(parameters); see docs/README.md.");
    }
}
