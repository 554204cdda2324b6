using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Residual.Kernels;

/// <summary>ReLU activation, <c>relu(x) = max(x, 0)</c>, with derivative 0 at <c>x ≤ 0</c>.</summary>
public static class Relu
{
    /// <summary>Elementwise <c>output = max(input, 0)</c>. Overwrites <paramref name="output"/>.</summary>
    /// <param name="output">Result; same length as <paramref name="input"/>. May be the same span as <paramref name="input"/>.</param>
    /// <param name="input">Pre-activations; non-empty.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="input"/> is empty.</exception>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Forward(Span<float> output, ReadOnlySpan<float> input)
    {
        Guard.NotEmpty(input.Length, nameof(input));
        Guard.Length(output.Length, nameof(output), "input.Length", input.Length);
        ref float y = ref MemoryMarshal.GetReference(output);
        ref float x = ref MemoryMarshal.GetReference(input);
        int n = input.Length, i = 0;
        if (Vector512.IsHardwareAccelerated) ForwardLoop<V512, Vector512<float>>(ref y, ref x, ref i, n);
        if (Vector256.IsHardwareAccelerated) ForwardLoop<V256, Vector256<float>>(ref y, ref x, ref i, n);
        if (Vector128.IsHardwareAccelerated) ForwardLoop<V128, Vector128<float>>(ref y, ref x, ref i, n);
        ForwardLoop<Scalar, float>(ref y, ref x, ref i, n);
    }

    private static void ForwardLoop<S, V>(ref float y, ref float x, ref int i, int n) where S : ISimd<V> where V : struct
    {
        for (; i <= n - S.Count; i += S.Count)
        {
            V v = S.Load(in Unsafe.Add(ref x, i));
            S.Store(S.WherePositive(v, v), ref Unsafe.Add(ref y, i));
        }
    }

    /// <summary>
    /// Elementwise <c>dInput += input &gt; 0 ? dOutput : 0</c>; or, with <paramref name="accumulate"/> false,
    /// <c>dInput = input &gt; 0 ? dOutput : 0</c> (its contents on entry are never read).
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
        ref float dx = ref MemoryMarshal.GetReference(dInput);
        ref float dy = ref MemoryMarshal.GetReference(dOutput);
        ref float x = ref MemoryMarshal.GetReference(input);
        int n = input.Length, i = 0;
        if (Vector512.IsHardwareAccelerated) BackwardLoop<V512, Vector512<float>>(ref dx, ref dy, ref x, ref i, n, accumulate);
        if (Vector256.IsHardwareAccelerated) BackwardLoop<V256, Vector256<float>>(ref dx, ref dy, ref x, ref i, n, accumulate);
        if (Vector128.IsHardwareAccelerated) BackwardLoop<V128, Vector128<float>>(ref dx, ref dy, ref x, ref i, n, accumulate);
        BackwardLoop<Scalar, float>(ref dx, ref dy, ref x, ref i, n, accumulate);
    }

    private static void BackwardLoop<S, V>(ref float dx, ref float dy, ref float x, ref int i, int n, bool accumulate) where S : ISimd<V> where V : struct
    {
        for (; i <= n - S.Count; i += S.Count)
        {
            V g = S.WherePositive(S.Load(in Unsafe.Add(ref x, i)), S.Load(in Unsafe.Add(ref dy, i)));
            S.Store(accumulate ? S.Add(S.Load(in Unsafe.Add(ref dx, i)), g) : g, ref Unsafe.Add(ref dx, i));
        }
    }
}
