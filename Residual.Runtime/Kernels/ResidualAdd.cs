using System;

namespace Residual.Kernels;

/// <summary>
/// The residual connection <c>output = alpha·x + scale·branch</c> (<c>alpha = scale = 1</c> for a plain
/// residual, learnable or fixed otherwise: ReZero, DeepNorm) and its backward pass.
/// </summary>
public static class ResidualAdd
{
    /// <summary>Elementwise <c>output = alpha·x + scale·branch</c>. Overwrites <paramref name="output"/>.</summary>
    /// <param name="output">Result; same length as <paramref name="x"/>. May be the same span as <paramref name="x"/> or <paramref name="branch"/>.</param>
    /// <param name="x">The residual stream; non-empty.</param>
    /// <param name="branch">The sublayer's output; same length as <paramref name="x"/>.</param>
    /// <param name="alpha">Factor on the identity path.</param>
    /// <param name="scale">Factor on the branch.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="x"/> is empty.</exception>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Forward(Span<float> output, ReadOnlySpan<float> x, ReadOnlySpan<float> branch, float alpha, float scale)
    {
        Guard.NotEmpty(x.Length, nameof(x));
        Guard.Length(output.Length, nameof(output), "x.Length", x.Length);
        Guard.Length(branch.Length, nameof(branch), "x.Length", x.Length);
        for (int i = 0; i < x.Length; i++)
            output[i] = alpha * x[i] + scale * branch[i];
    }

    /// <summary>
    /// Elementwise <c>dX += alpha·dOutput</c> and <c>dBranch += scale·dOutput</c>. Each element of
    /// <paramref name="dOutput"/> is read before the same element of either gradient is written, so
    /// <paramref name="dOutput"/> may be the same span as <paramref name="dX"/>.
    /// </summary>
    /// <param name="dX">Gradient of the residual stream input (accumulated); same length as <paramref name="dOutput"/>.</param>
    /// <param name="dBranch">Gradient of the branch (accumulated); same length as <paramref name="dOutput"/>.</param>
    /// <param name="dOutput">Gradient of the output; non-empty.</param>
    /// <param name="alpha">Factor on the identity path.</param>
    /// <param name="scale">Factor on the branch.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dOutput"/> is empty.</exception>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Backward(Span<float> dX, Span<float> dBranch, ReadOnlySpan<float> dOutput, float alpha, float scale)
    {
        Guard.NotEmpty(dOutput.Length, nameof(dOutput));
        Guard.Length(dX.Length, nameof(dX), "dOutput.Length", dOutput.Length);
        Guard.Length(dBranch.Length, nameof(dBranch), "dOutput.Length", dOutput.Length);
        for (int i = 0; i < dOutput.Length; i++)
        {
            float g = dOutput[i];
            dX[i] += alpha * g;
            dBranch[i] += scale * g;
        }
    }
}
