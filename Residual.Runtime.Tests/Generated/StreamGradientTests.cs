using System;
using System.Linq;
using Residual;
using Residual.Reference;
using Xunit;
using static Residual.Runtime.Tests.Generated.Numerics;

namespace Residual.Runtime.Tests.Generated;

/// <summary>
/// <see cref="LanguageModel.StreamGradientNorms"/>: the norm of dL/dx of the residual stream at every layer boundary,
/// checked against the double-precision reference run layer by layer.
/// </summary>
public sealed class StreamGradientTests
{
    /// <summary>‖dL/dx‖ of streams 0..Layers, from the reference kernels and blocks composed like the generated model.</summary>
    private static double[] ReferenceStreamGradientNorms(LanguageModel model, int[] tokens, int[] targets, int batch, int time)
    {
        var d = model.Description;
        var block = d.Block;
        int rows = batch * time, c = block.Width, v = d.Vocab, layers = d.Layers;
        var p = ToDouble(model.Parameters.Data);
        var wte = model.Parameters.Info("wte.weight");
        var wpe = model.Parameters.Info("wpe.weight");
        int stride = Layouts.Block(block).Sum(t => t.Count);
        int first = model.Parameters.Info("h.0." + Layouts.Block(block)[0].Name).Offset;
        var dp = new double[p.Length];

        var streams = new double[layers + 1][];
        streams[0] = new double[rows * c];
        ReferenceKernels.EmbeddingForward(streams[0], tokens, p.AsSpan(wte.Offset, wte.Count), p.AsSpan(wpe.Offset, wpe.Count), batch, time, c);
        var saved = new ReferenceBlockActivations[layers];
        for (int l = 0; l < layers; l++)
        {
            saved[l] = ReferenceBlock.Forward(block, p.AsSpan(first + l * stride, stride), streams[l], batch, time);
            streams[l + 1] = saved[l].Output.ToArray();
        }
        var final = streams[layers];
        double[] mean = new double[rows], rstd = new double[rows];
        if (d.FinalNorm != Norm.None)
        {
            final = new double[rows * c];
            var w = model.Parameters.Info("ln_f.weight");
            if (d.FinalNorm == Norm.LayerNorm)
            {
                var b = model.Parameters.Info("ln_f.bias");
                ReferenceKernels.LayerNormForward(final, mean, rstd, streams[layers], p.AsSpan(w.Offset, w.Count), p.AsSpan(b.Offset, b.Count), rows, c);
            }
            else ReferenceKernels.RmsNormForward(final, rstd, streams[layers], p.AsSpan(w.Offset, w.Count), rows, c);
        }
        var logits = new double[rows * v];
        var probs = new double[rows * v];
        ReferenceKernels.MatMulForward(logits, final, p.AsSpan(wte.Offset, wte.Count), ReadOnlySpan<double>.Empty, rows, c, v);
        ReferenceKernels.SoftmaxForward(probs, logits, rows, v);

        var dLogits = new double[rows * v];
        ReferenceKernels.CrossEntropyBackward(dLogits, probs, targets, 1.0 / rows, rows, v);
        var dFinal = new double[rows * c];
        ReferenceKernels.MatMulBackwardInput(dFinal, dLogits, p.AsSpan(wte.Offset, wte.Count), rows, c, v);
        var norms = new double[layers + 1];
        var dStream = dFinal;
        if (d.FinalNorm != Norm.None)
        {
            dStream = new double[rows * c];
            var w = model.Parameters.Info("ln_f.weight");
            var dw = new double[c];
            if (d.FinalNorm == Norm.LayerNorm)
                ReferenceKernels.LayerNormBackward(dStream, dw, new double[c], dFinal, streams[layers], p.AsSpan(w.Offset, w.Count), mean, rstd, rows, c);
            else
                ReferenceKernels.RmsNormBackward(dStream, dw, dFinal, streams[layers], p.AsSpan(w.Offset, w.Count), rstd, rows, c);
        }
        norms[layers] = Norm2(dStream);
        for (int l = layers - 1; l >= 0; l--)
        {
            var dPrevious = new double[rows * c];
            ReferenceBlock.Backward(block, p.AsSpan(first + l * stride, stride), saved[l], dStream, dPrevious, dp.AsSpan(first + l * stride, stride));
            dStream = dPrevious;
            norms[l] = Norm2(dStream);
        }
        return norms;
    }

    private static double Norm2(ReadOnlySpan<double> a)
    {
        double s = 0;
        foreach (double x in a) s += x * x;
        return Math.Sqrt(s);
    }

