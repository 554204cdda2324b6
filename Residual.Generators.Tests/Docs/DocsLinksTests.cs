using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace Residual.Generators.Tests.Docs;

/// <summary>Relative links of the docs pages point to files that exist and, with a <c>#fragment</c>, to a heading there.</summary>
public sealed class DocsLinksTests
{
    public static TheoryData<string> Pages => new(
        Directory.GetFiles(MarkdownExamples.DocsFolder, "*.md", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(MarkdownExamples.DocsFolder, p).Replace('\\', '/')).OrderBy(p => p, StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Pages))]
    public void Relative_links_point_to_existing_files_and_headings(string page)
    {
        string path = Path.Combine(MarkdownExamples.DocsFolder, page);
        var broken = new List<string>();
        foreach (var target in Links(File.ReadAllText(path)))
        {
            if (Regex.IsMatch(target, @"^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)) continue; // https:, mailto:
            int hash = target.IndexOf('#');
            string file = hash < 0 ? target : target[..hash], anchor = hash < 0 ? "" : target[(hash + 1)..];
            string resolved = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, Uri.UnescapeDataString(file)));
            if (!File.Exists(resolved) && !Directory.Exists(resolved)) { broken.Add($"{target}: no such file"); continue; }
            if (anchor.Length > 0 && (!resolved.EndsWith(".md", StringComparison.Ordinal) || !Anchors(File.ReadAllText(resolved)).Contains(anchor)))
                broken.Add($"{target}: no heading '#{anchor}' there");
        }
        Assert.True(broken.Count == 0, $"docs/{page} has broken links:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void Headings_become_anchors_the_way_GitHub_makes_them() =>
        Assert.Equal(["the-dsl-reference", "residual-scale--alpha", "forwardbackward"], Anchors("# The DSL reference\n## `[Residual]` scale & alpha\n### Forward/Backward\n"));

    /// <summary>Targets of inline links and images, outside code (fenced blocks and inline code spans).</summary>
    private static IEnumerable<string> Links(string markdown)
    {
        string text = Regex.Replace(markdown, @"^ {0,3}(`{3,}).*?^ {0,3}\1`*\s*$", "", RegexOptions.Singleline | RegexOptions.Multiline);
        text = Regex.Replace(text, @"`[^`\n]*`", "");
        return Regex.Matches(text, @"\]\((?<t>[^)\s]+)(\s+""[^""]*"")?\)").Select(m => m.Groups["t"].Value);
    }

    /// <summary>GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered.</summary>
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>();
        string text = Regex.Replace(markdown, @"^ {0,3}(`{3,}).*?^ {0,3}\1`*\s*$", "", RegexOptions.Singleline | RegexOptions.Multiline);
        foreach (Match m in Regex.Matches(text, @"^#{1,6}\s+(?<h>.+?)\s*#*\s*$", RegexOptions.Multiline))
        {
            string slug = Regex.Replace(m.Groups["h"].Value.ToLowerInvariant(), @"[^\p{L}\p{Nd}\s_-]", "").Replace(' ', '-');
            counts.TryGetValue(slug, out int n);
            counts[slug] = n + 1;
            anchors.Add(n == 0 ? slug : $"{slug}-{n}");
        }
        return anchors;
    }
}
