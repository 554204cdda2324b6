using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Residual.Benchmarks;

/// <summary>
/// What Residual's generator costs the IDE and the build, on projects of 1, 10 and 200 declared blocks (the source of
/// <see cref="AnalyzerCostBenchmarks.Source"/>: 2–3 sublayers each, and a model for every tenth block, so 1, 1 and 20
/// models). The generator is loaded from the built Residual.Generators.dll, as the compiler loads it.
/// </summary>
/// <remarks>
/// <para><b>Cold</b>: a new driver over a new compilation (a build, or the IDE opening the project): every declaration
/// is bound, read and emitted. <b>Incremental</b>: a driver that has already run, over the compilation after an edit
/// in another file that declares nothing (a comment added, or a method body changed): what every keystroke costs.</para>
/// <para><c>dotnet run --project Residual.Benchmarks -c Release -- --filter '*GeneratorCost*'</c>; a quick table of
/// medians with <c>dotnet run --project Residual.Benchmarks -c Release -- generator-cost</c>.</para>
/// </remarks>
[MemoryDiagnoser]
public class GeneratorCostBenchmarks
{
    private Project _project = null!;
    private GeneratorDriver _ran = null!;
    private int _edit;

    [Params(1, 10, 200)]
    public int Blocks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _project = Project.Create(Blocks);
        _ran = _project.NewDriver().RunGenerators(_project.Compilation);
    }

    /// <summary>A new driver over a compilation that has bound nothing yet.</summary>
    [Benchmark]
    public GeneratorDriver Cold() => _project.NewDriver().RunGenerators(_project.Compilation.Clone());

    /// <summary>The driver that has run, over a new compilation with a comment added in the other file.</summary>
    [Benchmark]
    public GeneratorDriver IncrementalComment() => _ran.RunGenerators(_project.WithComment(_edit++));

    /// <summary>The driver that has run, over a new compilation with a method body changed in the other file.</summary>
    [Benchmark]
    public GeneratorDriver IncrementalMethodBody() => _ran.RunGenerators(_project.WithMethodBody(_edit++));

    /// <summary>A compilation of <c>Blocks.cs</c> (the declarations) and <c>Other.cs</c> (a class that declares nothing for the generator).</summary>
    public sealed class Project
    {
        private readonly ISourceGenerator[] _generators;
        private readonly CSharpParseOptions _parse = new(LanguageVersion.Latest);
        private readonly SyntaxTree _other;

        private Project(CSharpCompilation compilation, SyntaxTree other, ISourceGenerator[] generators) =>
            (Compilation, _other, _generators) = (compilation, other, generators);

        public CSharpCompilation Compilation { get; }

        public static Project Create(int blocks)
        {
            var parse = new CSharpParseOptions(LanguageVersion.Latest);
            var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
            var references = platform.Append(MetadataReference.CreateFromFile(typeof(BlockAttribute).Assembly.Location));
            var other = CSharpSyntaxTree.ParseText(Other(0), parse, path: "Other.cs");
            var compilation = CSharpCompilation.Create("GeneratorCost",
                [CSharpSyntaxTree.ParseText(AnalyzerCostBenchmarks.Source(blocks), parse, path: "Blocks.cs"), other], references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, optimizationLevel: OptimizationLevel.Release));
            var generators = new AnalyzerFileReference(GeneratorPath(), new Loader()).GetGenerators(LanguageNames.CSharp).ToArray();
            var project = new Project(compilation, other, generators);

            // The benchmark is only meaningful if the generator writes every file and the result compiles.
            project.NewDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
            var errors = diagnostics.Concat(output.GetDiagnostics()).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            int files = output.SyntaxTrees.Count() - compilation.SyntaxTrees.Count();
            int expected = blocks + (blocks + 9) / 10;
            if (errors.Count > 0 || files != expected)
                throw new InvalidOperationException($"The benchmark compilation generated {files} files (expected {expected}) with errors: " + string.Join("; ", errors.Take(3)));
            return project;
        }

        /// <summary>A driver as the build and the IDE create it (no step tracking).</summary>
        public GeneratorDriver NewDriver() => CSharpGeneratorDriver.Create(_generators, parseOptions: _parse);

        /// <summary>A driver with other options (step tracking, for <see cref="Breakdown"/>).</summary>
        public GeneratorDriver NewDriver(GeneratorDriverOptions options) =>
            CSharpGeneratorDriver.Create(_generators, parseOptions: _parse, driverOptions: options);

        /// <summary>The compilation with comment <paramref name="n"/> added to <c>Other.cs</c> (a new compilation each time).</summary>
        public CSharpCompilation WithComment(int n) => Replace($"// edit {n}\n" + Other(0));

        /// <summary>The compilation with <c>Other.cs</c>'s method body returning <paramref name="n"/> + 1.</summary>
        public CSharpCompilation WithMethodBody(int n) => Replace(Other(n + 1));

        private CSharpCompilation Replace(string text) => Compilation.ReplaceSyntaxTree(_other, _other.WithChangedText(SourceText.From(text)));

        private static string Other(int value) => $$"""
            namespace Bench;

            public static class Other
            {
                public static int Value()
                {
                    return {{value}};
                }
            }
            """;
    }

    /// <summary>
    /// Prints, for each case, the median wall time over <paramref name="runs"/> runs (after warm-up) and the mean CPU time
    /// of the running thread (from <c>/proc/thread-self/stat</c>, Linux only): on a shared machine the wall time includes
    /// waiting for a core, the thread's CPU time much less so. With the load average at the time.
    /// </summary>
    public static void Report(int runs = 15)
    {
        Console.WriteLine($"generator: {GeneratorPath()}");
        Console.WriteLine($"generator cost, ms: median wall time of {runs} runs after 3 warm-up runs / mean thread CPU time; source: AnalyzerCostBenchmarks.Source(n), a model per 10 blocks");
        Console.WriteLine($"{"blocks",6} {"cold",15} {"cold, bound",15} {"comment",15} {"method body",15}   load average");
        foreach (int blocks in new[] { 1, 10, 200 })
        {
            var project = Project.Create(blocks);
            var ran = project.NewDriver().RunGenerators(project.Compilation);
            int edit = 0;
            var cold = Measure(runs, () => project.Compilation.Clone(), c => project.NewDriver().RunGenerators(c));
            // The same compilation every run: its declarations are bound already, so this is the generator's own work.
            var bound = Measure(runs, () => project.Compilation, c => project.NewDriver().RunGenerators(c));
            var comment = Measure(runs, () => project.WithComment(edit++), c => ran.RunGenerators(c));
            var body = Measure(runs, () => project.WithMethodBody(edit++), c => ran.RunGenerators(c));
            Console.WriteLine($"{blocks,6} {cold,15} {bound,15} {comment,15} {body,15}   {LoadAverage()}");
        }
    }

    /// <summary>
    /// Where the time of a run goes, from the driver's step tracking: milliseconds per tracked step (reading, the
    /// names, the hints) and in the source outputs (emitting), summed over the step's runs; median of <paramref name="runs"/>.
    /// </summary>
    /// <param name="blocks">Blocks declared.</param>
    /// <param name="mode"><c>new</c> (cold), <c>bound</c> (cold over a bound compilation) or <c>comment</c> (incremental, a comment added in the other file).</param>
    /// <param name="runs">Runs measured, after two warm-up runs.</param>
    public static void Breakdown(int blocks, string mode, int runs = 9)
    {
        var project = Project.Create(blocks);
        var tracking = new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true);
        var ran = project.NewDriver(tracking).RunGenerators(project.Compilation);
        var samples = new Dictionary<string, List<double>>();
        for (int i = 0; i < runs + 2; i++)
        {
            var result = (mode switch
            {
                "new" => project.NewDriver(tracking).RunGenerators(project.Compilation.Clone()),
                "bound" => project.NewDriver(tracking).RunGenerators(project.Compilation),
                "comment" => ran.RunGenerators(project.WithComment(i)),
                _ => throw new ArgumentException($"Expected new, bound or comment; got '{mode}'.", nameof(mode)),
            }).GetRunResult().Results.Single();
            if (i < 2) continue;
            foreach (var (name, steps) in result.TrackedSteps.Concat(result.TrackedOutputSteps))
            {
                if (!samples.TryGetValue(name, out var list)) samples[name] = list = [];
                list.Add(steps.Sum(s => s.ElapsedTime.TotalMilliseconds));
            }
        }
        Console.WriteLine($"{blocks} blocks, {mode}, ms per step (median of {runs}), load average {LoadAverage()}");
        foreach (var (name, list) in samples.OrderByDescending(s => s.Value.Sum()))
        {
            list.Sort();
            Console.WriteLine($"  {name,-40} {list[list.Count / 2],9:F3}");
        }
    }

    /// <summary>
    /// "wall / cpu" milliseconds of <paramref name="run"/>, each over a value from <paramref name="prepare"/> (not timed):
    /// the median wall time, and the thread's CPU time over all runs divided by their number.
    /// </summary>
    private static string Measure<T>(int runs, Func<T> prepare, Action<T> run)
    {
        for (int i = 0; i < 3; i++) run(prepare());
        var times = new List<double>();
        double cpu = 0;
        for (int i = 0; i < runs; i++)
        {
            var input = prepare();
            double cpuStart = ThreadCpuMilliseconds();
            long start = Stopwatch.GetTimestamp();
            run(input);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            cpu += ThreadCpuMilliseconds() - cpuStart;
        }
        times.Sort();
        string cpuText = double.IsNaN(cpu) ? "n/a" : (cpu / runs).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        return $"{times[times.Count / 2].ToString("F2", System.Globalization.CultureInfo.InvariantCulture)} / {cpuText}";
    }

    /// <summary>User + system CPU time of the calling thread (10 ms ticks; NaN where /proc is missing).</summary>
    private static double ThreadCpuMilliseconds()
    {
        const string stat = "/proc/thread-self/stat";
        if (!File.Exists(stat)) return double.NaN;
        string text = File.ReadAllText(stat);
        // Fields after the command name (which may hold spaces) in parentheses: utime and stime are the 12th and 13th.
        var fields = text.Substring(text.LastIndexOf(')') + 2).Split(' ');
        return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) * 10.0;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>The built generator; <c>RESIDUAL_GENERATOR_DLL</c> names another build (to compare two versions).</summary>
    private static string GeneratorPath()
    {
        if (Environment.GetEnvironmentVariable("RESIDUAL_GENERATOR_DLL") is { Length: > 0 } path) return path;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "Residual.Generators", "bin", "Release", "netstandard2.0", "Residual.Generators.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("Build Residual.Generators in Release first (dotnet build Residual.Generators -c Release).");
    }

    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath) { }

        public System.Reflection.Assembly LoadFromPath(string fullPath) => System.Reflection.Assembly.LoadFrom(fullPath);
    }
}