    private static (int[] Tokens, int[] Targets) Data(int vocab, int n, ulong seed)
    {
        var rng = new Rng(seed);
        return (Enumerable.Range(0, n).Select(_ => rng.NextInt(vocab)).ToArray(), Enumerable.Range(0, n).Select(_ => rng.NextInt(vocab)).ToArray());
    }

    private static void AssertMatchesReference(LanguageModel model, int batch, int time, ulong seed)
    {
        Randomize(model.Parameters.Data, model.Parameters.Tensors, seed);
        var (tokens, targets) = Data(model.Description.Vocab, batch * time, seed + 1);
        model.RecordStreamGradients = true;
        model.ZeroGradients();
        model.Forward(tokens, targets, batch, time);
        model.Backward();
        var expected = ReferenceStreamGradientNorms(model, tokens, targets, batch, time);

        Assert.Equal(model.Description.Layers + 1, model.StreamGradientNorms.Length);
        for (int l = 0; l < expected.Length; l++)
        {
            double got = model.StreamGradientNorms[l];
            Assert.True(expected[l] > 0, $"stream {l}: the reference gradient vanished; the test data is degenerate");
            Assert.True(Math.Abs(got - expected[l]) <= 1e-4 * expected[l], $"stream {l}: ‖dL/dx‖ = {got:G9}, reference {expected[l]:G9}");
        }
    }

    [Fact]
    public void Stream_gradient_norms_match_the_reference_for_a_pre_norm_model() =>
        AssertMatchesReference(new GptTestModel(new ModelOptions { Seed = 1 }), batch: 2, time: 8, seed: 51);

    [Fact]
    public void Stream_gradient_norms_match_the_reference_for_a_post_norm_rmsnorm_model() =>
        AssertMatchesReference(new PostNormTestModel(new ModelOptions { Seed = 2 }), batch: 2, time: 5, seed: 52);

    [Fact]
    public void Stream_gradient_at_layer_0_is_the_position_embedding_gradient_for_one_sequence()
    {
        // With batch 1, wpe[t] receives exactly dL/dx0[t]: an independent view of stream 0 from the arenas.
        var model = new GptTestModel(new ModelOptions { Seed = 3 });
        var (tokens, targets) = Data(GptTestModel.Vocab, GptTestModel.Context, 53);
        model.RecordStreamGradients = true;
        model.ZeroGradients();
        model.Forward(tokens, targets, 1, GptTestModel.Context);
        model.Backward();
        double sum = 0;
        foreach (float g in model.Gradients["wpe.weight"]) sum += (double)g * g;
        Assert.Equal(Math.Sqrt(sum), model.StreamGradientNorms[0], 1e-9 + 1e-5 * Math.Sqrt(sum));
    }

    [Fact]
    public void Stream_gradient_norms_are_empty_until_recording_is_turned_on_and_NaN_until_a_backward_pass()
    {
        var model = new GptTestModel();
        Assert.False(model.RecordStreamGradients);
        Assert.True(model.StreamGradientNorms.IsEmpty);
        var (tokens, targets) = Data(GptTestModel.Vocab, 8, 54);
        model.Forward(tokens, targets, 1, 8);
        model.Backward();
        Assert.True(model.StreamGradientNorms.IsEmpty);

        model.RecordStreamGradients = true;
        Assert.Equal(GptTestModel.Layers + 1, model.StreamGradientNorms.Length);
        Assert.All(model.StreamGradientNorms.ToArray(), n => Assert.True(double.IsNaN(n)));
        model.Forward(tokens, targets, 1, 8);
        model.Backward();
        Assert.All(model.StreamGradientNorms.ToArray(), n => Assert.True(n > 0 && double.IsFinite(n)));

        // Turned off, the last recorded norms stay as they were.
        var recorded = model.StreamGradientNorms.ToArray();
        model.RecordStreamGradients = false;
        model.Forward(tokens.AsSpan(0, 4), targets.AsSpan(0, 4), 1, 4);
        model.Backward();
        Assert.Equal(recorded, model.StreamGradientNorms.ToArray());
    }

    [Fact]
    public void Recording_stream_gradients_does_not_allocate_after_the_first_step()
    {
        var model = new GptTestModel(new ModelOptions { Seed = 6 }) { RecordStreamGradients = true };
        var (tokens, targets) = Data(GptTestModel.Vocab, 16, 55);
        void Step()
        {
            model.Forward(tokens, targets, 2, 8);
            model.ZeroGradients();
            model.Backward();
        }
        Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 3; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
