using System;
using System.Diagnostics;
using Residual;
using Residual.Samples;
using Residual.Samples.Experiments;

// `experiments`: the depth experiments (Experiments/); everything else trains the sample model below.
if (args.Length > 0 && args[0] == "experiments")
    return new System.CommandLine.RootCommand("Residual samples") { ExperimentsCommand.Create() }.Parse(args).Invoke();

// Trains a small character-level GPT, declared with the DSL in CharGpt.cs, on the sample's own stories,
// then lets it write. Everything is seeded: on one machine, the same build prints the same losses and the same text.
var settings = new TrainSettings();
var total = Stopwatch.StartNew();

var corpus = TextCorpus.Stories(settings.ValidationFraction, settings.Time);
var model = new CharGpt(new ModelOptions { Seed = settings.Seed });
var trainer = new Trainer(model, corpus, settings);
var adam = trainer.Optimizer.Options;

ModelSummary.Write(model, Console.Out);
Console.WriteLine($"Text: {corpus.Name}, {corpus.Characters:N0} characters → {corpus.Train.Length:N0} training and {corpus.Validation.Length:N0} validation tokens");
Console.WriteLine($"Training: {settings.Steps} steps of {settings.Batch}×{settings.Time} tokens, seed {settings.Seed}; AdamW (β1 {adam.Beta1}, β2 {adam.Beta2}, weight decay {adam.WeightDecay}),");
Console.WriteLine($"  learning rate {settings.LearningRate:G3} after {settings.WarmupSteps} warm-up steps, cosine down to {settings.MinLearningRate:G3}; gradients clipped to norm {settings.ClipNorm}");
Console.WriteLine($"An untrained model scores about ln({CharGpt.Vocab}) = {MathF.Log(CharGpt.Vocab):F3}; train is the mean over the steps since the last line.");
Console.WriteLine();

double trainSeconds = trainer.Run(r => Console.WriteLine(
    $"step {r.Step,4} | train {r.TrainLoss:F4} | val {r.ValidationLoss:F4} | lr {r.LearningRate:0.00e0} | grad norm {r.GradientNorm,5:F2} | "
    + (double.IsNaN(r.TokensPerSecond) ? "(first step: JIT)" : $"{r.TokensPerSecond,6:N0} tok/s")));
long tokens = (long)settings.Steps * settings.Batch * settings.Time;
Console.WriteLine($"Trained on {tokens:N0} tokens in {trainSeconds:F1} s: {tokens / trainSeconds:N0} tokens/s.");
Console.WriteLine();

var generated = model.Generate(CharVocabulary.Encode(settings.Prompt), settings.SampleLength, settings.Temperature, topK: 0, seed: settings.Seed);
Console.WriteLine($"Sample ({settings.SampleLength} characters after the prompt, temperature {settings.Temperature}):");
Console.WriteLine("----");
Console.WriteLine(settings.Prompt + CharVocabulary.Decode(generated));
Console.WriteLine("----");
Console.WriteLine($"Done in {total.Elapsed.TotalSeconds:F0} s.");
return 0;
