using System;
using System.Collections.Generic;
using System.Linq;
using Residual.Reference;
using Xunit;
using static Residual.Runtime.Tests.Reference.FiniteDifferences;

namespace Residual.Runtime.Tests.Reference;

/// <summary>How a test sublayer is wired to the residual stream.</summary>
public enum ResidualMode
{
    /// <summary>No residual (declared plain): <c>y = F(x)</c>.</summary>
    Plain,

    /// <summary><c>y = x + F(x)</c>.</summary>
    Residual,

    /// <summary>Fixed scales: <c>y = 1.3·x + 0.5·F(x)</c>.</summary>
    FixedScale,

    /// <summary>Learnable branch scale starting at 0.7: <c>y = x + s·F(x)</c>.</summary>
    LearnableScale,
}

/// <summary>
/// <see cref="ReferenceBlock"/> against finite differences for every wiring of one sublayer, for a
/// sublayer without a norm, and for a two-sublayer GPT block: the gradient with respect to the input
/// and to every entry of every parameter tensor, with <c>L = Σ y·R</c>.
/// </summary>
public class ReferenceBlockTests
{
    private const int Width = 6, Heads = 2, Hidden = 9, Batch = 2, Time = 3;

    internal static SublayerDescription Sublayer(SublayerKind kind, Activation activation, NormPlacement placement, Norm norm, ResidualMode mode, string? prefix = null, string member = "Sub")
    {
        bool residual = mode != ResidualMode.Plain;
        double scale = mode switch { ResidualMode.FixedScale => 0.5, ResidualMode.LearnableScale => 0.7, _ => 1.0 };
        double alpha = mode == ResidualMode.FixedScale ? 1.3 : 1.0;
        return new SublayerDescription(
            member, kind, placement, norm, residual, scale, mode == ResidualMode.LearnableScale, alpha,
            kind == SublayerKind.Attention ? Heads : 0, kind == SublayerKind.FeedForward ? Hidden : 0, activation,
            prefix ?? (kind == SublayerKind.Attention ? "attn" : "mlp"));
    }

    /// <summary>The GPT-2 block: pre-LayerNorm attention then pre-LayerNorm GELU feed-forward, both plain residuals.</summary>
    internal static BlockDescription GptBlock(int width = Width, int heads = Heads, int hidden = Hidden, NormPlacement placement = NormPlacement.Pre, Norm norm = Norm.LayerNorm, Activation activation = Activation.Gelu) =>
        new("Gpt", width,
        [
            new SublayerDescription("Attend", SublayerKind.Attention, placement, norm, true, 1.0, false, 1.0, heads, 0, Activation.Gelu, "attn"),
            new SublayerDescription("Mix", SublayerKind.FeedForward, placement, norm, true, 1.0, false, 1.0, 0, hidden, activation, "mlp"),
        ]);

