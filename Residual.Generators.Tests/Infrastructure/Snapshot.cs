using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Xunit.Sdk;

namespace Residual.Generators.Tests.Infrastructure;

/// <summary>
/// Snapshot files in Verify's layout, so that switching to Verify.SourceGenerators later is a rename:
/// <code>
///   Snapshots/{TestClass}.{TestMethod}#{HintName without .cs}.verified.cs
///   e.g. Snapshots/GeneratedSourceSnapshotTests.Gpt_block#GptBlock.Residual.g.verified.cs
/// </code>
/// next to the test file, one file per generated source. On a mismatch (or a missing snapshot) the new
/// text goes to the same name with <c>.received.cs</c> (git-ignored) and the test fails. To accept:
/// run the tests with <c>ACCEPT_SNAPSHOTS=1</c> (received text becomes verified), or rename the
/// received file. Verified snapshots of this test that no longer match any generated source fail the
/// test too (and are deleted on accept). Line endings are normalised to <c>\n</c>.
/// </summary>
public static class Snapshot
{
    private const string Verified = ".verified.cs", Received = ".received.cs";

    private static bool Accept =>
        Environment.GetEnvironmentVariable("ACCEPT_SNAPSHOTS") is { } v && (v == "1" || v.Equals("true", StringComparison.OrdinalIgnoreCase));

    /// <summary>Checks every generated source (hint name → text) against this test's snapshots.</summary>
    public static void Match(IReadOnlyDictionary<string, string> sources, [CallerFilePath] string testFile = "", [CallerMemberName] string testMethod = "")
    {
        string dir = SnapshotDirectory(testFile);
        string prefix = Path.GetFileNameWithoutExtension(testFile) + "." + testMethod;
        var failures = new List<string>();
        var expected = new HashSet<string>(StringComparer.Ordinal);

        foreach (var (hint, text) in sources.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            string stem = Path.Combine(dir, prefix + "#" + StripCs(hint));
            expected.Add(stem + Verified);
            string? failure = Check(stem, Normalize(text));
            if (failure is not null) failures.Add(failure);
        }

        if (Directory.Exists(dir))
            foreach (var stale in Directory.GetFiles(dir, prefix + "#*" + Verified).Where(f => !expected.Contains(f)))
            {
                if (Accept) File.Delete(stale);
                else failures.Add($"{Path.GetFileName(stale)} matches no generated source any more; delete it (or run with ACCEPT_SNAPSHOTS=1).");
            }

        if (failures.Count > 0)
            throw new XunitException(string.Join("\n\n", failures));
    }

    private static string? Check(string stem, string text)
    {
        string verified = stem + Verified, received = stem + Received;
        bool exists = File.Exists(verified);
        if (exists && Normalize(File.ReadAllText(verified)) == text)
        {
            if (File.Exists(received)) File.Delete(received);
            return null;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(verified)!);
        if (Accept)
        {
            File.WriteAllText(verified, text);
            if (File.Exists(received)) File.Delete(received);
            return null;
        }
        File.WriteAllText(received, text);
        string what = exists ? "does not match" : "is missing";
        return $"Snapshot {Path.GetFileName(verified)} {what}.\n" +
               $"  received: {received}\n" +
               $"  compare:  diff \"{verified}\" \"{received}\"\n" +
               "  accept:   rerun with ACCEPT_SNAPSHOTS=1, or rename the .received.cs file to .verified.cs";
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").Replace("\r", "\n");

    private static string StripCs(string hint) => hint.EndsWith(".cs", StringComparison.Ordinal) ? hint[..^3] : hint;

    /// <summary>
    /// <c>Snapshots/</c> beside the test file. When the compiler mapped source paths (deterministic CI
    /// builds write <c>/_/...</c>), falls back to the project directory recorded in the assembly's metadata.
    /// </summary>
    private static string SnapshotDirectory(string testFile)
    {
        string? dir = Path.GetDirectoryName(testFile);
        if (dir is not null && Directory.Exists(dir)) return Path.Combine(dir, "Snapshots");
        return Path.Combine(ProjectDirectory, "Snapshots");
    }

    /// <summary>The test project's directory, as recorded in the assembly's metadata at build time.</summary>
    public static string ProjectDirectory =>
        typeof(Snapshot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ProjectDirectory")?.Value
            ?? throw new InvalidOperationException("No ProjectDirectory metadata on the test assembly: cannot locate the test sources.");
}
