using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace Residual.Generators.Tests.Infrastructure;

/// <summary>
/// User source plus generated source, emitted to memory and loaded into a collectible
/// <see cref="AssemblyLoadContext"/> (unloaded on dispose). Every dependency, Residual.Runtime included,
/// resolves to the copy the test process already loaded, so the generated types implement the very
/// <see cref="IBlock"/> and <see cref="LanguageModel"/> the tests cast to.
/// </summary>
public sealed class GeneratedAssembly : IDisposable
{
    private readonly LoadContext _context;

    public GeneratedAssembly(string assemblyName, params string[] sources)
    {
        Run = GeneratorHarness.RunAs(assemblyName, sources);
        Run.AssertNoGeneratorException();
        using var image = new MemoryStream();
        var emitted = Run.Output.Emit(image);
        // Emit reports the compilation's warnings too: the run tests' declarations must compile cleanly as well.
        var problems = emitted.Diagnostics.Where(d => d.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning).ToList();
        if (!emitted.Success || problems.Count > 0)
            throw new InvalidOperationException("The generated code does not compile cleanly:\n" + string.Join("\n", problems.Take(20).Select(GeneratorRun.Describe)));
        // Valid declarations, so Residual's analyzer has nothing to say about them either.
        var analyzer = AnalyzerHarness.Analyze(Run);
        if (analyzer.Length > 0)
            throw new InvalidOperationException("The analyzer reports on a declaration that was generated:\n" + string.Join("\n", analyzer.Select(GeneratorRun.Describe)));
        image.Position = 0;
        _context = new LoadContext(assemblyName);
        Assembly = _context.LoadFromStream(image);
    }

    public GeneratorRun Run { get; }

    public Assembly Assembly { get; }

    public Type Type(string fullName) =>
        Assembly.GetType(fullName, throwOnError: false) ?? throw new InvalidOperationException($"No type '{fullName}' in the generated assembly.");

    /// <summary>A standalone generated block, through its <c>(ModelOptions? options)</c> constructor.</summary>
    public IBlock CreateBlock(string fullName, ModelOptions? options = null) =>
        (IBlock)Construct(Type(fullName), options);

    /// <summary>A generated model, through its <c>(ModelOptions? options)</c> constructor.</summary>
    public LanguageModel CreateModel(string fullName, ModelOptions? options = null) =>
        (LanguageModel)Construct(Type(fullName), options);

    private static object Construct(Type type, ModelOptions? options)
    {
        var constructor = type.GetConstructor(new[] { typeof(ModelOptions) })
            ?? throw new InvalidOperationException($"{type} has no (ModelOptions? options) constructor.");
        return constructor.Invoke(new object?[] { options });
    }

    public void Dispose() => _context.Unload();

    private sealed class LoadContext(string name) : AssemblyLoadContext(name, isCollectible: true)
    {
        // null: let the default context resolve it (the already loaded Residual.Runtime, System.*).
        protected override Assembly? Load(AssemblyName assemblyName) => null;
    }
}
