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
/// in another file that declares nothing (a comment added, or a method body changed): what every keystroke costs.
/// Both also over a compilation whose declarations are already bound (<see cref="Project.Bind"/>, as the compiler or
/// the IDE has done for its own diagnostics): what is left is the generator's own work, not Roslyn's binding.</para>
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

    private CSharpCompilation _boundEdit = null!;

    [IterationSetup(Target = nameof(IncrementalCommentBound))]
    public void BindEdit() => _boundEdit = Project.Bind(_project.WithComment(_edit++));

    /// <summary>As <see cref="IncrementalComment"/>, the edited compilation's declarations bound before (the generator's own work).</summary>
    [Benchmark]
    public GeneratorDriver IncrementalCommentBound() => _ran.RunGenerators(_boundEdit);

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
            var generators = GeneratorAssembly.Reference().GetGenerators(LanguageNames.CSharp).ToArray();
            var project = new Project(compilation, other, generators);

            // The benchmark is only meaningful if the generator writes every file and the result compiles.
            project.NewDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
            var errors = diagnostics.Concat(output.GetDiagnostics()).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            // One file per declaration (a generator that shares its SIMD helpers adds Residual.Simd.g.cs, not counted).
            int files = output.SyntaxTrees.Skip(compilation.SyntaxTrees.Count()).Count(t => t.FilePath.EndsWith(".Residual.g.cs", StringComparison.Ordinal));
            int expected = blocks + (blocks + 9) / 10;
            if (errors.Count > 0 || files != expected)
                throw new InvalidOperationException($"The benchmark compilation generated {files} files (expected {expected}) with errors: " + string.Join("; ", errors.Take(3)));
            return project;
        }

        /// <summary>
        /// <paramref name="compilation"/> with its declarations bound (types, members, their attributes; not method
        /// bodies), as the compiler's declaration diagnostics bind them, and as the IDE has by the time the user types:
        /// the generator then reads symbols that are already complete.
        /// </summary>
        public static T Bind<T>(T compilation) where T : Compilation
        {
            compilation.GetDeclarationDiagnostics();
            return compilation;
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
    /// of the running thread (<c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>, Linux only): on a shared machine the wall time includes
    /// waiting for a core, the thread's CPU time much less so. With the load average at the time.
    /// </summary>
    public static void Report(int runs = 15)
    {
        Console.WriteLine($"generator: {GeneratorAssembly.Path()}");
        Console.WriteLine($"generator cost, ms: median wall time of {runs} runs after 3 warm-up runs / mean thread CPU time; source: AnalyzerCostBenchmarks.Source(n), a model per 10 blocks");
        Console.WriteLine($"{"blocks",6} {"cold",15} {"cold, bound",15} {"comment",15} {"comment, bound",15} {"method body",15}   load average");
        foreach (int blocks in new[] { 1, 10, 200 })
        {
            var project = Project.Create(blocks);
            var ran = project.NewDriver().RunGenerators(project.Compilation);
            int edit = 0;
            var cold = Measure(runs, () => project.Compilation.Clone(), c => project.NewDriver().RunGenerators(c));
            // The same compilation every run: its declarations are bound already, so this is the generator's own work.
            var bound = Measure(runs, () => project.Compilation, c => project.NewDriver().RunGenerators(c));
            var comment = Measure(runs, () => project.WithComment(edit++), c => ran.RunGenerators(c));
            // The same edit, its declarations bound before the timed run: the generator's own incremental work.
            var commentBound = Measure(runs, () => Project.Bind(project.WithComment(edit++)), c => ran.RunGenerators(c));
            var body = Measure(runs, () => project.WithMethodBody(edit++), c => ran.RunGenerators(c));
            Console.WriteLine($"{blocks,6} {cold,15} {bound,15} {comment,15} {commentBound,15} {body,15}   {LoadAverage()}");
        }
    }

    /// <summary>
    /// Where the time of a run goes, from the driver's step tracking: milliseconds per tracked step (reading, the
    /// names, the hints) and in the source outputs (emitting), summed over the step's runs; median of <paramref name="runs"/>.
    /// </summary>
    /// <param name="blocks">Blocks declared.</param>
    /// <param name="mode"><c>new</c> (cold), <c>bound</c> (cold over a bound compilation), <c>comment</c> (incremental, a comment added in
    /// the other file) or <c>comment-bound</c> (the same, the edited compilation's declarations bound before).</param>
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
                "comment-bound" => ran.RunGenerators(Project.Bind(project.WithComment(i))),
                _ => throw new ArgumentException($"Expected new, bound, comment or comment-bound; got '{mode}'.", nameof(mode)),
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
    /// The reader alone, without the driver: <c>DeclarationReader.ReadBlock</c> and <c>ReadModel</c> (internal to the
    /// generator, so called by reflection) over every declaration of a compilation whose declarations are bound, which is
    /// what an unrelated edit repeats for each declaration. Prints the median wall time and mean thread CPU time of a
    /// pass over all declarations, and per declaration in microseconds.
    /// </summary>
    /// <param name="blocks">Blocks declared (a model per tenth block).</param>
    /// <param name="runs">Passes measured, after 3 warm-up passes.</param>
    public static void ReadProfile(int blocks, int runs = 41)
    {
        var project = Project.Create(blocks);
        var compilation = Project.Bind(project.Compilation);
        var reader = System.Reflection.Assembly.LoadFrom(GeneratorAssembly.Path()).GetType("Residual.Generators.Reading.DeclarationReader", throwOnError: true)!;
        Func<INamedTypeSymbol, Compilation, System.Threading.CancellationToken, object> Read(string name) =>
            (Func<INamedTypeSymbol, Compilation, System.Threading.CancellationToken, object>)Delegate.CreateDelegate(
                typeof(Func<INamedTypeSymbol, Compilation, System.Threading.CancellationToken, object>),
                reader.GetMethod(name, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)!);
        INamedTypeSymbol Type(string name) =>
            compilation.GetTypeByMetadataName("Bench." + name) ?? throw new InvalidOperationException($"No type Bench.{name}.");
        var blockTypes = Enumerable.Range(0, blocks).Select(i => Type($"Block{i}")).ToArray();
        var modelTypes = Enumerable.Range(0, blocks).Where(i => i % 10 == 0).Select(i => Type($"Model{i}")).ToArray();
        Console.WriteLine($"generator: {GeneratorAssembly.Path()}");
        Console.WriteLine($"DeclarationReader on a bound compilation, {blocks} blocks: median wall / mean thread CPU of a pass over all declarations ({runs} passes after 3 warm-ups); load average {LoadAverage()}");
        foreach (var (name, types) in new[] { ("ReadBlock", blockTypes), ("ReadModel", modelTypes) })
        {
            var read = Read(name);
            var (wall, cpu) = Time(runs, () => 0, _ =>
            {
                foreach (var type in types) read(type, compilation, default);
            });
            Console.WriteLine($"  {name}: {types.Length} declarations, {wall:F3} / {cpu:F2} ms per pass = {1000 * wall / types.Length:F1} / {1000 * cpu / types.Length:F1} µs per declaration");
        }
    }

    /// <summary>
    /// "wall / cpu" milliseconds of <paramref name="run"/>, each over a value from <paramref name="prepare"/> (not timed):
    /// the median wall time, and the thread's CPU time over all runs divided by their number.
    /// </summary>
    private static string Measure<T>(int runs, Func<T> prepare, Action<T> run)
    {
        var (wall, cpu) = Time(runs, prepare, run);
        string cpuText = double.IsNaN(cpu) ? "n/a" : cpu.ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
        return $"{wall.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)} / {cpuText}";
    }

    /// <summary>Median wall time and mean thread CPU time (ms) of <paramref name="runs"/> runs after 3 warm-up runs.</summary>
    private static (double Wall, double Cpu) Time<T>(int runs, Func<T> prepare, Action<T> run)
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
        return (times[times.Count / 2], cpu / runs);
    }

    /// <summary>
    /// CPU time of the calling thread in milliseconds, from <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c> (nanosecond
    /// resolution: <c>/proc/thread-self/stat</c> counts 10 ms ticks, coarser than a sub-millisecond run); NaN off Linux.
    /// </summary>
    private static double ThreadCpuMilliseconds()
    {
        if (!OperatingSystem.IsLinux()) return double.NaN;
        return ClockGetTime(ClockThreadCpuTime, out var t) == 0 ? t.Seconds * 1e3 + t.Nanoseconds / 1e6 : double.NaN;
    }

    private const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
