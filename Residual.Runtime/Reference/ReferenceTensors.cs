using System;
using System.Collections.Generic;

namespace Residual.Reference;

/// <summary>
/// Finds tensors of a canonical layout (<see cref="Layouts"/>) by name, so that the reference path
/// reads offsets from the layout instead of restating it.
/// </summary>
internal sealed class TensorTable
{
    private readonly Dictionary<string, TensorInfo> _byName = new(StringComparer.Ordinal);

    public TensorTable(IReadOnlyList<TensorInfo> tensors)
    {
        long total = 0;
        foreach (var t in tensors)
        {
            _byName.Add(t.Name, t);
            total = Math.Max(total, (long)t.Offset + t.Count);
        }
        Count = checked((int)total);
    }

    /// <summary>Length of a span holding every tensor of the layout.</summary>
    public int Count { get; }

    /// <summary>Whether the layout has a tensor of that name.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The tensor called <paramref name="name"/>; it must exist and hold <paramref name="count"/> values.</summary>
    public TensorInfo Find(string name, long count)
    {
        if (!_byName.TryGetValue(name, out var t))
            throw new InvalidOperationException($"The parameter layout has no tensor '{name}', which the reference path needs; the description and Layouts disagree.");
        if (t.Count != count)
            throw new InvalidOperationException($"Tensor '{name}' has shape {t.ShapeText} ({t.Count} values); the reference path expects {count} values.");
        return t;
    }
}

/// <summary>The tensors of one norm: its weight and, for LayerNorm, its bias.</summary>
internal sealed record NormTensors(Norm Kind, TensorInfo Weight, TensorInfo? Bias)
{
    /// <summary>Looks up <c>{name}.weight</c> (and <c>{name}.bias</c> for LayerNorm), each <paramref name="width"/> long.</summary>
    public static NormTensors Resolve(TensorTable table, Norm kind, string name, int width) =>
        new(kind, table.Find(name + ".weight", width), kind == Norm.LayerNorm ? table.Find(name + ".bias", width) : null);

    /// <summary>Normalises <paramref name="input"/> into <paramref name="output"/>, filling the row statistics.</summary>
    public void Forward(ReadOnlySpan<double> parameters, double[] output, double[] mean, double[] rstd, double[] input, int rows, int width)
    {
        var w = parameters.Slice(Weight.Offset, Weight.Count);
        if (Kind == Norm.LayerNorm)
            ReferenceKernels.LayerNormForward(output, mean, rstd, input, w, parameters.Slice(Bias!.Offset, Bias.Count), rows, width);
        else
            ReferenceKernels.RmsNormForward(output, rstd, input, w, rows, width);
    }

    /// <summary>Adds the input gradient into <paramref name="dInput"/> and the norm's parameter gradients into <paramref name="dParameters"/>.</summary>
    public void Backward(ReadOnlySpan<double> parameters, Span<double> dParameters, double[] dInput, double[] dOutput, double[] input, double[] mean, double[] rstd, int rows, int width)
    {
        var w = parameters.Slice(Weight.Offset, Weight.Count);
        var dW = dParameters.Slice(Weight.Offset, Weight.Count);
        if (Kind == Norm.LayerNorm)
            ReferenceKernels.LayerNormBackward(dInput, dW, dParameters.Slice(Bias!.Offset, Bias.Count), dOutput, input, w, mean, rstd, rows, width);
        else
            ReferenceKernels.RmsNormBackward(dInput, dW, dOutput, input, w, rstd, rows, width);
    }
}

/// <summary>
/// The tensors of one sublayer: its norm (if placed), its input projection (<c>c_attn</c> or <c>c_fc</c>),
/// its output projection (<c>c_proj</c>) and its learnable residual scale (if any).
/// </summary>
internal sealed record SublayerTensors(NormTensors? Norm, TensorInfo InWeight, TensorInfo InBias, TensorInfo OutWeight, TensorInfo OutBias, TensorInfo? Scale)
{
    /// <summary>Width of the input projection's output: <c>3·C</c> for attention, <c>Hidden</c> for feed-forward.</summary>
    public int InFeatures => InBias.Count;

    /// <summary>Resolves every sublayer of <paramref name="block"/> whose tensor names start with <paramref name="prefix"/>.</summary>
    public static BlockTensors Resolve(BlockDescription block, TensorTable table, string prefix)
    {
        int c = block.Width;
        var result = new SublayerTensors[block.Sublayers.Count];
        for (int i = 0; i < result.Length; i++)
        {
            var s = block.Sublayers[i];
            int k = i + 1;
            var norm = s.Placement == NormPlacement.None ? null : NormTensors.Resolve(table, s.Norm, $"{prefix}ln_{k}", c);
            string p = prefix + s.Prefix;
            (string inName, int inner) = s.Kind == SublayerKind.Attention ? ("c_attn", 3 * c) : ("c_fc", s.Hidden);
            int projIn = s.Kind == SublayerKind.Attention ? c : s.Hidden;
            result[i] = new SublayerTensors(
                norm,
                table.Find($"{p}.{inName}.weight", (long)inner * c),
                table.Find($"{p}.{inName}.bias", inner),
                table.Find($"{p}.c_proj.weight", (long)c * projIn),
                table.Find($"{p}.c_proj.bias", c),
                s.Residual && s.LearnableScale ? table.Find($"{prefix}res_{k}.scale", 1) : null);
        }
        return new BlockTensors(result, block.Residual is { LearnableScale: true } ? table.Find($"{prefix}res.scale", 1) : null);
    }
}

/// <summary>The tensors of one layer: each sublayer's, and the learnable scale of a block-wide residual (if any).</summary>
internal sealed record BlockTensors(SublayerTensors[] Sublayers, TensorInfo? Scale);
