using System;
using Residual;

namespace Residual.Benchmarks;

/// <summary>
/// L generated blocks applied in sequence to a residual stream, with every buffer allocated up front: one
/// <see cref="ForwardBackward"/> is the forward pass through all layers, then the backward pass back through
/// them (parameter gradients accumulate, the input gradient is computed), the unit the comparison times.
/// </summary>
public sealed class BlockStack
{
    private readonly IBlock[] _blocks;
    private readonly int _batch, _time;
    private readonly float[][] _streams, _activations, _gradients;
    private readonly float[] _scratch, _dy;

    public BlockStack(IBlock[] blocks, int batch, int time, int width)
    {
        _blocks = blocks;
        _batch = batch;
        _time = time;
        int tokens = batch * time * width;
        var rng = new Rng(7);
        _streams = new float[blocks.Length + 1][];
        _gradients = new float[blocks.Length + 1][];
        for (int i = 0; i <= blocks.Length; i++) { _streams[i] = new float[tokens]; _gradients[i] = new float[tokens]; }
        for (int i = 0; i < tokens; i++) _streams[0][i] = (float)rng.NextNormal();
        _dy = new float[tokens];
        for (int i = 0; i < tokens; i++) _dy[i] = (float)rng.NextNormal() * 1e-2f;
        _activations = new float[blocks.Length][];
        long scratch = 0;
        for (int i = 0; i < blocks.Length; i++)
        {
            _activations[i] = new float[checked((int)blocks[i].ActivationFloats(batch, time))];
            scratch = Math.Max(scratch, blocks[i].ScratchFloats(batch, time));
        }
        _scratch = new float[checked((int)scratch)];
    }

    /// <summary>Output of the last layer after <see cref="Forward"/>.</summary>
    public ReadOnlySpan<float> Output => _streams[^1];

    /// <summary>Forward through every layer.</summary>
    public void Forward()
    {
        for (int i = 0; i < _blocks.Length; i++)
            _blocks[i].Forward(_streams[i], _streams[i + 1], _activations[i], _batch, _time);
    }

    /// <summary>Forward, then backward from a fixed output gradient down to the input.</summary>
    public void ForwardBackward()
    {
        Forward();
        _dy.CopyTo(_gradients[^1], 0);
        for (int i = _blocks.Length - 1; i >= 0; i--)
        {
            _gradients[i].AsSpan().Clear();
            _blocks[i].Backward(_streams[i], _gradients[i + 1], _gradients[i], _activations[i], _scratch, _batch, _time);
        }
    }
}
