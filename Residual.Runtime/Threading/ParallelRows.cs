using System;
using System.Runtime.CompilerServices;
using Residual.Threading;

namespace Residual;

/// <summary>
/// Runs an <see cref="IRowJob"/> on up to <see cref="Parallelism.MaxThreads"/> threads, through the kernels'
/// worker pool. Generated code calls it from its row-wise helpers; it needs no <c>unsafe</c> code in the caller.
/// </summary>
public static unsafe class ParallelRows
{
    /// <summary>
    /// Floats a part should touch at least before a second thread pays for itself: about 8 µs of LayerNorm. Measured:
    /// config S's norms (32K floats a call) got slower split in two, M's (256K) about 1.4× faster.
    /// </summary>
    internal const int MinFloatsPerPart = 32 * 1024;

    /// <summary>
    /// Number of parts <see cref="Run{TJob}(ref TJob, int, int)"/> should split <paramref name="rows"/> rows into:
    /// 1 (the calling thread alone) unless every part gets at least 32K floats (about 8 µs of row-wise work), and
    /// never more than <see cref="Parallelism.MaxThreads"/> nor <paramref name="rows"/>.
    /// </summary>
    /// <param name="rows">Number of rows; 0 or more.</param>
    /// <param name="floatsPerRow">Floats one row reads or writes (its cost); 0 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    public static int Parts(int rows, int floatsPerRow)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(floatsPerRow);
        long parts = (long)rows * floatsPerRow / MinFloatsPerPart;
        return (int)Math.Clamp(Math.Min(parts, rows), 1, Parallelism.MaxThreads);
    }

    /// <summary>
    /// Runs <paramref name="job"/> over rows <c>[0, rows)</c> split into <paramref name="parts"/> contiguous ranges
    /// of nearly equal size (part <c>p</c> gets <c>[rows·p/parts, rows·(p+1)/parts)</c>, never empty), part 0 on the
    /// calling thread, and returns when all are done. With one part it calls <c>job.Run(0, rows)</c> directly.
    /// </summary>
    /// <remarks>
    /// The workers read <paramref name="job"/> where the caller keeps it (a <c>ref struct</c> on its stack is fine:
    /// the caller waits here until every part has finished). If the workers are busy (a job started from inside
    /// another, or from another thread), the calling thread runs all parts itself, in order.
    /// </remarks>
    /// <typeparam name="TJob">The job; typically a <c>ref struct</c> of spans.</typeparam>
    /// <param name="job">The work; every part calls its <see cref="IRowJob.Run"/> with its own range.</param>
    /// <param name="rows">Number of rows; 0 or more (0 does nothing).</param>
    /// <param name="parts">Number of ranges, usually from <see cref="Parts"/>; 1 or more (more than
    /// <paramref name="rows"/> is reduced to <paramref name="rows"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is negative or <paramref name="parts"/> is below 1.</exception>
    public static void Run<TJob>(ref TJob job, int rows, int parts) where TJob : IRowJob, allows ref struct
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        if (rows == 0) return;
        if (parts == 1 || rows == 1)
        {
            job.Run(0, rows);
            return;
        }
        var state = new State { Job = Unsafe.AsPointer(ref job), Rows = rows };
        WorkerPool.Run(&Part<TJob>, &state, Math.Min(parts, rows));
    }

    private static void Part<TJob>(void* state, int part, int parts) where TJob : IRowJob, allows ref struct
    {
        var s = (State*)state;
        int start = (int)((long)s->Rows * part / parts), end = (int)((long)s->Rows * (part + 1) / parts);
        if (start < end) Unsafe.AsRef<TJob>(s->Job).Run(start, end);
    }

    /// <summary>The job's address and the row count, on the caller's stack while the workers read them.</summary>
    private struct State
    {
        public void* Job;
        public int Rows;
    }
}
