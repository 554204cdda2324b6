using System.CommandLine;
using System.IO;

namespace Residual.Samples.Cli;

/// <summary>Options several verbs share, each created fresh per command.</summary>
internal static class CommonOptions
{
    public static Option<string> Checkpoint() => new("--checkpoint")
    {
        Description = "The model checkpoint (a safetensors file written by train).",
        DefaultValueFactory = _ => Path.Combine(ResidualCli.DefaultRun, "model.safetensors"),
    };

    public static Option<string?> Data(string purpose) => new("--data")
    {
        Description = $"A UTF-8 text file {purpose} (default: the stories the sample ships).",
    };

    public static Option<ulong> Seed(string purpose, ulong value) => new("--seed")
    {
        Description = $"Seed of {purpose}.",
        DefaultValueFactory = _ => value,
    };

    /// <summary>The text of --data, or the shipped stories.</summary>
    public static TextCorpus Corpus(string? path, double validationFraction, int window) =>
        path is null ? TextCorpus.Stories(validationFraction, window) : TextCorpus.FromFile(path, validationFraction, window);
}
