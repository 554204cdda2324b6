using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Residual.Threading;

namespace Residual.Kernels;

/// <summary>
/// Fully connected layer <c>output = input·weightᵀ + bias</c> and its backward pass. Row-major:
/// <c>input</c> is <c>[rows, inFeatures]</c>, <c>weight</c> is <c>[outFeatures, inFeatures]</c> (PyTorch's
/// <c>nn.Linear</c> layout), <c>output</c> is <c>[rows, outFeatures]</c>.
/// </summary>
/// <remarks>
/// All three products run on the packed, register-blocked <see cref="Gemm"/> (on up to
/// <see cref="Parallelism.MaxThreads"/> threads, bit-identical for any count); the weight is read in place
/// in either orientation, nothing is transposed or allocated per call.
/// </remarks>
public static unsafe class MatMul
{
    /// <summary>
    /// <c>output[r,o] = bias[o] + Σ_k input[r,k]·weight[o,k]</c>. Overwrites <paramref name="output"/>.
    /// </summary>
    /// <param name="output">Result, <c>rows·outFeatures</c> floats. Must not overlap the inputs (checked).</param>
    /// <param name="input">Input activations, <c>rows·inFeatures</c> floats.</param>
    /// <param name="weight">Weights, <c>outFeatures·inFeatures</c> floats.</param>
    /// <param name="bias">Either empty (no bias) or <c>outFeatures</c> floats.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="inFeatures">Input width; positive.</param>
    /// <param name="outFeatures">Output width; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length, or a written span overlaps one that is read.</exception>
    public static void Forward(Span<float> output, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int rows, int inFeatures, int outFeatures)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(inFeatures, nameof(inFeatures));
        Guard.Positive(outFeatures, nameof(outFeatures));
        Guard.Length(output.Length, nameof(output), "rows·outFeatures", rows, outFeatures);
        Guard.Length(input.Length, nameof(input), "rows·inFeatures", rows, inFeatures);
        Guard.Length(weight.Length, nameof(weight), "outFeatures·inFeatures", outFeatures, inFeatures);
        if (!bias.IsEmpty)
            Guard.Length(bias.Length, nameof(bias), "outFeatures (or 0 for no bias)", outFeatures);
        Guard.Disjoint(output, nameof(output), input, nameof(input));
        Guard.Disjoint(output, nameof(output), weight, nameof(weight));
        Guard.Disjoint(output, nameof(output), bias, nameof(bias));

