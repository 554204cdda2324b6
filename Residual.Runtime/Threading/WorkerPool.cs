using System;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace Residual.Threading;

/// <summary>
/// Persistent worker threads for the kernels. <see cref="Run"/> hands parts 1…n−1 of a job to workers, runs
/// part 0 itself and waits. A job is a function pointer plus a pointer to state on the caller's stack, so a
/// dispatch allocates nothing. Workers spin for a short while after a job (a training step issues kernels back
/// to back, and waking a sleeping thread costs tens of microseconds), then sleep on a semaphore.
/// </summary>
/// <remarks>
/// One job at a time: a caller that finds the workers busy (another thread's kernel, or a kernel started from
/// inside a job) runs all parts itself, in order. Parts compute disjoint outputs, so the result is the same.
/// </remarks>
internal static unsafe class WorkerPool
{
    private static readonly object s_grow = new();
    private static Worker[] s_workers = [];
    private static int s_busy;

    private static delegate*<void*, int, int, void> s_work;
    private static void* s_state;
    private static int s_parts;
    private static int s_pending;
    private static Exception? s_error;

    /// <summary>How long an idle worker spins before it sleeps.</summary>
    private static readonly long s_spinTicks = Stopwatch.Frequency / 10_000; // 100 µs

    /// <summary>
    /// Runs <c>work(state, part, parts)</c> for every part in <c>[0, parts)</c>, part 0 on the calling thread,
    /// and returns when all are done. An exception from any part is rethrown here.
    /// </summary>
    public static void Run(delegate*<void*, int, int, void> work, void* state, int parts)
    {
        if (parts <= 1)
        {
            work(state, 0, 1);
            return;
        }
        if (Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int i = 0; i < parts; i++) work(state, i, parts);
            return;
        }
        try
        {
            var workers = EnsureWorkers(parts - 1);
            s_work = work;
            s_state = state;
            s_parts = parts;
            s_error = null;
            Volatile.Write(ref s_pending, parts - 1);
            for (int i = 0; i < parts - 1; i++) workers[i].Signal();
            try
            {
                work(state, 0, parts);
            }
            finally
            {
                // The state lives on this thread's stack: never return while a worker may still read it.
                var spin = new SpinWait();
                while (Volatile.Read(ref s_pending) != 0) spin.SpinOnce(sleep1Threshold: -1);
            }
            if (s_error is { } error)
            {
                s_error = null;
                ExceptionDispatchInfo.Throw(error);
            }
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>
    /// Bytes allocated so far by the calling thread plus the workers that run parts 1…parts−1, each read on
    /// its own thread (<see cref="GC.GetAllocatedBytesForCurrentThread"/>); for tests that a step allocates
    /// nothing on any thread that works on it.
    /// </summary>
    public static long AllocatedBytes(int parts)
    {
        long* counts = stackalloc long[parts];
        Run(&ReadAllocatedBytes, counts, parts);
        long sum = 0;
        for (int i = 0; i < parts; i++) sum += counts[i];
        return sum;
    }

    private static void ReadAllocatedBytes(void* state, int part, int parts) => ((long*)state)[part] = GC.GetAllocatedBytesForCurrentThread();

    private static Worker[] EnsureWorkers(int count)
    {
        var workers = s_workers;
        if (workers.Length >= count) return workers;
        lock (s_grow)
        {
            if (s_workers.Length < count)
            {
                var grown = new Worker[count];
                Array.Copy(s_workers, grown, s_workers.Length);
                for (int i = s_workers.Length; i < count; i++) grown[i] = new Worker(i + 1);
                s_workers = grown;
            }
            return s_workers;
        }
    }

    private sealed class Worker
    {
        private const int Idle = 0, HasWork = 1, Sleeping = 2;
        private readonly int _part;
        private readonly SemaphoreSlim _wake = new(0);
        private int _state;

        public Worker(int part)
        {
            _part = part;
            var thread = new Thread(Loop) { IsBackground = true, Name = $"Residual kernel worker {part}" };
            thread.Start();
        }

        public void Signal()
        {
            if (Interlocked.Exchange(ref _state, HasWork) == Sleeping) _wake.Release();
        }

        private void Loop()
        {
            while (true)
            {
                long spinUntil = Stopwatch.GetTimestamp() + s_spinTicks;
                while (Volatile.Read(ref _state) != HasWork)
                {
                    if (Stopwatch.GetTimestamp() < spinUntil)
                        Thread.SpinWait(20);
                    else if (Interlocked.CompareExchange(ref _state, Sleeping, Idle) == Idle)
                        _wake.Wait(); // Signal sets HasWork before it releases.
                }
                try
                {
                    s_work(s_state, _part, s_parts);
                }
                catch (Exception e)
                {
                    s_error = e;
                }
                Volatile.Write(ref _state, Idle);
                Interlocked.Decrement(ref s_pending);
            }
        }
    }
}
