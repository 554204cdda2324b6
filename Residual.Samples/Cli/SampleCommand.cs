using System;
using System.CommandLine;
using System.Linq;
using Residual.Checkpoints;

namespace Residual.Samples.Cli;

/// <summary><c>sample</c>: loads a checkpoint and continues a prompt. The same seed gives the same text.</summary>
public static class SampleCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var checkpoint = CommonOptions.Checkpoint();
        var prompt = new Option<string>("--prompt") { Description = "Text to continue.", DefaultValueFactory = _ => new TrainSettings().Prompt };
        var length = new Option<int>("--length") { Description = "Characters to generate.", DefaultValueFactory = _ => 400 };
        var temperature = new Option<float>("--temperature") { Description = "Sampling temperature (positive; lower is greedier).", DefaultValueFactory = _ => 0.8f };
        var topK = new Option<int>("--top-k") { Description = "Sample only among the k most likely characters (0: all).", DefaultValueFactory = _ => 0 };
        var seed = CommonOptions.Seed("sampling", 1);

        var command = new Command("sample", "Generate text from a checkpoint.") { checkpoint, prompt, length, temperature, topK, seed };
        command.SetAction(result => ResidualCli.Guard(result, output =>
        {
            var model = Load(result.GetValue(checkpoint)!);
            string text = result.GetValue(prompt)!;
            if (text.Length == 0) throw new ArgumentException("--prompt needs at least one character.");
            var generated = model.Generate(CharVocabulary.Encode(text), result.GetValue(length), result.GetValue(temperature), result.GetValue(topK), result.GetValue(seed));
            output.WriteLine(text + CharVocabulary.Decode(generated));
            return 0;
        }));
        return command;
    }

    /// <summary>A <see cref="CharGpt"/> with the weights of <paramref name="path"/>, which must be a character-level checkpoint.</summary>
    internal static CharGpt Load(string path)
    {
        var model = new CharGpt();
        var metadata = Checkpoint.Load(model, path);
        string? vocabulary = metadata.FirstOrDefault(p => p.Key == TrainingCheckpoint.VocabularyKey).Value;
        if (vocabulary is not null && vocabulary != TrainingCheckpoint.VocabularyName)
            throw new CheckpointException($"{path}: trained on vocabulary '{vocabulary}', but this sample's tokens are '{TrainingCheckpoint.VocabularyName}'.");
        return model;
    }
}
