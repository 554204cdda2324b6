using System;

namespace Residual.Reference;

/// <summary>
/// Interprets a <see cref="BlockDescription"/> in double precision: the obviously-correct forward and
/// backward pass that generated blocks are checked against. Parameters are laid out exactly as
/// <see cref="Layouts.Block"/> says; tensors are found there by name.
/// </summary>
/// <remarks>
/// For sublayer <c>k</c> with input stream <c>x</c>, norm <c>N</c>, identity scale <c>a = Alpha</c> and
/// branch scale <c>s</c> (<c>Scale</c>, or the parameter <c>res_k.scale</c> when learnable):
/// <list type="bullet">
/// <item>Pre: <c>y = a·x + s·F(N(x))</c>, or <c>y = F(N(x))</c> without a residual.</item>
/// <item>Post: <c>y = N(a·x + s·F(x))</c>, or <c>y = N(F(x))</c> without a residual.</item>
/// <item>None: <c>y = a·x + s·F(x)</c>, or <c>y = F(x)</c> without a residual.</item>
/// </list>
/// <c>F</c> is causal multi-head attention (<c>c_attn</c> → attention → <c>c_proj</c>) or a feed-forward
/// (<c>c_fc</c> → GELU/ReLU → <c>c_proj</c>). Custom sublayers are not interpreted here.
/// A block-wide residual (<see cref="BlockDescription.Residual"/>) wraps the chain of sublayers <c>B</c> once more:
/// <c>y = a·x + s·B(x)</c>, with <c>s</c> the parameter <c>res.scale</c> when learnable.
/// </remarks>
public static class ReferenceBlock
{
    /// <summary>Runs the block on <paramref name="x"/> and keeps everything the backward pass needs.</summary>
    /// <param name="block">The block.</param>
    /// <param name="parameters">The block's parameters, laid out per <see cref="Layouts.Block"/>.</param>
    /// <param name="x">Input residual stream, <c>[batch, time, Width]</c>.</param>
    /// <param name="batch">Batch size.</param>
    /// <param name="time">Sequence length.</param>
    /// <returns>The output and the saved activations.</returns>
    /// <exception cref="NotSupportedException">The block has a custom sublayer.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length or the description is inconsistent.</exception>
    public static ReferenceBlockActivations Forward(BlockDescription block, ReadOnlySpan<double> parameters, ReadOnlySpan<double> x, int batch, int time)
    {
        var table = Prepare(block, nameof(block));
        ReferenceGuard.Positive(batch, nameof(batch));
        ReferenceGuard.Positive(time, nameof(time));
        ReferenceGuard.Length(parameters.Length, table.Count, nameof(parameters), "floats in Layouts.Block(block)");
        ReferenceGuard.Length(x.Length, ReferenceGuard.Product(batch, time, block.Width), nameof(x), "batch·time·Width");
        var tensors = SublayerTensors.Resolve(block, table, "");
        return ForwardCore(block, tensors, parameters, x.ToArray(), batch, time);
    }

    /// <summary>
    /// Backward pass of <see cref="Forward"/>: adds <c>dL/dx</c> into <paramref name="dX"/> and
    /// <c>dL/dθ</c> into <paramref name="dParameters"/>, given <c>dL/dy</c>.
    /// </summary>
    /// <param name="block">The block given to <see cref="Forward"/>.</param>
    /// <param name="parameters">The parameters given to <see cref="Forward"/>.</param>
    /// <param name="activations">What <see cref="Forward"/> returned.</param>
    /// <param name="dOutput">Gradient with respect to the output, <c>[batch, time, Width]</c>.</param>
    /// <param name="dX">Gradient with respect to the input, <c>[batch, time, Width]</c>; accumulated.</param>
    /// <param name="dParameters">Parameter gradients, same layout as <paramref name="parameters"/>; accumulated.</param>
    /// <exception cref="ArgumentException">A span has the wrong length, or <paramref name="activations"/> belong to another block.</exception>
    public static void Backward(BlockDescription block, ReadOnlySpan<double> parameters, ReferenceBlockActivations activations, ReadOnlySpan<double> dOutput, Span<double> dX, Span<double> dParameters)
    {
        var table = Prepare(block, nameof(block));
        ArgumentNullException.ThrowIfNull(activations);
        if (!block.Equals(activations.Block))
            throw new ArgumentException($"The activations come from block '{activations.Block.Name}', not from '{block.Name}'.", nameof(activations));
        long streamLength = ReferenceGuard.Product(activations.Batch, activations.Time, block.Width);
        ReferenceGuard.Length(parameters.Length, table.Count, nameof(parameters), "floats in Layouts.Block(block)");
        ReferenceGuard.Length(dParameters.Length, table.Count, nameof(dParameters), "floats in Layouts.Block(block)");
        ReferenceGuard.Length(dOutput.Length, streamLength, nameof(dOutput), "batch·time·Width");
        ReferenceGuard.Length(dX.Length, streamLength, nameof(dX), "batch·time·Width");
        var tensors = SublayerTensors.Resolve(block, table, "");
        BackwardCore(block, tensors, parameters, activations, dOutput.ToArray(), dX, dParameters);
    }

