using System;
using System.Collections.Generic;

namespace Residual;

/// <summary>
/// The canonical parameter layout of blocks and models, computed from their descriptions. The
/// generator bakes the same layout into constants; tests check that both agree tensor by tensor.
/// </summary>
/// <remarks>
/// Weights are stored <c>[out, in]</c> (PyTorch <c>nn.Linear</c>, llm.c), so <c>y = x·Wᵀ + b</c>.
/// Per layer, in order, for the k-th sublayer (1-based): <c>ln_k.weight</c>, <c>ln_k.bias</c> (LayerNorm
/// only; absent without a norm), the sublayer's own tensors under its prefix, then
/// <c>res_k.scale</c> when the residual scale is learnable; after the last sublayer, <c>res.scale</c> when the
/// block-wide residual's scale is learnable.
/// </remarks>
public static class Layouts
{
    /// <summary>The tensors of one layer of <paramref name="block"/>, offsets relative to the layer.</summary>
    /// <param name="block">The block.</param>
    /// <param name="custom">Resolves custom sublayers' parameter shapes; may be null when the block has none.</param>
    public static IReadOnlyList<TensorInfo> Block(BlockDescription block, Func<SublayerDescription, IReadOnlyList<ParameterShape>>? custom = null)
    {
        ArgumentNullException.ThrowIfNull(block);
        var list = new List<TensorInfo>();
        int offset = 0;
        void Add(string name, int[] shape, ParameterInit init, float value = 0f)
        {
            var t = new TensorInfo(name, offset, shape, init, value);
            list.Add(t);
            offset = checked(offset + t.Count);
        }

        int c = block.Width;
        for (int i = 0; i < block.Sublayers.Count; i++)
        {
            var s = block.Sublayers[i];
            int k = i + 1;
            if (s.Placement != NormPlacement.None)
            {
                Add($"ln_{k}.weight", [c], ParameterInit.Ones);
                if (s.Norm == Norm.LayerNorm) Add($"ln_{k}.bias", [c], ParameterInit.Zeros);
            }
            var output = OutputInit(block, i);
            switch (s.Kind)
            {
                case SublayerKind.Attention:
                    Add($"{s.Prefix}.c_attn.weight", [3 * c, c], ParameterInit.Normal);
                    Add($"{s.Prefix}.c_attn.bias", [3 * c], ParameterInit.Zeros);
                    Add($"{s.Prefix}.c_proj.weight", [c, c], output);
                    Add($"{s.Prefix}.c_proj.bias", [c], ParameterInit.Zeros);
                    break;
                case SublayerKind.FeedForward:
                    Add($"{s.Prefix}.c_fc.weight", [s.Hidden, c], ParameterInit.Normal);
                    Add($"{s.Prefix}.c_fc.bias", [s.Hidden], ParameterInit.Zeros);
                    Add($"{s.Prefix}.c_proj.weight", [c, s.Hidden], output);
                    Add($"{s.Prefix}.c_proj.bias", [c], ParameterInit.Zeros);
                    break;
                default:
                    if (custom is null) throw new ArgumentNullException(nameof(custom), $"Sublayer '{s.Member}' is custom; pass a resolver for its parameter shapes.");
                    foreach (var p in custom(s))
                        Add($"{s.Prefix}.{p.Name}", p.Shape, p.Init == ParameterInit.ResidualOutput ? output : p.Init, p.Value);
                    break;
            }
            if (s.Residual && s.LearnableScale) Add($"res_{k}.scale", [1], ParameterInit.Constant, (float)s.Scale);
        }
        if (block.Residual is { LearnableScale: true } whole) Add("res.scale", [1], ParameterInit.Constant, (float)whole.Scale);
        return list;
    }

