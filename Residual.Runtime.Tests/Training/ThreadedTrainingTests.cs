using System;
using Residual.Runtime.Tests.Kernels;
using Residual.Threading;
using Residual.Training;
using Xunit;

namespace Residual.Runtime.Tests.Training;

/// <summary>A block big enough that its GEMMs, attention and GELU all run on several threads.</summary>
[Block(Width = 64)]
public partial class ThreadedTestBlock
{
    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention Attend { get; }

    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 256)]
    public partial FeedForward Mix { get; }
}

[Model(Vocab = 40, Context = 64, Layers = 2, FinalNorm = Norm.LayerNorm)]
public partial class ThreadedTestModel : Transformer<ThreadedTestBlock>;

/// <summary>
/// Training with worker threads: the same bits as on one thread, and no allocation on the calling thread or
/// the worker after the first step (the workers' packing buffers are made once). Counted per thread: the
/// process-wide count also sees the test host's own threads.
/// </summary>
[Collection(nameof(SerialCollection))]
public sealed class ThreadedTrainingTests : IDisposable
{
    private const int Batch = 4, Time = 64;
    private readonly int _threads = Parallelism.MaxThreads;

    public void Dispose() => Parallelism.MaxThreads = _threads;

    private static (ThreadedTestModel Model, Action Step) Setup()
    {
        var model = new ThreadedTestModel(new ModelOptions { Seed = 11 });
        var optimizer = new AdamW(model.Parameters, model.Gradients, new AdamWOptions { LearningRate = 1e-3f });
        var tokens = new int[Batch * Time];
        var targets = new int[Batch * Time];
        for (int i = 0; i < tokens.Length; i++) { tokens[i] = (7 * i) % ThreadedTestModel.Vocab; targets[i] = (7 * i + 3) % ThreadedTestModel.Vocab; }
        return (model, () =>
        {
            model.Forward(tokens, targets, Batch, Time);
            model.ZeroGradients();
            model.Backward();
            optimizer.Step();
        });
    }

    [Fact]
    public void Training_steps_give_the_same_bits_on_one_and_two_threads()
    {
        float[]? first = null;
        foreach (int threads in new[] { 1, 2 })
        {
            Parallelism.MaxThreads = threads;
            var (model, step) = Setup();
            for (int i = 0; i < 3; i++) step();
            float[] all = [.. model.Parameters.Data, .. model.Gradients.Data];
            if (first is null) first = all;
            else ThreadCountTests.AssertSameBits(first, all, $"parameters and gradients after 3 steps on {threads} threads");
        }
    }

    [Fact]
    public void Training_step_allocates_nothing_on_any_thread_after_the_first()
    {
        Parallelism.MaxThreads = 2;
        var (_, step) = Setup();
        for (int i = 0; i < 3; i++) step();
        long before = WorkerPool.AllocatedBytes(2);
        for (int i = 0; i < 5; i++) step();
        long allocated = WorkerPool.AllocatedBytes(2) - before;

        Assert.True(allocated == 0, $"Five training steps on two threads allocated {allocated} bytes on the caller and the worker; expected 0 after the first step.");
    }
}
