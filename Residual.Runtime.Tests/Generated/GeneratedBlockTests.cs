using System;
using System.Linq;
using Residual;
using Residual.Reference;
using Xunit;
using static Residual.Runtime.Tests.Generated.Numerics;

namespace Residual.Runtime.Tests.Generated;

/// <summary>
/// The generated float code against the double-precision reference path, which is itself checked
/// against finite differences in double (Reference/*Tests). Together: generated gradients are exact
/// up to float rounding, for every sublayer kind, norm placement, norm and residual wiring.
/// </summary>
public class GeneratedBlockTests
{
    public static TheoryData<string> CombinationNames => new(Combinations.Blocks.Keys.OrderBy(n => n, StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(CombinationNames))]
    public void Generated_block_matches_reference_forward_and_backward(string name)
    {
        var block = Combinations.Blocks[name](new ModelOptions { Seed = 3 });
        CompareWithReference(block, batch: 2, time: 3, seed: 11);
    }

    [Fact]
    public void Generated_gpt_block_matches_reference_forward_and_backward() =>
        CompareWithReference(new GptTestBlock(new ModelOptions { Seed = 5 }), batch: 2, time: 5, seed: 12);

    [Fact]
    public void Generated_three_sublayer_post_norm_block_matches_reference_forward_and_backward() =>
        CompareWithReference(new PostNormTestBlock(new ModelOptions { Seed = 6 }), batch: 3, time: 4, seed: 13);

    [Fact]
    public void Generated_block_matches_reference_with_one_token_and_one_sequence() =>
        CompareWithReference(new GptTestBlock(new ModelOptions { Seed = 7 }), batch: 1, time: 1, seed: 14);

    internal static void CompareWithReference(IBlock block, int batch, int time, ulong seed)
    {
        var description = block.Description;
        int n = batch * time * description.Width;
        Randomize(block.Parameters, block.Layout, seed);
        var x = Random(n, seed + 1);
        var dy = Random(n, seed + 2);

        var y = new float[n];
        var activations = new float[block.ActivationFloats(batch, time)];
        var scratch = new float[block.ScratchFloats(batch, time)];
        var dx = new float[n];
        block.Gradients.Clear();
        block.Forward(x, y, activations, batch, time);
        block.Backward(x, dy, dx, activations, scratch, batch, time);

        var p = ToDouble(block.Parameters);
        var saved = ReferenceBlock.Forward(description, p, ToDouble(x), batch, time);
        var dxRef = new double[n];
        var dpRef = new double[p.Length];
        ReferenceBlock.Backward(description, p, saved, ToDouble(dy), dxRef, dpRef);

        AssertClose(y, saved.Output, "y");
        AssertClose(dx, dxRef, "dx");
        foreach (var t in block.Layout)
            AssertClose(block.Gradients.Slice(t.Offset, t.Count), dpRef.AsSpan(t.Offset, t.Count), "d" + t.Name);
    }

    [Fact]
    public void Generated_layout_equals_the_runtime_layout_for_every_combination()
    {
        foreach (var (name, create) in Combinations.Blocks)
        {
            var block = create(new ModelOptions());
            var expected = Layouts.Block(block.Description);
            Assert.Equal(expected.Select(t => (t.Name, t.Offset, t.ShapeText, t.Init, t.Value)), block.Layout.Select(t => (t.Name, t.Offset, t.ShapeText, t.Init, t.Value)));
        }
    }

    [Fact]
    public void Block_with_zero_output_projections_is_exactly_the_identity_and_passes_the_gradient_unchanged()
    {
        var block = new GptTestBlock(new ModelOptions { Seed = 9, OutputInit = OutputInit.Zero });
        Assert.All(block.Parameters.Slice(GptTestBlock.AttnCProjWeightOffset, 32 * 32).ToArray(), v => Assert.Equal(0f, v));
        int batch = 2, time = 4, n = batch * time * 32;
        var x = Random(n, 1);
        var dy = Random(n, 2);
        var y = new float[n];
        var dx = new float[n];
        var activations = new float[GptTestBlock.ActivationFloats(batch, time)];
        var scratch = new float[GptTestBlock.ScratchFloats(batch, time)];
        block.Forward(x, y, activations, batch, time);
        block.Backward(x, dy, dx, activations, scratch, batch, time);
        Assert.Equal(x, y);   // bit for bit: x + 0
        Assert.Equal(dy, dx); // the identity path alone: dL/dx = dL/dy
    }