    /// <summary>
    /// How sublayer <paramref name="index"/>'s output projection starts: as a residual-branch output when it writes into
    /// the residual stream (its own residual, or the last sublayer of a block-wide residual without a post-norm after it).
    /// A plain sublayer's output projection cannot start at zero: nothing would flow past it.
    /// </summary>
    /// <param name="block">The block.</param>
    /// <param name="index">Index of the sublayer (0-based).</param>
    public static ParameterInit OutputInit(BlockDescription block, int index)
    {
        ArgumentNullException.ThrowIfNull(block);
        var s = block.Sublayers[index];
        bool feedsBlockResidual = block.Residual is not null && index == block.Sublayers.Count - 1 && s.Placement != NormPlacement.Post;
        return s.Residual || feedsBlockResidual ? ParameterInit.ResidualOutput : ParameterInit.Normal;
    }

    /// <summary>The tensors of a whole model: <c>wte.weight</c>, <c>wpe.weight</c>, <c>h.{i}.*</c>, <c>ln_f.*</c>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="custom">Resolves custom sublayers' parameter shapes; may be null when the block has none.</param>
    public static IReadOnlyList<TensorInfo> Model(ModelDescription model, Func<SublayerDescription, IReadOnlyList<ParameterShape>>? custom = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Compose(model, Block(model.Block, custom));
    }

    private static IReadOnlyList<TensorInfo> Compose(ModelDescription model, IReadOnlyList<TensorInfo> layer)
    {
        int c = model.Block.Width;
        var list = new List<TensorInfo>();
        int offset = 0;
        void Add(TensorInfo t) { list.Add(t); offset = checked(offset + t.Count); }

        Add(new TensorInfo("wte.weight", offset, [model.Vocab, c], ParameterInit.Normal));
        Add(new TensorInfo("wpe.weight", offset, [model.Context, c], ParameterInit.Normal));
        for (int l = 0; l < model.Layers; l++)
        {
            int start = offset;
            foreach (var t in layer) Add(t.Relocate($"h.{l}.", start));
        }
        if (model.FinalNorm != Norm.None)
        {
            Add(new TensorInfo("ln_f.weight", offset, [c], ParameterInit.Ones));
            if (model.FinalNorm == Norm.LayerNorm) Add(new TensorInfo("ln_f.bias", offset, [c], ParameterInit.Zeros));
        }
        return list;
    }

    /// <summary>The tensors of a whole model, given one layer's layout (as a generated block's <c>Layout</c>).</summary>
    /// <param name="model">The model.</param>
    /// <param name="blockLayout">One layer's tensors, offsets relative to the layer.</param>
    public static IReadOnlyList<TensorInfo> Model(ModelDescription model, IReadOnlyList<TensorInfo> blockLayout)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(blockLayout);
        return Compose(model, blockLayout);
    }

    /// <summary>Expands a custom sublayer's declared shapes into tensors under <paramref name="prefix"/> starting at <paramref name="offset"/>.</summary>
    /// <param name="prefix">Name prefix including the dot, such as <c>gate.</c>.</param>
    /// <param name="offset">Offset of the first tensor.</param>
    /// <param name="shapes">What the sublayer describes.</param>
    /// <param name="residual">Whether the sublayer has a residual (a plain sublayer's output projection is not zero-initialised).</param>
    public static IReadOnlyList<TensorInfo> Expand(string prefix, int offset, IReadOnlyList<ParameterShape> shapes, bool residual)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        var list = new List<TensorInfo>(shapes.Count);
        foreach (var p in shapes)
        {
            var init = p.Init == ParameterInit.ResidualOutput && !residual ? ParameterInit.Normal : p.Init;
            list.Add(new TensorInfo(prefix + p.Name, offset, p.Shape, init, p.Value));
            offset = checked(offset + p.Count);
        }
        return list;
    }

    /// <summary>Total floats of <paramref name="shapes"/>.</summary>
    /// <param name="shapes">Parameter shapes.</param>
    public static int CountOf(IReadOnlyList<ParameterShape> shapes)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        int n = 0;
        foreach (var p in shapes) n = checked(n + p.Count);
        return n;
    }
}
