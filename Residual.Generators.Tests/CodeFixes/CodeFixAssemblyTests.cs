using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Residual.CodeFixes.Fixes;
using Residual.Generators.Analyzers;
using Xunit;

namespace Residual.Generators.Tests.CodeFixes;

/// <summary>What an IDE needs of Residual.CodeFixes.dll, checked over every provider in it.</summary>
public sealed class CodeFixAssemblyTests
{
    private static readonly Assembly CodeFixes = typeof(MissingResidualCodeFix).Assembly;

    private static IEnumerable<Type> Providers() =>
        CodeFixes.GetTypes().Where(t => typeof(CodeFixProvider).IsAssignableFrom(t) && !t.IsAbstract);

    [Fact]
    public void Every_provider_is_exported_for_CSharp_and_fixes_only_diagnostics_the_analyzer_reports()
    {
        var supported = new DeclarationAnalyzer().SupportedDiagnostics.Select(d => d.Id).ToHashSet();
        var fixedIds = new List<string>();
        foreach (var type in Providers())
        {
            var export = type.GetCustomAttribute<ExportCodeFixProviderAttribute>();
            Assert.True(export is not null, $"{type.Name} has no [ExportCodeFixProvider]: the IDE would not find it.");
            Assert.Contains(LanguageNames.CSharp, export!.Languages);
            var provider = (CodeFixProvider)Activator.CreateInstance(type)!;
            Assert.NotEmpty(provider.FixableDiagnosticIds);
            Assert.All(provider.FixableDiagnosticIds, id => Assert.Contains(id, supported));
            Assert.NotNull(provider.GetFixAllProvider());
            fixedIds.AddRange(provider.FixableDiagnosticIds);
        }
        // The fixes issue 3 asks for, and the two added beside them (RES0014, RES0015).
        Assert.Equal(
            ["RES0001", "RES0002", "RES0003", "RES0004", "RES0010", "RES0011", "RES0014", "RES0015"],
            fixedIds.Distinct().OrderBy(id => id, StringComparer.Ordinal));
    }

    [Fact]
    public void The_code_fix_assembly_loads_as_an_analyzer_reference_beside_the_generator()
    {
        // The compiler scans every analyzer assembly of a package: this one must load and contribute no analyzer or
        // generator of its own (those stay in Residual.Generators, which must not reference Workspaces).
        var failures = new List<string>();
        var reference = new AnalyzerFileReference(CodeFixes.Location, new Loader());
        reference.AnalyzerLoadFailed += (_, e) => failures.Add($"{e.ErrorCode}: {e.Message}");
        Assert.Empty(reference.GetAnalyzersForAllLanguages());
        Assert.Empty(reference.GetGeneratorsForAllLanguages());
        Assert.Empty(failures);
        Assert.DoesNotContain(typeof(ResidualGenerator).Assembly.GetReferencedAssemblies(), a => a.Name == "Microsoft.CodeAnalysis.Workspaces");
    }

    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath) { }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
