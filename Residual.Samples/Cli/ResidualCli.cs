using System;
using System.CommandLine;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Residual.Checkpoints;

namespace Residual.Samples.Cli;

/// <summary>
/// The sample's command line: one verb per file in this folder (<c>train</c>, <c>sample</c>, <c>eval</c>, <c>plot</c>;
/// <c>experiments</c> lives in <c>Experiments/</c>);
/// adding a verb is one line in <see cref="Build"/>.
/// </summary>
public static class ResidualCli
{
    /// <summary>The run folder the verbs use when none is given (git-ignored).</summary>
    public static readonly string DefaultRun = Path.Combine("runs", "default");

    /// <summary>The root command with every verb.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("Train, sample, evaluate and plot a character-level GPT declared with Residual's DSL. Without arguments: train on the shipped stories into runs/default.");
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(SampleCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(PlotCommand.Create());
        root.Subcommands.Add(Experiments.ExperimentsCommand.Create());
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the verb, writing to <paramref name="output"/> and <paramref name="error"/> (the console when null).</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Where verbs write; when it is the console on a terminal, <c>train</c> shows a live display.</param>
    /// <param name="error">Where errors go.</param>
    /// <param name="cancellation">Stops a <c>train</c> run cleanly (a checkpoint is saved first). From the console, Ctrl+C does this.</param>
    /// <returns>The exit code: 0 on success, 1 on an error, 130 when training was stopped.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellation = default)
    {
        var configuration = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
            // Ctrl+C is handled below, so that nothing ends the process while train saves its checkpoint.
            ProcessTerminationTimeout = null,
        };
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        // The first Ctrl+C asks the verb to stop (train saves a checkpoint, then exits); a second one ends the process.
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (interrupted.IsCancellationRequested) return;
            e.Cancel = true;
            interrupted.Cancel();
        };
        if (output is null) Console.CancelKeyPress += onCancel;
        try
        {
            return await Build().Parse(args).InvokeAsync(configuration, interrupted.Token);
        }
        finally
        {
            if (output is null) Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Runs a verb's body, turning the errors a user can cause into one line on the error writer and exit code 1.</summary>
    internal static int Guard(ParseResult result, Func<TextWriter, int> body)
    {
        var error = result.InvocationConfiguration.Error;
        try
        {
            return body(result.InvocationConfiguration.Output);
        }
        catch (Exception e) when (e is CheckpointException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