    [Fact]
    public void Custom_sublayer_block_backward_matches_finite_differences()
    {
        // Float finite differences (no double reference exists for user code). The loss
        // L = Σ y·R is accumulated in double; the forward pass is float, so L carries rounding noise
        // of about 1e-7·Σ|y·R| ≈ 1e-5 here, i.e. ≈ 5e-4 in a central difference with h = 1e-2, while
        // the truncation error h²·f'''/6 stays near 1e-5. Hence |fd - analytic| ≤ 2e-2·|analytic| + 2e-3.
        const float h = 1e-2f;
        int batch = 2, time = 3, c = CustomTestBlock.Width, n = batch * time * c;
        var block = new CustomTestBlock(new ModelOptions { Seed = 4 });
        Randomize(block.Parameters, CustomTestBlock.Layout, 21);
        var x = Random(n, 22);
        var r = Random(n, 23);
        var activations = new float[CustomTestBlock.ActivationFloats(batch, time)];
        var scratch = new float[CustomTestBlock.ScratchFloats(batch, time)];
        var y = new float[n];
        double Loss(float[] input)
        {
            block.Forward(input, y, activations, batch, time);
            return Dot(y, r);
        }

        var dx = new float[n];
        block.Gradients.Clear();
        Loss(x);
        block.Backward(x, r, dx, activations, scratch, batch, time);
        var gradients = block.Gradients.ToArray();

        static void Check(double fd, float analytic, string what) =>
            Assert.True(Math.Abs(fd - analytic) <= 2e-2 * Math.Abs(analytic) + 2e-3, $"{what}: finite difference {fd:G6}, backward {analytic:G6}");

        foreach (var t in CustomTestBlock.Layout)
            foreach (int i in Samples(t.Count))
            {
                var p = block.Parameters;
                float saved = p[t.Offset + i];
                p[t.Offset + i] = saved + h; double plus = Loss(x);
                p = block.Parameters; p[t.Offset + i] = saved - h; double minus = Loss(x);
                p = block.Parameters; p[t.Offset + i] = saved;
                Check((plus - minus) / (2 * h), gradients[t.Offset + i], $"d{t.Name}[{i}]");
            }
        foreach (int i in Samples(n, 8))
        {
            var xp = (float[])x.Clone(); xp[i] += h;
            var xm = (float[])x.Clone(); xm[i] -= h;
            Check((Loss(xp) - Loss(xm)) / (2 * h), dx[i], $"dx[{i}]");
        }
        Assert.Contains(CustomTestBlock.Layout, t => t.Name == "gate.weight");
    }

    [Fact]
    public void Block_forward_rejects_wrong_span_lengths_naming_the_argument_and_sizes()
    {
        var block = new GptTestBlock();
        int batch = 2, time = 3, n = batch * time * 32;
        var activations = new float[GptTestBlock.ActivationFloats(batch, time)];
        var y = new float[n];
        var ex = Assert.Throws<ArgumentException>(() => block.Forward(new float[n - 1], y, activations, batch, time));
        Assert.Equal("x", ex.ParamName);
        Assert.Contains($"expected batch·time·Width = 2·3·32 = {n}", ex.Message);
        Assert.All(y, v => Assert.Equal(0f, v));
        ex = Assert.Throws<ArgumentException>(() => block.Forward(new float[n], y, new float[activations.Length - 1], batch, time));
        Assert.Equal("activations", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => block.Forward(new float[n], y, activations, 0, time));
        var scratch = new float[GptTestBlock.ScratchFloats(batch, time) - 1];
        ex = Assert.Throws<ArgumentException>(() => block.Backward(new float[n], new float[n], new float[n], activations, scratch, batch, time));
        Assert.Equal("scratch", ex.ParamName);
    }
}