    /// <summary>Every kind × placement {Pre, Post} × norm × residual mode, then every kind × residual mode without a norm.</summary>
    public static TheoryData<SublayerKind, Activation, NormPlacement, Norm, ResidualMode> Wirings
    {
        get
        {
            var data = new TheoryData<SublayerKind, Activation, NormPlacement, Norm, ResidualMode>();
            (SublayerKind, Activation)[] kinds = [(SublayerKind.Attention, Activation.Gelu), (SublayerKind.FeedForward, Activation.Gelu), (SublayerKind.FeedForward, Activation.Relu)];
            foreach (var (kind, activation) in kinds)
                foreach (var placement in new[] { NormPlacement.Pre, NormPlacement.Post })
                    foreach (var norm in new[] { Norm.LayerNorm, Norm.RMSNorm })
                        foreach (var mode in Enum.GetValues<ResidualMode>())
                            data.Add(kind, activation, placement, norm, mode);
            foreach (var (kind, activation) in kinds)
                foreach (var mode in Enum.GetValues<ResidualMode>())
                    data.Add(kind, activation, NormPlacement.None, Norm.None, mode);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Wirings))]
    public void Backward_matches_finite_differences_for_one_sublayer(SublayerKind kind, Activation activation, NormPlacement placement, Norm norm, ResidualMode mode)
    {
        var block = new BlockDescription("One", Width, [Sublayer(kind, activation, placement, norm, mode)]);
        ulong seed = (ulong)((int)kind * 1000 + (int)activation * 100 + (int)placement * 10 + (int)norm) * 10 + (ulong)mode;
        CheckBlock(block, seed);
    }

    [Fact]
    public void Backward_matches_finite_differences_for_a_two_sublayer_gpt_block()
    {
        CheckBlock(GptBlock(), 2024);
    }

    [Fact]
    public void Backward_matches_finite_differences_for_a_two_sublayer_post_norm_rmsnorm_relu_block_with_scaled_residuals()
    {
        var block = new BlockDescription("PostMixed", Width,
        [
            Sublayer(SublayerKind.Attention, Activation.Gelu, NormPlacement.Post, Norm.RMSNorm, ResidualMode.LearnableScale, member: "Attend"),
            Sublayer(SublayerKind.FeedForward, Activation.Relu, NormPlacement.Post, Norm.RMSNorm, ResidualMode.FixedScale, member: "Mix"),
        ]);
        CheckBlock(block, 77);
    }

    /// <summary>Checks dL/dx and dL/dθ for every entry against finite differences, with the gradient buffers starting non-zero.</summary>
    internal static void CheckBlock(BlockDescription block, ulong seed)
    {
        var layout = Layouts.Block(block);
        var parameters = InitialParameters(layout, seed);
        var rng = new Rng(seed + 1);
        int n = Batch * Time * Width;
        var x = Normal(rng, n);
        var r = Normal(rng, n);
        double Loss() => Dot(ReferenceBlock.Forward(block, parameters, x, Batch, Time).Output, r);

        var activations = ReferenceBlock.Forward(block, parameters, x, Batch, Time);
        // Start both gradients at the same non-zero values and subtract afterwards: backward must add, not overwrite.
        var priorX = Normal(rng, n);
        var priorP = Normal(rng, parameters.Length);
        var dX = (double[])priorX.Clone();
        var dP = (double[])priorP.Clone();
        ReferenceBlock.Backward(block, parameters, activations, r, dX, dP);
        for (int i = 0; i < n; i++) dX[i] -= priorX[i];
        for (int i = 0; i < dP.Length; i++) dP[i] -= priorP[i];

        Check("x", Loss, x, dX);
        AssertNonTrivial("x", dX);
        foreach (var t in layout)
        {
            Check(t.Name, Loss, parameters, dP, t.Offset, t.Count);
            AssertNonTrivial(t.Name, dP.AsSpan(t.Offset, t.Count));
        }
    }

    /// <summary>Kind × placement (LayerNorm where placed) × residual mode, for the forward wiring check.</summary>
    public static TheoryData<SublayerKind, NormPlacement, ResidualMode> ForwardWirings
    {
        get
        {
            var data = new TheoryData<SublayerKind, NormPlacement, ResidualMode>();
            foreach (var kind in new[] { SublayerKind.Attention, SublayerKind.FeedForward })
                foreach (var placement in Enum.GetValues<NormPlacement>())
                    foreach (var mode in Enum.GetValues<ResidualMode>())
                        data.Add(kind, placement, mode);
            return data;
        }
    }

    // Finite differences only show that backward matches forward; this shows that forward itself follows
    // the declared formula, by composing the kernels by hand, independently of the interpreter.
    [Theory]
    [MemberData(nameof(ForwardWirings))]
    public void Forward_follows_the_declared_wiring(SublayerKind kind, NormPlacement placement, ResidualMode mode)
    {
        var norm = placement == NormPlacement.None ? Norm.None : Norm.LayerNorm;
        var s = Sublayer(kind, Activation.Relu, placement, norm, mode);
        var block = new BlockDescription("One", Width, [s]);
        var layout = Layouts.Block(block);
        var p = InitialParameters(layout, 90 + (ulong)mode);
        double[] T(string name)
        {
            var t = layout.Single(x => x.Name == name);
            return p.AsSpan(t.Offset, t.Count).ToArray();
        }

        int rows = Batch * Time, n = rows * Width;
        var x = Normal(new Rng(91), n);
        double[] LayerNorm(double[] input)
        {
            var output = new double[n];
            ReferenceKernels.LayerNormForward(output, new double[rows], new double[rows], input, T("ln_1.weight"), T("ln_1.bias"), rows, Width);
            return output;
        }
        double[] F(double[] u)
        {
            var f = new double[n];
            if (kind == SublayerKind.Attention)
            {
                var qkv = new double[rows * 3 * Width];
                ReferenceKernels.MatMulForward(qkv, u, T("attn.c_attn.weight"), T("attn.c_attn.bias"), rows, Width, 3 * Width);
                var y = new double[n];
                ReferenceKernels.AttentionForward(y, new double[Batch * Heads * Time * Time], qkv, Batch, Time, Width, Heads);
                ReferenceKernels.MatMulForward(f, y, T("attn.c_proj.weight"), T("attn.c_proj.bias"), rows, Width, Width);
            }
            else
            {
                var h = new double[rows * Hidden];
                ReferenceKernels.MatMulForward(h, u, T("mlp.c_fc.weight"), T("mlp.c_fc.bias"), rows, Width, Hidden);
                ReferenceKernels.ReluForward(h, h);
                ReferenceKernels.MatMulForward(f, h, T("mlp.c_proj.weight"), T("mlp.c_proj.bias"), rows, Hidden, Width);
            }
            return f;
        }
        double alpha = mode == ResidualMode.FixedScale ? 1.3 : 1.0;
        double scale = mode switch { ResidualMode.FixedScale => 0.5, ResidualMode.LearnableScale => T("res_1.scale")[0], _ => 1.0 };
        double[] Add(double[] identity, double[] branch) =>
            mode == ResidualMode.Plain ? branch : identity.Select((v, i) => alpha * v + scale * branch[i]).ToArray();

        var expected = placement switch
        {
            NormPlacement.Pre => Add(x, F(LayerNorm(x))),
            NormPlacement.Post => LayerNorm(Add(x, F(x))),
            _ => Add(x, F(x)),
        };
        Assert.Equal(expected, ReferenceBlock.Forward(block, p, x, Batch, Time).Output.ToArray());
    }

    [Fact]
    public void Learnable_scale_is_read_from_its_parameter_not_from_the_description()
    {
        var block = new BlockDescription("One", Width, [Sublayer(SublayerKind.FeedForward, Activation.Gelu, NormPlacement.Pre, Norm.LayerNorm, ResidualMode.LearnableScale)]);
        var layout = Layouts.Block(block);
        var parameters = InitialParameters(layout, 5);
        var x = Normal(new Rng(6), Batch * Time * Width);
        var scale = layout.Single(t => t.Name == "res_1.scale");
        Assert.Equal(0.7, parameters[scale.Offset], 6); // initialised from the description (as a float)

        parameters[scale.Offset] = 0.0;
        var y = ReferenceBlock.Forward(block, parameters, x, Batch, Time).Output.ToArray();
        Assert.Equal(x, y); // alpha 1, branch switched off
    }

    [Fact]
    public void Pre_norm_block_with_zero_output_projections_is_exactly_the_identity_forward_and_backward()
    {
        var block = GptBlock();
        var layout = Layouts.Block(block);
        // Output projections start at zero (weights by OutputInit.Zero, biases are kept at their zero init);
        // everything else, including the norms and the input-projection biases, is random.
        var parameters = InitialParameters(layout, 31, outputInit: OutputInit.Zero, keep: t => t.Name.EndsWith(".c_proj.bias", StringComparison.Ordinal));
        foreach (var t in layout.Where(t => t.Name.Contains(".c_proj.", StringComparison.Ordinal)))
            Assert.All(parameters.AsSpan(t.Offset, t.Count).ToArray(), v => Assert.Equal(0.0, v));
        Assert.Contains(parameters.AsSpan(layout.Single(t => t.Name == "attn.c_attn.bias").Offset, 3 * Width).ToArray(), v => v != 0.0);

        var rng = new Rng(32);
        var x = Normal(rng, Batch * Time * Width);
        var activations = ReferenceBlock.Forward(block, parameters, x, Batch, Time);
        AssertBitwiseEqual(x, activations.Output.ToArray());

        var dY = Normal(rng, x.Length);
        var dX = new double[x.Length];
        var dP = new double[parameters.Length];
        ReferenceBlock.Backward(block, parameters, activations, dY, dX, dP);
        AssertBitwiseEqual(dY, dX);
    }

    private static void AssertBitwiseEqual(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i]), $"[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Fact]
    public void Custom_sublayers_are_not_supported_and_say_so()
    {
        var custom = Sublayer(SublayerKind.FeedForward, Activation.Gelu, NormPlacement.Pre, Norm.LayerNorm, ResidualMode.Residual, "my_mix", "MyMix") with { Kind = SublayerKind.Custom };
        var block = new BlockDescription("WithCustom", Width, [custom]);
        var e = Assert.Throws<NotSupportedException>(() => ReferenceBlock.Forward(block, new double[1], new double[Width], 1, 1));
        Assert.Contains("MyMix", e.Message);
        Assert.Contains("custom", e.Message);
    }

    [Fact]
    public void Wrong_lengths_and_mismatched_activations_are_rejected_with_the_argument_named()
    {
        var block = GptBlock();
        var parameters = InitialParameters(Layouts.Block(block), 3);
        var x = new double[Batch * Time * Width];

        var p = Assert.Throws<ArgumentException>(() => ReferenceBlock.Forward(block, parameters.AsSpan(1), x, Batch, Time));
        Assert.Equal("parameters", p.ParamName);
        Assert.Contains($"length {parameters.Length - 1}", p.Message);
        Assert.Contains($"expected {parameters.Length}", p.Message);

        var xe = Assert.Throws<ArgumentException>(() => ReferenceBlock.Forward(block, parameters, x, Batch, Time + 1));
        Assert.Equal("x", xe.ParamName);

        var activations = ReferenceBlock.Forward(block, parameters, x, Batch, Time);
        var d = Assert.Throws<ArgumentException>(() => ReferenceBlock.Backward(block, parameters, activations, x, new double[x.Length + 1], new double[parameters.Length]));
        Assert.Equal("dX", d.ParamName);

        var other = new BlockDescription("Other", Width, [Sublayer(SublayerKind.Attention, Activation.Gelu, NormPlacement.Pre, Norm.LayerNorm, ResidualMode.Residual)]);
        var otherParameters = new double[Layouts.Block(other).Sum(t => t.Count)];
        var m = Assert.Throws<ArgumentException>(() => ReferenceBlock.Backward(other, otherParameters, activations, x, new double[x.Length], new double[otherParameters.Length]));
        Assert.Equal("activations", m.ParamName);

        var heads = new BlockDescription("BadHeads", Width, [Sublayer(SublayerKind.Attention, Activation.Gelu, NormPlacement.Pre, Norm.LayerNorm, ResidualMode.Residual) with { Heads = 4 }]);
        Assert.Throws<ArgumentException>(() => ReferenceBlock.Forward(heads, new double[1], x, Batch, Time));
    }
}
