using BenchmarkDotNet.Attributes;
using Residual;
using Residual.Kernels;

namespace Residual.Benchmarks;

/// <summary>
/// Every runtime kernel other than the GEMM, at config L's sizes (B4, T256, C512, H8; hidden 2048; a
/// GPT-2-sized vocabulary slice of 4096 for the loss), on every core.
/// </summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private const int B = 4, T = 256, C = 512, H = 8, Hidden = 4 * C, Vocab = 4096, Rows = B * T;
    private float[] _stream = null!, _stream2 = null!, _out = null!, _mean = null!, _rstd = null!, _gain = null!, _bias = null!, _dGain = null!, _dBias = null!;
    private float[] _qkv = null!, _att = null!, _heads = null!, _dQkv = null!, _dAtt = null!;
    private float[] _fc = null!, _act = null!, _dFc = null!;
    private float[] _logits = null!, _probs = null!, _losses = null!, _wte = null!, _wpe = null!;
    private int[] _tokens = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(3);
        float[] Fill(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)rng.NextNormal(); return a; }
        _stream = Fill(Rows * C); _stream2 = Fill(Rows * C); _out = new float[Rows * C];
        _mean = new float[Rows]; _rstd = new float[Rows]; _gain = Fill(C); _bias = Fill(C); _dGain = new float[C]; _dBias = new float[C];
        _qkv = Fill(Rows * 3 * C); _att = new float[B * H * T * T]; _heads = new float[Rows * C]; _dQkv = new float[Rows * 3 * C]; _dAtt = new float[B * H * T * T];
        _fc = Fill(Rows * Hidden); _act = new float[Rows * Hidden]; _dFc = new float[Rows * Hidden];
        _logits = Fill(Rows * Vocab); _probs = new float[Rows * Vocab]; _losses = new float[Rows]; _wte = Fill(Vocab * C); _wpe = Fill(T * C);
        _tokens = new int[Rows];
        for (int i = 0; i < Rows; i++) _tokens[i] = rng.NextInt(Vocab);
        CausalAttention.Forward(_heads, _att, _qkv, B, T, C, H);
        CrossEntropy.Softmax(_probs, _logits, Rows, Vocab);
    }

    [Benchmark] public void LayerNormForward() => LayerNormKernel.Forward(_out, _mean, _rstd, _stream, _gain, _bias, Rows, C);
    [Benchmark] public void LayerNormBackward() => LayerNormKernel.Backward(_out, _dGain, _dBias, _stream2, _stream, _gain, _mean, _rstd, Rows, C);
    [Benchmark] public void AttentionForward() => CausalAttention.Forward(_heads, _att, _qkv, B, T, C, H);
    [Benchmark] public void AttentionBackward() => CausalAttention.Backward(_dQkv, _dAtt, _heads, _qkv, _att, B, T, C, H);
    [Benchmark] public void GeluForward() => Gelu.Forward(_act, _fc);
    [Benchmark] public void GeluBackward() => Gelu.Backward(_dFc, _act, _fc);
    [Benchmark] public void ResidualAddForward() => ResidualAdd.Forward(_out, _stream, _stream2, 1f, 1f);
    [Benchmark] public void ResidualAddBackward() => ResidualAdd.Backward(_out, _stream2, _stream, 1f, 1f);
    [Benchmark] public void BiasGradient() => MatMul.BackwardBias(_dBias, _stream, Rows, C);
    [Benchmark] public void SoftmaxCrossEntropy() { CrossEntropy.Softmax(_probs, _logits, Rows, Vocab); CrossEntropy.Forward(_losses, _probs, _tokens, Rows, Vocab); }
    [Benchmark] public void CrossEntropyBackward() => CrossEntropy.Backward(_logits, _probs, _tokens, 1f / Rows, Rows, Vocab);
    [Benchmark] public void EmbeddingForward() => Embedding.Forward(_out, _tokens, _wte, _wpe, B, T, C);
    [Benchmark] public void EmbeddingBackward() => Embedding.Backward(_wte, _wpe, _out, _tokens, B, T, C);
}
