using System;
using Residual;
using Residual.Training;
using Xunit;

namespace Residual.Runtime.Tests.Training;

/// <summary>A two-sublayer pre-norm GPT block, as small as the kernels allow.</summary>
[Block(Width = 32)]
public partial class TinyTrainingBlock
{
    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 2)]
    public partial Attention Attend { get; }

    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 64)]
    public partial FeedForward Mix { get; }
}

/// <summary>Two blocks over a 12-symbol vocabulary and 16 positions.</summary>
[Model(Vocab = 12, Context = 16, Layers = 2, FinalNorm = Norm.LayerNorm)]
public partial class TinyTrainingGpt : Transformer<TinyTrainingBlock>;

public class TinyModelTrainingTests
{
    // "hello world. " over its own 9 symbols: after 'l' comes 'l', 'o' or 'd', so the model needs the
    // previous characters (attention) to be sure, and with them every next character is determined.
    private const string Symbols = "helo wrd.";
    private const string Text = "hello world. ";

    private static float[] Train(ulong seed, int steps)
    {
        const int batch = 4, time = 16;
        var model = new TinyTrainingGpt(new ModelOptions { Seed = seed });
        var adam = new AdamW(model.Parameters, model.Gradients, new AdamWOptions { LearningRate = 1e-2f, WeightDecay = 0.01f });
        var rng = new Rng(seed);
        var tokens = new int[batch * time];
        var targets = new int[batch * time];
        var losses = new float[steps];
        for (int step = 0; step < steps; step++)
        {
            for (int b = 0; b < batch; b++)
            {
                int start = rng.NextInt(Text.Length);
                for (int t = 0; t < time; t++)
                {
                    tokens[b * time + t] = Symbols.IndexOf(Text[(start + t) % Text.Length]);
                    targets[b * time + t] = Symbols.IndexOf(Text[(start + t + 1) % Text.Length]);
                }
            }
            model.ZeroGradients();
            losses[step] = model.Forward(tokens, targets, batch, time);
            model.Backward();
            GradientClipping.ClipGlobalNorm(model.Gradients, 1f);
            adam.Step();
        }
        Assert.Equal(steps, adam.StepCount);
        return losses;
    }

    [Fact]
    public void Fifty_adamw_steps_on_a_repetitive_text_lower_the_loss_far_below_chance()
    {
        float[] losses = Train(seed: 7, steps: 50);
        float chance = MathF.Log(TinyTrainingGpt.Vocab);
        Assert.InRange(losses[0], chance - 0.3f, chance + 0.3f);
        float last5 = (losses[45] + losses[46] + losses[47] + losses[48] + losses[49]) / 5;
        Assert.True(last5 < 0.25f * chance, $"mean loss of the last 5 steps is {last5}; ln(Vocab) = {chance}. Losses: {string.Join(", ", losses)}");
    }

    [Fact]
    public void Training_is_bit_for_bit_deterministic_for_a_seed()
    {
        float[] first = Train(seed: 3, steps: 20), second = Train(seed: 3, steps: 20);
        Assert.Equal(first, second);
        Assert.NotEqual(first, Train(seed: 4, steps: 20));
    }
}