    /// <summary>Checks that the reference path can interpret <paramref name="block"/> and returns its layout.</summary>
    internal static TensorTable Prepare(BlockDescription block, string argument)
    {
        Validate(block, argument);
        return new TensorTable(Layouts.Block(block));
    }

    /// <summary>Throws a clear exception for anything the reference path cannot interpret.</summary>
    internal static void Validate(BlockDescription block, string argument)
    {
        ArgumentNullException.ThrowIfNull(block, argument);
        if (block.Width <= 0)
            throw new ArgumentException($"Block '{block.Name}' has width {block.Width}; it must be positive.", argument);
        foreach (var s in block.Sublayers)
        {
            string where = $"Sublayer '{s.Member}' of block '{block.Name}'";
            switch (s.Kind)
            {
                case SublayerKind.Attention:
                    if (s.Heads <= 0 || block.Width % s.Heads != 0)
                        throw new ArgumentException($"{where} has {s.Heads} heads; the heads must be positive and divide the width {block.Width}.", argument);
                    break;
                case SublayerKind.FeedForward:
                    if (s.Hidden <= 0)
                        throw new ArgumentException($"{where} has hidden size {s.Hidden}; it must be positive (resolve the 4·Width default before describing the block).", argument);
                    if (s.Activation is not (Activation.Gelu or Activation.Relu))
                        throw new ArgumentException($"{where} has unknown activation {s.Activation}.", argument);
                    break;
                case SublayerKind.Custom:
                    throw new NotSupportedException($"{where} is a custom sublayer; the reference path interprets only the built-in Attention and FeedForward (custom sublayers are checked against their own Backward).");
                default:
                    throw new ArgumentException($"{where} has unknown kind {s.Kind}.", argument);
            }
            if (s.Placement is (NormPlacement.Pre or NormPlacement.Post) && s.Norm is not (Norm.LayerNorm or Norm.RMSNorm))
                throw new ArgumentException($"{where} is placed {s.Placement} but its norm is {s.Norm}; it must be LayerNorm or RMSNorm.", argument);
            if (s.Placement is not (NormPlacement.None or NormPlacement.Pre or NormPlacement.Post))
                throw new ArgumentException($"{where} has unknown placement {s.Placement}.", argument);
        }
    }

    /// <summary>The forward pass, on validated arguments; <paramref name="x"/> is kept, not copied.</summary>
    internal static ReferenceBlockActivations ForwardCore(BlockDescription block, BlockTensors layer, ReadOnlySpan<double> parameters, double[] x, int batch, int time)
    {
        var tensors = layer.Sublayers;
        int c = block.Width, rows = batch * time;
        var saved = new SublayerActivations[block.Sublayers.Count];
        double[] stream = x;
        for (int k = 0; k < saved.Length; k++)
        {
            var s = block.Sublayers[k];
            var t = tensors[k];
            var a = new SublayerActivations { X = stream };

            // u = N(x) for pre-norm, x otherwise.
            double[] u = stream;
            if (s.Placement == NormPlacement.Pre)
            {
                u = new double[rows * c];
                a.Mean = new double[rows];
                a.Rstd = new double[rows];
                t.Norm!.Forward(parameters, u, a.Mean, a.Rstd, stream, rows, c);
            }
            a.U = u;

            // f = F(u).
            a.F = new double[rows * c];
            BranchForward(s, t, parameters, a, batch, time, c);

            // z = a·x + s·f, or f without a residual.
            double[] z = a.F;
            if (s.Residual)
            {
                a.Scale = t.Scale is null ? s.Scale : parameters[t.Scale.Offset];
                z = new double[rows * c];
                ReferenceKernels.ResidualForward(z, stream, a.F, s.Alpha, a.Scale);
            }
            a.Z = z;

            // y = N(z) for post-norm, z otherwise.
            double[] y = z;
            if (s.Placement == NormPlacement.Post)
            {
                y = new double[rows * c];
                a.Mean = new double[rows];
                a.Rstd = new double[rows];
                t.Norm!.Forward(parameters, y, a.Mean, a.Rstd, z, rows, c);
            }
            saved[k] = a;
            stream = y;
        }
        // The block-wide residual: y = a·x + s·B(x), where B(x) is the chain's output.
        double[] chain = stream;
        double blockScale = 1.0;
        if (block.Residual is { } whole)
        {
            blockScale = layer.Scale is null ? whole.Scale : parameters[layer.Scale.Offset];
            stream = new double[rows * c];
            ReferenceKernels.ResidualForward(stream, x, chain, whole.Alpha, blockScale);
        }
        return new ReferenceBlockActivations(block, batch, time, x, saved, stream) { Chain = chain, BlockScale = blockScale };
    }

