namespace Residual;

/// <summary>
/// Work over rows <c>[0, rows)</c> that <see cref="ParallelRows.Run{TJob}(ref TJob, int, int)"/> may split
/// into disjoint ranges and run on several threads at once. The generator's row-wise helpers (norms,
/// residual adds and their backward passes) implement it with a <c>ref struct</c> holding their spans.
/// </summary>
/// <remarks>
/// A "row" is whatever unit the job splits: a row of the residual stream for the per-row passes, a block of
/// columns for a pass that sums over rows. <see cref="Run"/> must write only outputs that belong to its own
/// range, so that any split gives the same bits.
/// </remarks>
public interface IRowJob
{
    /// <summary>Does the work of rows <c>[start, end)</c>; may run on any of the kernels' threads.</summary>
    /// <param name="start">First row of the range.</param>
    /// <param name="end">One past the last row of the range; greater than <paramref name="start"/>.</param>
    void Run(int start, int end);
}
