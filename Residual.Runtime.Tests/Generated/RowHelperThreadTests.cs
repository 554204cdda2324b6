using System;
using Residual;
using Residual.Runtime.Tests.Kernels;
using Xunit;
using static Residual.Runtime.Tests.Generated.Numerics;

namespace Residual.Runtime.Tests.Generated;

/// <summary>
/// Pre-norm LayerNorm on both sublayers: the generator's LayerNormForward, ResidualAddLayerNorm (fused with the
/// next pre-norm), ResidualAdd and LayerNormBackwardResidual. Width 100 has a scalar tail after the Vector512
/// and the Vector256 loops.
/// </summary>
[Block(Width = 100)]
public partial class PreNormThreadBlock
{
    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention Attend { get; }

    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 160)]
    public partial FeedForward Mix { get; }
}

/// <summary>Pre-norm RMSNorm: ResidualAddRmsNorm and RmsNormBackwardResidual.</summary>
[Block(Width = 100)]
public partial class PreNormRmsThreadBlock
{
    [Residual, PreNorm(Norm.RMSNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention Attend { get; }

    [Residual, PreNorm(Norm.RMSNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 160)]
    public partial FeedForward Mix { get; }
}

/// <summary>
/// Post-norm with scaled residuals: RmsNormForward/Backward, LayerNormForward/Backward, ResidualAddScaled,
/// ResidualBackward and Dot (the learnable scale's gradient). Width 200: Dot's chunks of 1024 rows are big enough
/// for three threads; Vector512 leaves a tail of 8.
/// </summary>
[Block(Width = 200)]
public partial class PostNormThreadBlock
{
    [Residual(Scale = 0.5), PostNorm(Norm.RMSNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention Attend { get; }

    [Residual(Learnable = true, Scale = 0.25), PostNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 120)]
    public partial FeedForward Mix { get; }
}

/// <summary>
/// The generated row-wise helpers (norms, residual adds, their backward passes, the residual scale's dot
/// product) split rows, and for the parameter gradients columns, between threads: the same bits for any
/// <see cref="Parallelism.MaxThreads"/>, including the sums over rows (dWeight, dBias, a learnable scale).
/// </summary>
[Collection(nameof(SerialCollection))]
public sealed class RowHelperThreadTests : IDisposable
{
    private readonly int _threads = Parallelism.MaxThreads;

    public void Dispose() => Parallelism.MaxThreads = _threads;

    [Fact]
    public void Pre_norm_layer_norm_block_gives_the_same_bits_on_one_two_and_three_threads() =>
        SameBitsOnOneTwoAndThreeThreads(options => new PreNormThreadBlock(options), batch: 8, time: 128);

    [Fact]
    public void Pre_norm_rms_norm_block_gives_the_same_bits_on_one_two_and_three_threads() =>
        SameBitsOnOneTwoAndThreeThreads(options => new PreNormRmsThreadBlock(options), batch: 8, time: 128);

    [Fact]
    public void Post_norm_block_with_scaled_and_learnable_residuals_gives_the_same_bits_on_one_two_and_three_threads() =>
        SameBitsOnOneTwoAndThreeThreads(options => new PostNormThreadBlock(options), batch: 8, time: 128);

    [Fact]
    public void Generated_block_on_three_threads_still_matches_the_reference() =>
        OnThreads(3, () => GeneratedBlockTests.CompareWithReference(new PostNormThreadBlock(new ModelOptions { Seed = 8 }), batch: 8, time: 128, seed: 9));

    private static void OnThreads(int threads, Action run)
    {
        Parallelism.MaxThreads = threads;
        run();
    }

    private static void SameBitsOnOneTwoAndThreeThreads(Func<ModelOptions, IBlock> create, int batch, int time)
    {
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            Parallelism.MaxThreads = threads;
            var block = create(new ModelOptions { Seed = 4 });
            int width = block.Description.Width, rows = batch * time, n = rows * width;
            // Otherwise the test would compare one thread with itself.
            Assert.Equal(threads, ParallelRows.Parts(rows, width));

            Randomize(block.Parameters, block.Layout, 5);
            var x = Random(n, 6);
            var dy = Random(n, 7);
            var y = new float[n];
            var dx = Random(n, 8); // Backward accumulates into dx and the gradients: start them non-zero
            var activations = new float[block.ActivationFloats(batch, time)];
            var scratch = new float[block.ScratchFloats(batch, time)];
            Random(block.Gradients.Length, 9).CopyTo(block.Gradients);
            block.Forward(x, y, activations, batch, time);
            block.Backward(x, dy, dx, activations, scratch, batch, time);

            float[] all = [.. y, .. dx, .. block.Gradients, .. activations];
            if (first is null) first = all;
            else ThreadCountTests.AssertSameBits(first, all, $"{block.GetType().Name} output, dx, gradients and activations on {threads} threads");
        }
    }
}
