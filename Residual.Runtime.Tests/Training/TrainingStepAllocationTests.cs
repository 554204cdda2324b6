using System;
using Residual.Runtime.Tests.Generated;
using Residual.Runtime.Tests.Kernels;
using Residual.Training;
using Xunit;

namespace Residual.Runtime.Tests.Training;

/// <summary>
/// A training loop runs millions of steps: after the first step has sized the activation memory, a step
/// (forward, zero gradients, backward, optimizer update) must not allocate. Counted on the current thread,
/// so this is a property of the code, not a timing. Runs alone: while another test holds the worker pool, this
/// thread runs every part of a kernel itself, and the first use of a per-thread buffer by a part it had not run
/// before would be counted (seen once under load).
/// </summary>
[Collection(nameof(SerialCollection))]
public sealed class TrainingStepAllocationTests
{
    [Fact]
    public void Training_step_allocates_nothing_after_the_first()
    {
        var model = new GptTestModel(new ModelOptions { Seed = 5 });
        var optimizer = new AdamW(model.Parameters, model.Gradients, new AdamWOptions { LearningRate = 1e-3f });
        const int batch = 2, time = 8;
        var tokens = new int[batch * time];
        var targets = new int[batch * time];
        for (int i = 0; i < tokens.Length; i++) { tokens[i] = i % GptTestModel.Vocab; targets[i] = (i + 1) % GptTestModel.Vocab; }

        void Step()
        {
            model.Forward(tokens, targets, batch, time);
            model.ZeroGradients();
            model.Backward();
            GradientClipping.ClipGlobalNorm(model.Gradients, 1f);
            optimizer.Step();
        }

        for (int i = 0; i < 3; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated == 0, $"Five training steps allocated {allocated} bytes; expected 0 after the first step.");
    }
}
