using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Residual;

namespace Residual.Benchmarks;

/// <summary>
/// <c>--compare</c>: times one forward + backward of each config's stack on each thread count and prints one
/// JSON object per line (what <c>bench/compare.sh</c> reads), plus the measured FMA ceiling. A plain
/// stopwatch loop rather than BenchmarkDotNet, so that the whole comparison runs in about a minute.
/// </summary>
/// <remarks>
/// Options: <c>--configs S,M,L,XL</c>, <c>--threads 1,2</c> (default 1 and every core),
/// <c>--seconds 1.5</c> (time per measurement, at least 5 runs), <c>--runs N</c> (exactly N timed runs).
/// Each line: <c>{"framework":"residual","config":"S","threads":2,"ms":…,"min_ms":…,"runs":…}</c>; the
/// reported ms is the median.
/// </remarks>
public static class CompareMode
{
    public static int Run(string[] args)
    {
        var configs = ModeOptions.Configs(args);
        var threads = ModeOptions.Threads(args);
        double seconds = double.Parse(ModeOptions.Option(args, "--seconds") ?? "1.5", CultureInfo.InvariantCulture);
        int? runs = ModeOptions.Option(args, "--runs") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : null;

        Console.WriteLine(Json(("framework", "residual"), ("peak_gflops_per_core", FmaPeak.GflopsPerCore()), ("cores", Environment.ProcessorCount),
            ("vector_bits", System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512 : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? 256 : 0)));
        foreach (var config in configs)
        {
            var stack = config.CreateStack();
            foreach (int t in threads)
            {
                Parallelism.MaxThreads = t;
                var times = Time(stack.ForwardBackward, seconds, runs);
                Console.WriteLine(Json(("framework", "residual"), ("config", config.Name), ("threads", t),
                    ("ms", Median(times)), ("min_ms", times.Min()), ("runs", times.Count), ("gflop", config.FlopsPerStep / 1e9)));
            }
        }
        return 0;
    }

    /// <summary>Warm-up (JIT tiers, first-touch of buffers), then timed runs; milliseconds per run.</summary>
    private static List<double> Time(Action step, double seconds, int? runs)
    {
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 3 || warm.Elapsed.TotalSeconds < 0.5; i++) step();
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (runs is { } n ? times.Count < n : times.Count < 5 || (total.Elapsed.TotalSeconds < seconds && times.Count < 200))
        {
            long start = Stopwatch.GetTimestamp();
            step();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return times;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static string Json(params (string Key, object Value)[] fields) =>
        "{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":" + f.Value switch
        {
            string s => $"\"{s}\"",
            double d => d.ToString("0.####", CultureInfo.InvariantCulture),
            _ => Convert.ToString(f.Value, CultureInfo.InvariantCulture),
        })) + "}";
}
