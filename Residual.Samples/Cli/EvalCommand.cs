using System;
using System.CommandLine;

namespace Residual.Samples.Cli;

/// <summary><c>eval</c>: the loss of a checkpoint on a text (its held-out part, or all of it).</summary>
public static class EvalCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var checkpoint = CommonOptions.Checkpoint();
        var data = CommonOptions.Data("to score");
        var split = new Option<string>("--split") { Description = "validation: the last 10% (what train holds out); all: the whole text.", DefaultValueFactory = _ => "validation" };
        split.AcceptOnlyFromAmong("validation", "all");
        var dump = new Option<string?>("--dump-logits") { Description = "Also write the first window's tokens and logits to this safetensors file (for tools/load_in_pytorch.py)." };

        var command = new Command("eval", "Validation loss of a checkpoint on a text file.") { checkpoint, data, split, dump };
        command.SetAction(result => ResidualCli.Guard(result, output =>
        {
            string path = result.GetValue(checkpoint)!;
            var model = SampleCommand.Load(path);
            var settings = new TrainSettings();
            var corpus = CommonOptions.Corpus(result.GetValue(data), settings.ValidationFraction, 1);
            bool all = result.GetValue(split) == "all";
            int[] tokens = all ? [.. corpus.Train, .. corpus.Validation] : corpus.Validation;
            double loss = Evaluation.Loss(model, tokens);
            output.WriteLine($"{corpus.Name} ({(all ? "all" : "validation split")}, {tokens.Length:N0} characters): loss {loss:F4} nats/char ({loss / Math.Log(2):F3} bits/char), perplexity {Math.Exp(loss):F2}");
            if (result.GetValue(dump) is { } dumpPath)
            {
                Evaluation.DumpLogits(model, tokens, dumpPath);
                output.WriteLine($"Logits of the first {Math.Min(tokens.Length, CharGpt.Context)} characters: {dumpPath}");
            }
            return 0;
        }));
        return command;
    }
}
