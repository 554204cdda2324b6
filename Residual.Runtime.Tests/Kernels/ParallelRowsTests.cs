using System;
using Xunit;

namespace Residual.Runtime.Tests.Kernels;

/// <summary>
/// <see cref="ParallelRows"/>, the generated helpers' way into the worker pool: how many parts it picks, that
/// every row is run exactly once whatever the split, that the parts really run on other threads, and that a
/// part's exception reaches the caller.
/// </summary>
[Collection(nameof(SerialCollection))]
public sealed class ParallelRowsTests : IDisposable
{
    private readonly int _threads = Parallelism.MaxThreads;

    public void Dispose() => Parallelism.MaxThreads = _threads;

    /// <summary>Marks its rows in a span (a ref struct of spans, like the generated jobs) and records the calling threads.</summary>
    private ref struct MarkRows : IRowJob
    {
        public Span<int> Hits;
        public Span<int> Threads;

        public void Run(int start, int end)
        {
            for (int r = start; r < end; r++)
            {
                Hits[r]++;
                Threads[r] = Environment.CurrentManagedThreadId;
            }
        }
    }

    private ref struct Throwing : IRowJob
    {
        public int ThrowAt;

        public readonly void Run(int start, int end)
        {
            if (start <= ThrowAt && ThrowAt < end) throw new InvalidOperationException($"row {ThrowAt}");
        }
    }

    [Theory]
    [InlineData(8, 1000, 1)]          // 8000 floats: below one part's worth
    [InlineData(64, 1023, 1)]         // just below two parts' worth (64K floats)
    [InlineData(64, 1024, 2)]         // two parts' worth
    [InlineData(128, 1024, 3)]        // four parts' worth, capped at MaxThreads = 3
    [InlineData(2, 1 << 20, 2)]       // huge rows: no more parts than rows
    [InlineData(0, 512, 1)]
    [InlineData(100, 0, 1)]
    public void Parts_needs_enough_floats_per_part_and_caps_at_threads_and_rows(int rows, int floatsPerRow, int expected)
    {
        Parallelism.MaxThreads = 3;
        Assert.Equal(expected, ParallelRows.Parts(rows, floatsPerRow));
    }

    [Fact]
    public void Parts_is_one_on_one_thread()
    {
        Parallelism.MaxThreads = 1;
        Assert.Equal(1, ParallelRows.Parts(1 << 20, 1 << 10));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 1)]
    [InlineData(7, 2)]
    [InlineData(7, 3)]
    [InlineData(5, 8)]   // more parts than rows
    [InlineData(1000, 3)]
    [InlineData(0, 2)]
    public void Run_runs_every_row_exactly_once(int rows, int parts)
    {
        Parallelism.MaxThreads = Math.Max(parts, 1);
        Span<int> hits = new int[rows], threads = new int[rows];
        var job = new MarkRows { Hits = hits, Threads = threads };
        ParallelRows.Run(ref job, rows, parts);
        Assert.All(hits.ToArray(), h => Assert.Equal(1, h));
    }

    [Fact]
    public void Run_gives_later_parts_to_worker_threads()
    {
        Parallelism.MaxThreads = 2;
        const int rows = 64;
        Span<int> hits = new int[rows], threads = new int[rows];
        var job = new MarkRows { Hits = hits, Threads = threads };
        ParallelRows.Run(ref job, rows, 2);
        int caller = Environment.CurrentManagedThreadId;
        Assert.Equal(caller, threads[0]);
        Assert.Equal(caller, threads[rows / 2 - 1]);
        Assert.NotEqual(caller, threads[rows - 1]); // part 1 ran on a worker (or the pool was busy: it is not, tests here run alone)
    }

    [Theory]
    [InlineData(2)]
    [InlineData(90)]
    public void Run_rethrows_an_exception_from_any_part(int throwAt)
    {
        Parallelism.MaxThreads = 3;
        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            var job = new Throwing { ThrowAt = throwAt };
            ParallelRows.Run(ref job, 100, 3);
        });
        Assert.Equal($"row {throwAt}", e.Message);
    }

    [Fact]
    public void Bad_counts_throw_naming_the_parameter()
    {
        static void Run(int rows, int parts)
        {
            var job = new Throwing { ThrowAt = -1 };
            ParallelRows.Run(ref job, rows, parts);
        }
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => Run(-1, 1)).ParamName);
        Assert.Equal("parts", Assert.Throws<ArgumentOutOfRangeException>(() => Run(10, 0)).ParamName);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => ParallelRows.Parts(-1, 10)).ParamName);
        Assert.Equal("floatsPerRow", Assert.Throws<ArgumentOutOfRangeException>(() => ParallelRows.Parts(10, -1)).ParamName);
    }
}