    /// <summary>The backward pass, on validated arguments. Accumulates into <paramref name="dX"/> and <paramref name="dParameters"/>.</summary>
    internal static void BackwardCore(BlockDescription block, BlockTensors layer, ReadOnlySpan<double> parameters, ReferenceBlockActivations activations, double[] dOutput, Span<double> dX, Span<double> dParameters)
    {
        var tensors = layer.Sublayers;
        int c = block.Width, batch = activations.Batch, time = activations.Time, rows = batch * time;
        double[] dy = dOutput;
        // Through the block-wide residual: dx gets a·dy directly (the identity path), the chain gets s·dy.
        double[]? dIdentity = null;
        if (block.Residual is { } whole)
        {
            dIdentity = new double[rows * c];
            dy = new double[rows * c];
            ReferenceKernels.ResidualBackward(dIdentity, dy, dOutput, whole.Alpha, activations.BlockScale);
            if (layer.Scale is not null)
            {
                double dScale = 0.0;
                for (int i = 0; i < dOutput.Length; i++) dScale += dOutput[i] * activations.Chain[i];
                dParameters[layer.Scale.Offset] += dScale;
            }
        }
        for (int k = block.Sublayers.Count - 1; k >= 0; k--)
        {
            var s = block.Sublayers[k];
            var t = tensors[k];
            var a = activations.Sublayers[k];

            double[] dz = dy;
            if (s.Placement == NormPlacement.Post)
            {
                dz = new double[rows * c];
                t.Norm!.Backward(parameters, dParameters, dz, dy, a.Z, a.Mean, a.Rstd, rows, c);
            }

            var dx = new double[rows * c];
            double[] df = dz;
            if (s.Residual)
            {
                df = new double[rows * c];
                ReferenceKernels.ResidualBackward(dx, df, dz, s.Alpha, a.Scale);
                if (t.Scale is not null)
                {
                    double dScale = 0.0;
                    for (int i = 0; i < dz.Length; i++) dScale += dz[i] * a.F[i];
                    dParameters[t.Scale.Offset] += dScale;
                }
            }

            // Without a pre-norm, F's input is x itself, so its gradient goes straight into dx.
            double[] du = s.Placement == NormPlacement.Pre ? new double[rows * c] : dx;
            BranchBackward(s, t, parameters, dParameters, a, df, du, batch, time, c);
            if (s.Placement == NormPlacement.Pre)
                t.Norm!.Backward(parameters, dParameters, dx, du, a.X, a.Mean, a.Rstd, rows, c);
            dy = dx;
        }
        for (int i = 0; i < dy.Length; i++) dX[i] += dy[i];
        if (dIdentity is not null)
            for (int i = 0; i < dIdentity.Length; i++) dX[i] += dIdentity[i];
    }

    /// <summary><c>a.F = F(a.U)</c>, saving the intermediate tensors in <paramref name="a"/>.</summary>
    private static void BranchForward(SublayerDescription s, SublayerTensors t, ReadOnlySpan<double> p, SublayerActivations a, int batch, int time, int c)
    {
        int rows = batch * time, inner = t.InFeatures;
        a.Pre = new double[rows * inner];
        ReferenceKernels.MatMulForward(a.Pre, a.U, Slice(p, t.InWeight), Slice(p, t.InBias), rows, c, inner);
        int projIn;
        if (s.Kind == SublayerKind.Attention)
        {
            projIn = c;
            a.Hidden = new double[rows * c];
            a.Att = new double[batch * s.Heads * time * time];
            ReferenceKernels.AttentionForward(a.Hidden, a.Att, a.Pre, batch, time, c, s.Heads);
        }
        else
        {
            projIn = inner;
            a.Hidden = new double[rows * inner];
            if (s.Activation == Activation.Gelu) ReferenceKernels.GeluForward(a.Hidden, a.Pre);
            else ReferenceKernels.ReluForward(a.Hidden, a.Pre);
        }
        ReferenceKernels.MatMulForward(a.F, a.Hidden, Slice(p, t.OutWeight), Slice(p, t.OutBias), rows, projIn, c);
    }

