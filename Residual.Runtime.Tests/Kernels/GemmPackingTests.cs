using System;
using Residual.Kernels;
using Xunit;

namespace Residual.Runtime.Tests.Kernels;

/// <summary>
/// The GEMM's vector packing paths (block copies of contiguous lanes, 8 × 8 and 4 × 8 register transposes of
/// contiguous steps) must write exactly the panel the float-at-a-time loop writes, zero lanes included.
/// </summary>
public unsafe class GemmPackingTests
{
    public static TheoryData<int, int, int> Panels => new()
    {
        // width (a micro-tile's rows or columns on some vector width), valid lanes, steps
        { 12, 12, 64 },
        { 12, 12, 13 },  // 8 + 4 lanes transposed, 5 leftover steps
        { 12, 11, 17 },  // 8 lanes transposed, 3 lane by lane, one zero lane
        { 12, 3, 8 },    // no full group of 4: lane by lane
        { 32, 32, 40 },
        { 32, 21, 9 },
        { 16, 16, 7 },   // fewer steps than a transpose block
        { 6, 6, 24 },    // 4 lanes transposed + 2
        { 6, 5, 16 },
        { 8, 8, 8 },
        { 2, 2, 10 },
    };

    [Theory, MemberData(nameof(Panels))]
    public void Transposed_packing_writes_the_same_panel_as_lane_by_lane(int width, int valid, int kc)
    {
        int laneStride = kc + 5; // rows of a larger matrix
        var source = Values(valid * laneStride);
        var expected = Filled(width * kc);
        var actual = Filled(width * kc);
        fixed (float* s = source, e = expected, a = actual)
        {
            GemmPacking.LaneByLane(s, laneStride, 1, valid, kc, width, e);
            GemmPacking.TransposeLanes(s, laneStride, valid, kc, width, a);
        }
        Assert.Equal(expected, actual);
    }

    /// <summary>
    /// The copy path packs whole panels side by side (in groups of about 128 lanes, a step at a time): the widths and
    /// step counts of <see cref="Panels"/>, with 1 panel, a few, and more than one group (11 panels of 12 lanes, 5 of 32).
    /// </summary>
    public static TheoryData<int, int, int> WholePanels
    {
        get
        {
            var data = new TheoryData<int, int, int>();
            var seen = new System.Collections.Generic.HashSet<(int, int)>();
            foreach (var row in Panels)
                if (seen.Add(((int)row[0], (int)row[2])))
                    foreach (int panels in new[] { 1, 3, 11 })
                        data.Add((int)row[0], (int)row[2], panels);
            data.Add(32, 40, 5);
            return data;
        }
    }

    [Theory, MemberData(nameof(WholePanels))]
    public void Copied_packing_writes_the_same_panels_as_lane_by_lane(int width, int kc, int panels)
    {
        int lanes = width * panels, stepStride = lanes + 3;
        var source = Values(kc * stepStride);
        var expected = Filled(lanes * kc);
        var actual = Filled(lanes * kc);
        fixed (float* s = source, e = expected, a = actual)
        {
            for (int p = 0; p < panels; p++)
                GemmPacking.LaneByLane(s + p * width, 1, stepStride, width, kc, width, e + p * width * kc);
            GemmPacking.CopySteps(s, stepStride, kc, panels, width, a);
        }
        Assert.Equal(expected, actual);
    }

    private static float[] Values(int n)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i + 1; // every element distinct, so a misplaced one shows
        return v;
    }

    private static float[] Filled(int n)
    {
        var v = new float[n];
        Array.Fill(v, float.NaN); // a lane the packing forgets stays NaN (Assert.Equal treats NaN = NaN)
        return v;
    }
}
