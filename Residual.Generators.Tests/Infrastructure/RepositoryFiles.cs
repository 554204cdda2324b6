using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace Residual.Generators.Tests.Infrastructure;

/// <summary>Files of the repository that tests hold to their word: the README, the docs pages, release tracking.</summary>
public static class RepositoryFiles
{
    /// <summary>The repository's root (the test project's parent directory).</summary>
    public static string Root => Path.GetFullPath(Path.Combine(Snapshot.ProjectDirectory, ".."));

    /// <summary>A path below <see cref="Root"/>.</summary>
    public static string PathOf(params string[] parts) => Path.Combine(new[] { Root }.Concat(parts).ToArray());

    /// <summary>The text of a file below <see cref="Root"/>.</summary>
    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    /// <summary>The contents of every <c>```csharp</c> fenced block of <paramref name="markdown"/>, in order.</summary>
    public static IReadOnlyList<string> CSharpBlocks(string markdown) =>
        Regex.Matches(markdown, @"^```csharp\r?\n(.*?)^```\s*$", RegexOptions.Singleline | RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).ToList();
}