    /// <summary>Adds the gradient of <c>F</c>'s input into <paramref name="du"/> and of its parameters into <paramref name="dp"/>, given <paramref name="df"/>.</summary>
    private static void BranchBackward(SublayerDescription s, SublayerTensors t, ReadOnlySpan<double> p, Span<double> dp, SublayerActivations a, double[] df, double[] du, int batch, int time, int c)
    {
        int rows = batch * time, inner = t.InFeatures;
        int projIn = a.Hidden.Length / rows;
        var dHidden = new double[a.Hidden.Length];
        ReferenceKernels.MatMulBackwardInput(dHidden, df, Slice(p, t.OutWeight), rows, projIn, c);
        ReferenceKernels.MatMulBackwardWeight(Slice(dp, t.OutWeight), df, a.Hidden, rows, projIn, c);
        ReferenceKernels.MatMulBackwardBias(Slice(dp, t.OutBias), df, rows, c);

        var dPre = new double[a.Pre.Length];
        if (s.Kind == SublayerKind.Attention)
            ReferenceKernels.AttentionBackward(dPre, new double[a.Att.Length], dHidden, a.Pre, a.Att, batch, time, c, s.Heads);
        else if (s.Activation == Activation.Gelu)
            ReferenceKernels.GeluBackward(dPre, dHidden, a.Pre);
        else
            ReferenceKernels.ReluBackward(dPre, dHidden, a.Pre);

        ReferenceKernels.MatMulBackwardInput(du, dPre, Slice(p, t.InWeight), rows, c, inner);
        ReferenceKernels.MatMulBackwardWeight(Slice(dp, t.InWeight), dPre, a.U, rows, c, inner);
        ReferenceKernels.MatMulBackwardBias(Slice(dp, t.InBias), dPre, rows, inner);
    }

    private static ReadOnlySpan<double> Slice(ReadOnlySpan<double> span, TensorInfo t) => span.Slice(t.Offset, t.Count);

    private static Span<double> Slice(Span<double> span, TensorInfo t) => span.Slice(t.Offset, t.Count);
}

/// <summary>
/// What <see cref="ReferenceBlock.Forward"/> computed: the block's output and every intermediate
/// tensor its backward pass reads. Pass it unchanged to <see cref="ReferenceBlock.Backward"/>.
/// </summary>
public sealed class ReferenceBlockActivations
{
    private readonly double[] _output;

    internal ReferenceBlockActivations(BlockDescription block, int batch, int time, double[] input, SublayerActivations[] sublayers, double[] output)
    {
        Block = block;
        Batch = batch;
        Time = time;
        Input = input;
        Sublayers = sublayers;
        _output = output;
    }

    /// <summary>The block that produced these activations.</summary>
    public BlockDescription Block { get; }

    /// <summary>Batch size.</summary>
    public int Batch { get; }

    /// <summary>Sequence length.</summary>
    public int Time { get; }

    /// <summary>The block's output, <c>[batch, time, Width]</c>.</summary>
    public ReadOnlySpan<double> Output => _output;

    internal double[] Input { get; }

    internal double[] OutputArray => _output;

    /// <summary>Output of the chain of sublayers, <c>B(x)</c>: the output itself unless a block-wide residual wraps it.</summary>
    internal double[] Chain { get; init; } = [];

    /// <summary>The block-wide residual's scale used (fixed, or the learnable parameter's value); 1 without one.</summary>
    internal double BlockScale { get; init; } = 1.0;

    internal SublayerActivations[] Sublayers { get; }
}

/// <summary>The tensors one sublayer's backward pass reads.</summary>
internal sealed class SublayerActivations
{
    /// <summary>Input stream <c>x</c>.</summary>
    public double[] X = [];

    /// <summary>Input of <c>F</c>: <c>N(x)</c> for pre-norm, otherwise <c>x</c>.</summary>
    public double[] U = [];

    /// <summary>Row means of the norm (LayerNorm only).</summary>
    public double[] Mean = [];

    /// <summary>Row reciprocal standard deviations of the norm.</summary>
    public double[] Rstd = [];

    /// <summary>Output of the input projection: <c>qkv</c> or the feed-forward pre-activation.</summary>
    public double[] Pre = [];

    /// <summary>Attention probabilities <c>[B, heads, T, T]</c> (attention only).</summary>
    public double[] Att = [];

    /// <summary>Input of the output projection: the attention output or the activation's output.</summary>
    public double[] Hidden = [];

    /// <summary>Branch output <c>F(u)</c>.</summary>
    public double[] F = [];

    /// <summary>Value before a post-norm: the residual sum, or <c>F(u)</c> without a residual.</summary>
    public double[] Z = [];

    /// <summary>The branch scale used (fixed, or the learnable parameter's value).</summary>
    public double Scale;
}
