using System;
using System.Collections.Generic;
using System.Linq;

namespace Residual.Benchmarks;

/// <summary>The <c>--name value</c> options that <see cref="CompareMode"/> and <see cref="ProfileMode"/> share.</summary>
internal static class ModeOptions
{
    /// <summary>The value after <paramref name="name"/>, or null when it is not given.</summary>
    public static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary><c>--configs S,M</c>; every config by default.</summary>
    public static List<BenchConfig> Configs(string[] args) =>
        Option(args, "--configs")?.Split(',').Select(BenchConfig.Named).ToList() ?? BenchConfig.All.ToList();

    /// <summary><c>--threads 1,2</c>; by default one thread and every core.</summary>
    public static List<int> Threads(string[] args) =>
        Option(args, "--threads")?.Split(',').Select(int.Parse).ToList()
        ?? (Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1]);
}
