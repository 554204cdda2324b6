using System.Linq;
using Residual;
using Xunit;

namespace Residual.Runtime.Tests.Parameters;

public class LayoutTests
{
    private static SublayerDescription Sub(string member, SublayerKind kind, string prefix, int hidden = 0, int heads = 0) =>
        new(member, kind, NormPlacement.Pre, Norm.LayerNorm, true, 1.0, false, 1.0, heads, hidden, Activation.Gelu, prefix);

    [Fact]
    public void Model_layout_uses_gpt2_names_in_gpt2_order()
    {
        var block = new BlockDescription("B", 8, [Sub("Attend", SublayerKind.Attention, "attn", heads: 2), Sub("Mix", SublayerKind.FeedForward, "mlp", hidden: 32)]);
        var model = new ModelDescription("M", 11, 5, 2, Norm.LayerNorm, block);
        var names = Layouts.Model(model).Select(t => t.Name).ToArray();
        Assert.Equal(
            new[]
            {
                "wte.weight", "wpe.weight",
                "h.0.ln_1.weight", "h.0.ln_1.bias", "h.0.attn.c_attn.weight", "h.0.attn.c_attn.bias", "h.0.attn.c_proj.weight", "h.0.attn.c_proj.bias",
                "h.0.ln_2.weight", "h.0.ln_2.bias", "h.0.mlp.c_fc.weight", "h.0.mlp.c_fc.bias", "h.0.mlp.c_proj.weight", "h.0.mlp.c_proj.bias",
                "h.1.ln_1.weight", "h.1.ln_1.bias", "h.1.attn.c_attn.weight", "h.1.attn.c_attn.bias", "h.1.attn.c_proj.weight", "h.1.attn.c_proj.bias",
                "h.1.ln_2.weight", "h.1.ln_2.bias", "h.1.mlp.c_fc.weight", "h.1.mlp.c_fc.bias", "h.1.mlp.c_proj.weight", "h.1.mlp.c_proj.bias",
                "ln_f.weight", "ln_f.bias",
            },
            names);
        var arena = new ParameterArena(Layouts.Model(model));
        int perLayer = 8 * 2 + 24 * 8 + 24 + 64 + 8 + 8 * 2 + 32 * 8 + 32 + 8 * 32 + 8;
        Assert.Equal(11 * 8 + 5 * 8 + 2 * perLayer + 16, arena.Count);
        Assert.Equal(new[] { 24, 8 }, arena.Info("h.1.attn.c_attn.weight").Shape);
    }

    [Fact]
    public void Initializer_is_deterministic_and_zeroes_output_projections_on_request()
    {
        var block = new BlockDescription("B", 8, [Sub("Mix", SublayerKind.FeedForward, "mlp", hidden: 16)]);
        var model = new ModelDescription("M", 7, 4, 3, Norm.RMSNorm, block);
        var a = new ParameterArena(Layouts.Model(model));
        var b = new ParameterArena(Layouts.Model(model));
        Initializer.Initialize(a, new ModelOptions { Seed = 5, OutputInit = OutputInit.Zero }, 3);
        Initializer.Initialize(b, new ModelOptions { Seed = 5, OutputInit = OutputInit.Zero }, 3);
        Assert.Equal(a.Data, b.Data);
        Assert.All(a["h.2.mlp.c_proj.weight"].ToArray(), v => Assert.Equal(0f, v));
        Assert.All(a["ln_f.weight"].ToArray(), v => Assert.Equal(1f, v));
        Assert.False(a.Contains("ln_f.bias"));
        Assert.Contains(a["h.0.mlp.c_fc.weight"].ToArray(), v => v != 0f);
    }

    [Fact]
    public void Tensor_infos_are_equal_by_value_and_keep_their_own_copy_of_the_shape()
    {
        int[] shape = [3, 4];
        var a = new TensorInfo("w", 0, shape, ParameterInit.Normal);
        var b = new TensorInfo("w", 0, [3, 4], ParameterInit.Normal);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { Shape = [4, 3] });

        shape[0] = 9; // the caller's array changes; the layout does not
        Assert.Equal(12, a.Count);
        Assert.Equal(new ParameterShape("w", [3, 4], ParameterInit.Zeros), new ParameterShape("w", [3, 4], ParameterInit.Zeros));
    }
}
