using System;
using BenchmarkDotNet.Attributes;
using Residual;

namespace Residual.Benchmarks;

/// <summary>
/// One block forward, and forward + backward, generated code. FLOPs for the GFLOP/s column:
/// forward = 24·B·T·C² + 4·B·T²·C, backward = 2 × forward.
/// </summary>
[MemoryDiagnoser]
public class BlockBenchmarks
{
    private const int B = 4, T = 64, C = SBlock.Width;
    private readonly SBlock _block = new(new ModelOptions { Seed = 1 });
    private readonly float[] _x = new float[B * T * C], _y = new float[B * T * C], _dy = new float[B * T * C], _dx = new float[B * T * C];
    private readonly float[] _activations = new float[SBlock.ActivationFloats(B, T)];
    private readonly float[] _scratch = new float[SBlock.ScratchFloats(B, T)];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(2);
        for (int i = 0; i < _x.Length; i++) { _x[i] = (float)rng.NextNormal(); _dy[i] = (float)rng.NextNormal(); }
    }

    [Benchmark]
    public void Forward() => _block.Forward(_x, _y, _activations, B, T);

    [Benchmark]
    public void ForwardBackward()
    {
        _block.Forward(_x, _y, _activations, B, T);
        _block.Backward(_x, _dy, _dx, _activations, _scratch, B, T);
    }
}

/// <summary>A character-level GPT like the sample's: one training step (forward, backward) at batch 8 × 64.</summary>
[Block(Width = 64)]
public partial class SampleBlock
{
    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention Attend { get; }

    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 256)]
    public partial FeedForward Mix { get; }
}

[Model(Vocab = 96, Context = 64, Layers = 4, FinalNorm = Norm.LayerNorm)]
public partial class SampleGpt : Transformer<SampleBlock>;

[MemoryDiagnoser]
public class ModelBenchmarks
{
    private const int B = 8, T = 64;
    private readonly SampleGpt _model = new(new ModelOptions { Seed = 1 });
    private readonly int[] _tokens = new int[B * T], _targets = new int[B * T];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(3);
        for (int i = 0; i < _tokens.Length; i++) { _tokens[i] = rng.NextInt(SampleGpt.Vocab); _targets[i] = rng.NextInt(SampleGpt.Vocab); }
        _model.Forward(_tokens, _targets, B, T); // grow activation memory once
    }

    [Benchmark]
    public float TrainingStep()
    {
        float loss = _model.Forward(_tokens, _targets, B, T);
        _model.ZeroGradients();
        _model.Backward();
        return loss;
    }
}
