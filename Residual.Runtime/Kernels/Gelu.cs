using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Residual.Threading;

namespace Residual.Kernels;

/// <summary>
/// GELU activation, tanh approximation (GPT-2):
/// <c>gelu(x) = 0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³)))</c>.
/// </summary>
public static unsafe class Gelu
{
    // Both passes split the elements between up to Parallelism.MaxThreads threads (see Chunks).
    // gelu(x) = 0.5·x·(1 + tanh(u)) with u = sqrt(2/π)·(x + 0.044715·x³). Since 0.5·(1 + tanh(u)) = σ(2u),
    // gelu(x) = x·σ(2u) = x / (1 + exp(z)) with z = −2u = x·(K1 + K2·x²). This form needs one exp and
    // avoids the cancellation in 1 + tanh(u) for negative x (where tanh(u) ≈ −1).
    private const float SqrtTwoOverPi = 0.7978845608028654f;
    private const float Cubic = 0.044715f;
    private const float K1 = -2f * SqrtTwoOverPi;
    private const float K2 = -2f * SqrtTwoOverPi * Cubic;

    /// <summary>
    /// Beyond this magnitude gelu′ is 0 or 1 in float32 (σ(2u) is within 1e-60 of 0 or 1), so the
    /// derivative is evaluated at the clamped point; this keeps x·(…)·x² from overflowing into ∞·0 = NaN.
    /// </summary>
    private const float DerivativeClamp = 12f;

    /// <summary>Elementwise <c>output = gelu(input)</c>. Overwrites <paramref name="output"/>.</summary>
    /// <param name="output">Result; same length as <paramref name="input"/>. May be the same span as <paramref name="input"/>.</param>
    /// <param name="input">Pre-activations; non-empty.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="input"/> is empty.</exception>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Forward(Span<float> output, ReadOnlySpan<float> input)
    {
        Guard.NotEmpty(input.Length, nameof(input));
        Guard.Length(output.Length, nameof(output), "input.Length", input.Length);

        fixed (float* y = output, x = input)
        {
            var job = new Job { A = y, B = x, N = input.Length };
            WorkerPool.Run(&ForwardPart, &job, Chunks.Parts(job.N));
        }
    }

    private static void ForwardPart(void* state, int part, int parts)
    {
        var job = (Job*)state;
        var (start, end) = Chunks.Range(job->N, part, parts);
        ref float y = ref job->A[start];
        ref float x = ref job->B[start];
        int n = end - start, i = 0;
        if (Vector512.IsHardwareAccelerated) ForwardLoop<V512, Vector512<float>>(ref y, ref x, ref i, n);
        if (Vector256.IsHardwareAccelerated) ForwardLoop<V256, Vector256<float>>(ref y, ref x, ref i, n);
        if (Vector128.IsHardwareAccelerated) ForwardLoop<V128, Vector128<float>>(ref y, ref x, ref i, n);
        ForwardLoop<Scalar, float>(ref y, ref x, ref i, n);
    }

    private static void ForwardLoop<S, V>(ref float y, ref float x, ref int i, int n) where S : ISimd<V> where V : struct
    {
        V k1 = S.Splat(K1), k2 = S.Splat(K2), one = S.Splat(1f);
        for (; i <= n - S.Count; i += S.Count)
        {
            V v = S.Load(in Unsafe.Add(ref x, i));
            V z = S.Mul(v, S.MulAdd(k2, S.Mul(v, v), k1));
            S.Store(S.Div(v, S.Add(one, S.Exp(z))), ref Unsafe.Add(ref y, i));
        }
    }

    /// <summary>
    /// Elementwise <c>dInput += dOutput·gelu′(input)</c>; or, with <paramref name="accumulate"/> false,
    /// <c>dInput = dOutput·gelu′(input)</c> (its contents on entry are never read).
    /// </summary>
    /// <param name="dInput">Input gradient (accumulated, or overwritten); same length as <paramref name="input"/>.</param>
    /// <param name="dOutput">Output gradient; same length as <paramref name="input"/>.</param>
    /// <param name="input">The forward pass's pre-activations; non-empty.</param>
    /// <param name="accumulate">True (the default): add into <paramref name="dInput"/>. False: overwrite it.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="input"/> is empty.</exception>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Backward(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, bool accumulate = true)
    {
        Guard.NotEmpty(input.Length, nameof(input));
        Guard.Length(dInput.Length, nameof(dInput), "input.Length", input.Length);
        Guard.Length(dOutput.Length, nameof(dOutput), "input.Length", input.Length);

        fixed (float* dx = dInput, dy = dOutput, x = input)
        {
            var job = new Job { A = dx, B = dy, C = x, N = input.Length, Accumulate = accumulate };
            WorkerPool.Run(&BackwardPart, &job, Chunks.Parts(job.N));
        }
    }

    private static void BackwardPart(void* state, int part, int parts)
    {
        var job = (Job*)state;
        var (start, end) = Chunks.Range(job->N, part, parts);
        ref float dx = ref job->A[start];
        ref float dy = ref job->B[start];
        ref float x = ref job->C[start];
        int n = end - start, i = 0;
        if (Vector512.IsHardwareAccelerated) BackwardLoop<V512, Vector512<float>>(ref dx, ref dy, ref x, ref i, n, job->Accumulate);
        if (Vector256.IsHardwareAccelerated) BackwardLoop<V256, Vector256<float>>(ref dx, ref dy, ref x, ref i, n, job->Accumulate);
        if (Vector128.IsHardwareAccelerated) BackwardLoop<V128, Vector128<float>>(ref dx, ref dy, ref x, ref i, n, job->Accumulate);
        BackwardLoop<Scalar, float>(ref dx, ref dy, ref x, ref i, n, job->Accumulate);
    }

    private static void BackwardLoop<S, V>(ref float dx, ref float dy, ref float x, ref int i, int n, bool accumulate) where S : ISimd<V> where V : struct
    {
        // d/dx [x·σ] = σ + x·σ·(1 − σ)·(−dz/dx) with σ = 1/(1 + e^z) and −dz/dx = −(K1 + 3·K2·x²).
        V k1 = S.Splat(K1), k2 = S.Splat(K2), k2x3 = S.Splat(-3f * K2), negK1 = S.Splat(-K1), one = S.Splat(1f);
        V lo = S.Splat(-DerivativeClamp), hi = S.Splat(DerivativeClamp);
        for (; i <= n - S.Count; i += S.Count)
        {
            V v = S.Min(S.Max(S.Load(in Unsafe.Add(ref x, i)), lo), hi);
            V v2 = S.Mul(v, v);
            V e = S.Exp(S.Mul(v, S.MulAdd(k2, v2, k1)));
            V sig = S.Div(one, S.Add(one, e));
            V slope = S.MulAdd(k2x3, v2, negK1);                     // −dz/dx = 2·du/dx
            V grad = S.Mul(sig, S.MulAdd(S.Mul(v, S.Sub(one, sig)), slope, one));
            V dyv = S.Load(in Unsafe.Add(ref dy, i));
            S.Store(accumulate ? S.MulAdd(dyv, grad, S.Load(in Unsafe.Add(ref dx, i))) : S.Mul(dyv, grad), ref Unsafe.Add(ref dx, i));
        }
    }

    /// <summary>A pass's arguments, on the caller's stack while the workers read them.</summary>
    private struct Job
    {
        public float* A, B, C;
        public int N;

        /// <summary>Backward only: add into the input gradient (true) or overwrite it.</summary>
        public bool Accumulate;
    }
}
