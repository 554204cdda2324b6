using System;
using System.IO;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Residual.Benchmarks;

/// <summary>
/// The built Residual.Generators.dll, loaded as the compiler loads it, for the analyzer- and generator-cost benchmarks.
/// <c>RESIDUAL_GENERATOR_DLL</c> names another build (to compare two versions).
/// </summary>
internal static class GeneratorAssembly
{
    /// <summary>The dll's path: <c>RESIDUAL_GENERATOR_DLL</c>, else the Release build found above this program's folder.</summary>
    public static string Path()
    {
        if (Environment.GetEnvironmentVariable("RESIDUAL_GENERATOR_DLL") is { Length: > 0 } path) return path;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "Residual.Generators", "bin", "Release", "netstandard2.0", "Residual.Generators.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("Build Residual.Generators in Release first (dotnet build Residual.Generators -c Release).");
    }

    /// <summary>The dll as an analyzer reference (its generators and analyzers).</summary>
    public static AnalyzerFileReference Reference() => new(Path(), new Loader());

    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath) { }

        public System.Reflection.Assembly LoadFromPath(string fullPath) => System.Reflection.Assembly.LoadFrom(fullPath);
    }
}
