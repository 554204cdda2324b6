using Xunit;

namespace Residual.Runtime.Tests.Kernels;

/// <summary>
/// Tests that change <see cref="Parallelism.MaxThreads"/> or count every thread's allocations: they run
/// alone, after the parallel tests, so no other test's work is counted.
/// </summary>
[CollectionDefinition(nameof(SerialCollection), DisableParallelization = true)]
public sealed class SerialCollection;
