using System;
using Residual.Kernels;
using Xunit;

namespace Residual.Runtime.Tests.Kernels;

public class AllocationTests
{
    [Fact]
    public void Kernels_do_not_allocate_per_call()
    {
        const int rows = 6, inF = 19, outF = 37, b = 2, t = 3, c = 12, h = 3, vocab = 11;
        var x = TestData.Uniform(rows * inF, 1);
        var w = TestData.Uniform(outF * inF, 2);
        var bias = TestData.Uniform(outF, 3);
        var y = new float[rows * outF];
        var dx = new float[rows * inF];
        var dw = new float[outF * inF];
        var db = new float[outF];
        var row = TestData.Uniform(rows * c, 4);
        var rowOut = new float[rows * c];
        var stats = new float[rows];
        var stats2 = new float[rows];
        var gain = TestData.Uniform(c, 5);
        var gainGrad = new float[c];
        var qkv = TestData.Uniform(b * t * 3 * c, 6);
        var att = new float[b * h * t * t];
        var attOut = new float[b * t * c];
        var dqkv = new float[qkv.Length];
        var scratch = new float[att.Length];
        var tokens = new int[b * t];
        var wte = TestData.Uniform(vocab * c, 7);
        var wpe = TestData.Uniform(t * c, 8);
        var logits = TestData.Uniform(rows * vocab, 9);
        var probs = new float[rows * vocab];
        var targets = new int[rows];

        void All()
        {
            MatMul.Forward(y, x, w, bias, rows, inF, outF);
            MatMul.BackwardInput(dx, y, w, rows, inF, outF);
            MatMul.BackwardWeight(dw, y, x, rows, inF, outF);
            MatMul.BackwardBias(db, y, rows, outF);
            LayerNormKernel.Forward(rowOut, stats, stats2, row, gain, gain, rows, c);
            LayerNormKernel.Backward(rowOut, gainGrad, gainGrad, row, row, gain, stats, stats2, rows, c);
            RmsNormKernel.Forward(rowOut, stats, row, gain, rows, c);
            RmsNormKernel.Backward(rowOut, gainGrad, row, row, gain, stats, rows, c);
            CausalAttention.Forward(attOut, att, qkv, b, t, c, h);
            CausalAttention.Backward(dqkv, scratch, attOut, qkv, att, b, t, c, h);
            Gelu.Forward(rowOut, row);
            Gelu.Backward(rowOut, row, row);
            Relu.Forward(rowOut, row);
            Relu.Backward(rowOut, row, row);
            Embedding.Forward(attOut, tokens, wte, wpe, b, t, c);
            Embedding.Backward(wte, wpe, attOut, tokens, b, t, c);
            CrossEntropy.Softmax(probs, logits, rows, vocab);
            CrossEntropy.Forward(stats, probs, targets, rows, vocab);
            CrossEntropy.Backward(logits, probs, targets, 0.5f, rows, vocab);
            ResidualAdd.Forward(rowOut, row, row, 1f, 1f);
            ResidualAdd.Backward(rowOut, row, rowOut, 1f, 1f);
        }

        All(); // JIT
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) All();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
