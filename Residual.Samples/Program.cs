using System;
using Residual;

var model = new TinyGpt(new ModelOptions { Seed = 1 });
int b = 2, t = 8;
var tokens = new int[b * t];
var targets = new int[b * t];
for (int i = 0; i < tokens.Length; i++) { tokens[i] = i % 65; targets[i] = (i + 1) % 65; }
float loss = model.Forward(tokens, targets, b, t);
model.ZeroGradients();
model.Backward();
Console.WriteLine($"loss {loss}, ln(65) = {MathF.Log(65)}");

[Block(Width = 64)]
public partial class GptBlock
{
    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(Attention), Heads = 4)]
    public partial Attention Attend { get; }

    [Residual, PreNorm(Norm.LayerNorm)]
    [Sublayer(typeof(FeedForward), Hidden = 256)]
    public partial FeedForward Mix { get; }
}

[Model(Vocab = 65, Context = 32, Layers = 2, FinalNorm = Norm.LayerNorm)]
public partial class TinyGpt : Transformer<GptBlock>;
