using System;
using System.IO;
using Residual.Checkpoints;
using Residual.Training;
using Xunit;

namespace Residual.Samples.Tests;

public class OptimizerCheckpointTests
{
    private static readonly int[] Tokens = [1, 5, 3, 7, 2, 9, 4, 0, 6, 8, 1, 3, 5, 7, 9, 11];

    private static float Step(TinyLm model, AdamW adam, int shift)
    {
        var tokens = new int[16];
        var targets = new int[16];
        for (int i = 0; i < 16; i++) { tokens[i] = (Tokens[i] + shift) % 20; targets[i] = (Tokens[(i + 1) % 16] + shift) % 20; }
        model.ZeroGradients();
        float loss = model.Forward(tokens, targets, 2, 8);
        model.Backward();
        adam.Step(3e-3f);
        return loss;
    }

    [Fact]
    public void Restored_adamw_continues_with_the_same_bits()
    {
        using var temp = new TempFolder();
        var options = new AdamWOptions { WeightDecay = 0.1f };
        var straight = new TinyLm(new ModelOptions { Seed = 4 });
        var straightAdam = new AdamW(straight.Parameters, straight.Gradients, options);
        for (int s = 0; s < 5; s++) Step(straight, straightAdam, s);
        Checkpoint.Save(straight, temp.File("m.safetensors"));
        OptimizerCheckpoint.Save(straight, straightAdam, temp.File("o.safetensors"), [new("where", "after 5")]);
        for (int s = 5; s < 9; s++) Step(straight, straightAdam, s);

        var resumed = new TinyLm(new ModelOptions { Seed = 99 });
        var resumedAdam = new AdamW(resumed.Parameters, resumed.Gradients, options);
        Checkpoint.Load(resumed, temp.File("m.safetensors"));
        var metadata = OptimizerCheckpoint.Load(resumed, resumedAdam, temp.File("o.safetensors"));
        Assert.Equal([new("where", "after 5")], metadata);
        Assert.Equal(5, resumedAdam.StepCount);
        for (int s = 5; s < 9; s++) Step(resumed, resumedAdam, s);

        Assert.Equal(straight.Parameters.Data, resumed.Parameters.Data);
        Assert.Equal(straightAdam.FirstMoment.ToArray(), resumedAdam.FirstMoment.ToArray());
        Assert.Equal(straightAdam.SecondMoment.ToArray(), resumedAdam.SecondMoment.ToArray());
    }

    [Fact]
    public void Other_hyperparameters_are_refused_and_the_optimizer_is_unchanged()
    {
        using var temp = new TempFolder();
        var model = new TinyLm();
        var adam = new AdamW(model.Parameters, model.Gradients, new AdamWOptions { WeightDecay = 0.1f });
        Step(model, adam, 0);
        OptimizerCheckpoint.Save(model, adam, temp.File("o.safetensors"));

        var other = new AdamW(model.Parameters, model.Gradients, new AdamWOptions { WeightDecay = 0.2f });
        var e = Assert.Throws<CheckpointException>(() => OptimizerCheckpoint.Load(model, other, temp.File("o.safetensors")));
        Assert.Contains("optimizer.weight_decay is 0.1 in the file but 0.2 in the optimizer", e.Message);
        Assert.Equal(0, other.StepCount);
        Assert.All(other.FirstMoment.ToArray(), m => Assert.Equal(0f, m));
    }

    [Fact]
    public void A_model_file_is_not_an_optimizer_file()
    {
        using var temp = new TempFolder();
        var model = new TinyLm();
        var adam = new AdamW(model.Parameters, model.Gradients);
        Checkpoint.Save(model, temp.File("m.safetensors"));
        var e = Assert.Throws<CheckpointException>(() => OptimizerCheckpoint.Load(model, adam, temp.File("m.safetensors")));
        Assert.Contains("missing", e.Message);
    }
}
