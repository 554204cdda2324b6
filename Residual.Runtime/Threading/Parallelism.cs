using System;

namespace Residual;

/// <summary>
/// How many threads the kernels (GEMM, attention, row-wise kernels) may use. Results do not depend on it:
/// every kernel splits its <em>outputs</em> between threads and never a sum, so 1 thread and 8 threads give
/// the same bits.
/// </summary>
public static class Parallelism
{
    private static int s_maxThreads = DefaultThreads();

    /// <summary>
    /// Largest number of threads a kernel uses, the calling thread included; 1 runs everything on the calling
    /// thread. Defaults to the environment variable <c>RESIDUAL_THREADS</c> if set, else
    /// <see cref="Environment.ProcessorCount"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 256.</exception>
    public static int MaxThreads
    {
        get => s_maxThreads;
        set
        {
            if (value is < 1 or > 256)
                throw new ArgumentOutOfRangeException(nameof(value), value, "MaxThreads must be between 1 and 256.");
            s_maxThreads = value;
        }
    }

    private static int DefaultThreads()
    {
        string? setting = Environment.GetEnvironmentVariable("RESIDUAL_THREADS");
        return int.TryParse(setting, out int n) && n is >= 1 and <= 256 ? n : Math.Clamp(Environment.ProcessorCount, 1, 256);
    }
}
