using System;
using System.Runtime.CompilerServices;

namespace Residual.Kernels;

/// <summary>
/// Packing buffers for one thread's share of a GEMM: a block of A (<see cref="Gemm.MC"/> × <see cref="Gemm.KC"/>),
/// a panel of B (<see cref="Gemm.KC"/> × <see cref="Gemm.NC"/>) and one micro-tile for the edges. Allocated once
/// per thread on first use (pinned, 64-byte aligned), then reused by every call on that thread: no
/// allocation per call.
/// </summary>
internal sealed unsafe class GemmScratch
{
    [ThreadStatic] private static GemmScratch? t_current;

    private readonly float[] _storage;

    private GemmScratch()
    {
        const int floatsA = Gemm.MC * Gemm.KC, floatsB = Gemm.KC * Gemm.NC, floatsTile = Gemm.MaxMR * Gemm.MaxNR;
        // Pinned on the pinned-object heap; 16 spare floats to align each region to 64 bytes.
        _storage = GC.AllocateUninitializedArray<float>(floatsA + floatsB + floatsTile + 3 * 16, pinned: true);
        float* p = (float*)Unsafe.AsPointer(ref _storage[0]);
        PackedA = Align(p);
        PackedB = Align(PackedA + floatsA);
        Tile = Align(PackedB + floatsB);
    }

    /// <summary>The calling thread's scratch.</summary>
    public static GemmScratch Current => t_current ??= new GemmScratch();

    /// <summary>Most floats <see cref="Shared"/> hands out (64 MB); a bigger operand is packed by each thread as it goes.</summary>
    public const long MaxSharedFloats = 16L << 20;

    [ThreadStatic] private static float[]? t_shared;
    [ThreadStatic] private static nuint t_sharedStart;

    /// <summary>
    /// A 64-byte aligned buffer of at least <paramref name="floats"/> floats owned by the calling thread (which blocks
    /// while its workers fill and read it), or null above <see cref="MaxSharedFloats"/>. Grows on demand, so a training
    /// step allocates only on its first call at each size.
    /// </summary>
    public static float* Shared(long floats)
    {
        if (floats > MaxSharedFloats) return null;
        if (t_shared is null || t_shared.LongLength - 16 < floats)
        {
            t_shared = GC.AllocateUninitializedArray<float>((int)floats + 16, pinned: true);
            t_sharedStart = (nuint)Align((float*)Unsafe.AsPointer(ref t_shared[0]));
        }
        return (float*)t_sharedStart;
    }

    public float* PackedA { get; }
    public float* PackedB { get; }
    public float* Tile { get; }

    private static float* Align(float* p) => (float*)(((nuint)p + 63) & ~(nuint)63);
}
