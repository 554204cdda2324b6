using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Residual.Kernels;

/// <summary>
/// The vector operations the kernels use, abstracted over the vector width so that each loop is written
/// once as a generic method <c>Loop&lt;S, V&gt;</c> and instantiated for <see cref="Vector512{T}"/>,
/// <see cref="Vector256{T}"/>, <see cref="Vector128{T}"/> and plain <see cref="float"/> (one lane, used for
/// tails and on hardware without SIMD). The JIT specialises every instantiation over these structs and
/// inlines the calls, so the generic code compiles to the same instructions as hand-written intrinsics.
/// </summary>
/// <typeparam name="V">The vector type.</typeparam>
internal interface ISimd<V> where V : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }

    /// <summary>All lanes zero.</summary>
    static abstract V Zero { get; }

    /// <summary>All lanes <paramref name="x"/>.</summary>
    static abstract V Splat(float x);

    /// <summary>Loads <see cref="Count"/> floats starting at <paramref name="source"/> (no alignment needed).</summary>
    static abstract V Load(ref readonly float source);

    /// <summary>Stores <see cref="Count"/> floats starting at <paramref name="destination"/>.</summary>
    static abstract void Store(V value, ref float destination);

    static abstract V Add(V a, V b);
    static abstract V Sub(V a, V b);
    static abstract V Mul(V a, V b);
    static abstract V Div(V a, V b);

    /// <summary><c>a·b + c</c>, as one fused instruction where the hardware has FMA.</summary>
    static abstract V MulAdd(V a, V b, V c);

    static abstract V Max(V a, V b);
    static abstract V Min(V a, V b);

    /// <summary>e^x per lane (±1–2 ulp; +∞ → +∞, −∞ → 0).</summary>
    static abstract V Exp(V x);

    /// <summary>Each lane rounded to the nearest integer, ties to even.</summary>
    static abstract V Round(V x);

    /// <summary><paramref name="e"/>·2^<paramref name="n"/> per lane, for integral <paramref name="n"/> in [−151, 129].</summary>
    static abstract V ScaleByPowerOfTwo(V e, V n);

    /// <summary>Per lane, <paramref name="value"/> where <paramref name="x"/> &gt; 0, else 0 (NaN counts as not positive).</summary>
    static abstract V WherePositive(V x, V value);

    /// <summary>Zeroes the lanes below <paramref name="first"/> (0 ≤ first ≤ <see cref="Count"/>); used for overlapping tail vectors.</summary>
    static abstract V KeepFrom(V value, int first);

    /// <summary>Sum of the lanes.</summary>
    static abstract float Sum(V v);

    /// <summary>Largest lane.</summary>
    static abstract float MaxOf(V v);
}

/// <summary>512-bit vectors (AVX-512).</summary>
internal readonly struct V512 : ISimd<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;
    public static Vector512<float> Zero => Vector512<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Splat(float x) => Vector512.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(ref readonly float source) => Vector512.LoadUnsafe(in source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<float> value, ref float destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Sub(Vector512<float> a, Vector512<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Mul(Vector512<float> a, Vector512<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Div(Vector512<float> a, Vector512<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> MulAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Exp(Vector512<float> x) => FastExp.Exp<V512, Vector512<float>>(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Round(Vector512<float> x) => Vector512.Round(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> ScaleByPowerOfTwo(Vector512<float> e, Vector512<float> n) => FastExp.ScaleByPowerOfTwo(e, n);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> WherePositive(Vector512<float> x, Vector512<float> value) => Vector512.GreaterThan(x, Vector512<float>.Zero) & value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> KeepFrom(Vector512<float> value, int first) => Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create(first)).AsSingle() & value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector512<float> v) => Vector512.Sum(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MaxOf(Vector512<float> v) => V256.MaxOf(Vector256.Max(v.GetLower(), v.GetUpper()));
}

/// <summary>256-bit vectors (AVX2).</summary>
internal readonly struct V256 : ISimd<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;
    public static Vector256<float> Zero => Vector256<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Splat(float x) => Vector256.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(ref readonly float source) => Vector256.LoadUnsafe(in source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> value, ref float destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Sub(Vector256<float> a, Vector256<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Mul(Vector256<float> a, Vector256<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Div(Vector256<float> a, Vector256<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Min(Vector256<float> a, Vector256<float> b) => Vector256.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Exp(Vector256<float> x) => FastExp.Exp<V256, Vector256<float>>(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Round(Vector256<float> x) => Vector256.Round(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> ScaleByPowerOfTwo(Vector256<float> e, Vector256<float> n) => FastExp.ScaleByPowerOfTwo(e, n);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> WherePositive(Vector256<float> x, Vector256<float> value) => Vector256.GreaterThan(x, Vector256<float>.Zero) & value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> KeepFrom(Vector256<float> value, int first) => Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create(first)).AsSingle() & value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector256<float> v) => Vector256.Sum(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MaxOf(Vector256<float> v) => V128.MaxOf(Vector128.Max(v.GetLower(), v.GetUpper()));
}

/// <summary>128-bit vectors (SSE, NEON).</summary>
internal readonly struct V128 : ISimd<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;
    public static Vector128<float> Zero => Vector128<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Splat(float x) => Vector128.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Load(ref readonly float source) => Vector128.LoadUnsafe(in source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<float> value, ref float destination) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Sub(Vector128<float> a, Vector128<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Mul(Vector128<float> a, Vector128<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Div(Vector128<float> a, Vector128<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> MulAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Min(Vector128<float> a, Vector128<float> b) => Vector128.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Exp(Vector128<float> x) => FastExp.Exp<V128, Vector128<float>>(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Round(Vector128<float> x) => Vector128.Round(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> ScaleByPowerOfTwo(Vector128<float> e, Vector128<float> n) => FastExp.ScaleByPowerOfTwo(e, n);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> WherePositive(Vector128<float> x, Vector128<float> value) => Vector128.GreaterThan(x, Vector128<float>.Zero) & value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> KeepFrom(Vector128<float> value, int first) => Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create(first)).AsSingle() & value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector128<float> v) => Vector128.Sum(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MaxOf(Vector128<float> v) => MathF.Max(MathF.Max(v[0], v[1]), MathF.Max(v[2], v[3]));
}

/// <summary>One lane: the scalar fallback and the tail of every vector loop.</summary>
internal readonly struct Scalar : ISimd<float>
{
    public static int Count => 1;
    public static float Zero => 0f;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Splat(float x) => x;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Load(ref readonly float source) => source;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float value, ref float destination) => destination = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Add(float a, float b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sub(float a, float b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Mul(float a, float b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Div(float a, float b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MulAdd(float a, float b, float c) => a * b + c;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Max(float a, float b) => MathF.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Min(float a, float b) => MathF.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Exp(float x) => MathF.Exp(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Round(float x) => MathF.Round(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float ScaleByPowerOfTwo(float e, float n) => MathF.ScaleB(e, (int)n);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float WherePositive(float x, float value) => x > 0f ? value : 0f;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float KeepFrom(float value, int first) => first <= 0 ? value : 0f;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(float v) => v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MaxOf(float v) => v;
}