        fixed (float* y = output, x = input, w = weight, b = bias)
        {
            // y[r, o] = Σ_k x[r, k]·W[o, k] + b[o]: A = x, B(k, o) = W[o, k] (W read transposed, in place).
            var problem = new GemmProblem
            {
                C = y, Ldc = outFeatures,
                A = x, ARowStride = inFeatures, AColStride = 1,
                B = w, BRowStride = 1, BColStride = inFeatures,
                Bias = bias.IsEmpty ? null : b,
                M = rows, N = outFeatures, K = inFeatures,
            };
            Gemm.Run(&problem);
        }
    }

    /// <summary>
    /// Accumulates the input gradient: <c>dInput[r,k] += Σ_o dOutput[r,o]·weight[o,k]</c>; or, with
    /// <paramref name="accumulate"/> false, overwrites it with the sum (its contents on entry are never read).
    /// </summary>
    /// <param name="dInput">Input gradient, <c>rows·inFeatures</c> floats (accumulated, or overwritten).</param>
    /// <param name="dOutput">Output gradient, <c>rows·outFeatures</c> floats.</param>
    /// <param name="weight">Weights, <c>outFeatures·inFeatures</c> floats.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="inFeatures">Input width; positive.</param>
    /// <param name="outFeatures">Output width; positive.</param>
    /// <param name="accumulate">
    /// True (the default): add into <paramref name="dInput"/>. False: overwrite it, which saves clearing it first
    /// when this product is the gradient's only source (the generated backward passes do that).
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length, or a written span overlaps one that is read.</exception>
    public static void BackwardInput(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> weight, int rows, int inFeatures, int outFeatures, bool accumulate = true)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(inFeatures, nameof(inFeatures));
        Guard.Positive(outFeatures, nameof(outFeatures));
        Guard.Length(dInput.Length, nameof(dInput), "rows·inFeatures", rows, inFeatures);
        Guard.Length(dOutput.Length, nameof(dOutput), "rows·outFeatures", rows, outFeatures);
        Guard.Length(weight.Length, nameof(weight), "outFeatures·inFeatures", outFeatures, inFeatures);
        Guard.Disjoint(dInput, nameof(dInput), dOutput, nameof(dOutput));
        Guard.Disjoint(dInput, nameof(dInput), weight, nameof(weight));

        fixed (float* dx = dInput, dy = dOutput, w = weight)
        {
            // dx[r, k] (+)= Σ_o dy[r, o]·W[o, k]: A = dy, B = W, both row-major.
            var problem = new GemmProblem
            {
                C = dx, Ldc = inFeatures,
                A = dy, ARowStride = outFeatures, AColStride = 1,
                B = w, BRowStride = inFeatures, BColStride = 1,
                M = rows, N = inFeatures, K = outFeatures, Accumulate = accumulate,
            };
            Gemm.Run(&problem);
        }
    }

    /// <summary>
    /// Accumulates the weight gradient: <c>dWeight[o,k] += Σ_r dOutput[r,o]·input[r,k]</c>.
    /// </summary>
    /// <param name="dWeight">Weight gradient, <c>outFeatures·inFeatures</c> floats (accumulated).</param>
    /// <param name="dOutput">Output gradient, <c>rows·outFeatures</c> floats.</param>
    /// <param name="input">The forward pass's input, <c>rows·inFeatures</c> floats.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="inFeatures">Input width; positive.</param>
    /// <param name="outFeatures">Output width; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length, or a written span overlaps one that is read.</exception>
    public static void BackwardWeight(Span<float> dWeight, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, int rows, int inFeatures, int outFeatures)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(inFeatures, nameof(inFeatures));
        Guard.Positive(outFeatures, nameof(outFeatures));
        Guard.Length(dWeight.Length, nameof(dWeight), "outFeatures·inFeatures", outFeatures, inFeatures);
        Guard.Length(dOutput.Length, nameof(dOutput), "rows·outFeatures", rows, outFeatures);
        Guard.Length(input.Length, nameof(input), "rows·inFeatures", rows, inFeatures);
        Guard.Disjoint(dWeight, nameof(dWeight), dOutput, nameof(dOutput));
        Guard.Disjoint(dWeight, nameof(dWeight), input, nameof(input));

        fixed (float* dw = dWeight, dy = dOutput, x = input)
        {
            // dW[o, k] += Σ_r dy[r, o]·x[r, k]: A(o, r) = dy[r, o] (dy read transposed, in place), B = x.
            var problem = new GemmProblem
            {
                C = dw, Ldc = inFeatures,
                A = dy, ARowStride = 1, AColStride = outFeatures,
                B = x, BRowStride = inFeatures, BColStride = 1,
                M = outFeatures, N = inFeatures, K = rows, Accumulate = true,
            };
            Gemm.Run(&problem);
        }
    }

    /// <summary>
    /// Accumulates the bias gradient: <c>dBias[o] += Σ_r dOutput[r,o]</c>.
    /// </summary>
    /// <param name="dBias">Bias gradient, <c>outFeatures</c> floats (accumulated).</param>
    /// <param name="dOutput">Output gradient, <c>rows·outFeatures</c> floats.</param>
    /// <param name="rows">Number of rows (batch·time); positive.</param>
    /// <param name="outFeatures">Output width; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length, or a written span overlaps one that is read.</exception>
    public static void BackwardBias(Span<float> dBias, ReadOnlySpan<float> dOutput, int rows, int outFeatures)
    {
        Guard.Positive(rows, nameof(rows));
        Guard.Positive(outFeatures, nameof(outFeatures));
        Guard.Length(dBias.Length, nameof(dBias), "outFeatures", outFeatures);
        Guard.Length(dOutput.Length, nameof(dOutput), "rows·outFeatures", rows, outFeatures);
        Guard.Disjoint(dBias, nameof(dBias), dOutput, nameof(dOutput));

        fixed (float* db = dBias, dy = dOutput)
        {
            // Threads split the columns; each column still sums its rows in order, so the bits do not depend on the count.
            // One add per float is cheap: only a sum of at least BiasFloatsPerPart floats per thread is worth a worker.
            var job = new BiasJob { DBias = db, DOutput = dy, Rows = rows, Columns = outFeatures };
            int parts = (int)Math.Clamp((long)rows * outFeatures / BiasFloatsPerPart, 1, Parallelism.MaxThreads);
            WorkerPool.Run(&BackwardBiasPart, &job, parts);
        }
    }

    /// <summary>Floats of dOutput per thread below which the bias gradient stays on one thread (a 1 MB read).</summary>
    private const int BiasFloatsPerPart = 256 * 1024;

    private static void BackwardBiasPart(void* state, int part, int parts)
    {
        var job = (BiasJob*)state;
        var (start, end) = Chunks.Range(job->Columns, part, parts);
        if (start >= end) return;
        var db = new Span<float>(job->DBias + start, end - start);
        for (int r = 0; r < job->Rows; r++)
            Vectors.Add(new ReadOnlySpan<float>(job->DOutput + (long)r * job->Columns + start, end - start), db);
    }

    /// <summary><see cref="BackwardBias"/>'s arguments, on the caller's stack while the workers read them.</summary>
    private struct BiasJob
    {
        public float* DBias, DOutput;
        public int Rows, Columns;
    }
}
