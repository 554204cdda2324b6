using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Residual.Checkpoints;
using Residual.Samples.Cli;
using Xunit;

namespace Residual.Samples.Tests;

/// <summary>One short training run through the command line, shared by the tests that read its folder.</summary>
public sealed class TrainedRun : IDisposable
{
    public TrainedRun()
    {
        Result = Cli.Run("train", "--steps", "30", "--batch", "2", "--out", Folder.Path, "--checkpoint-every", "10", "--sample-length", "20", "--seed", "5")
            .GetAwaiter().GetResult();
    }

    public TempFolder Folder { get; } = new();

    public (int Code, string Output, string Error) Result { get; }

    public string Model => Folder.File("model.safetensors");

    public void Dispose() => Folder.Dispose();
}

internal static class Cli
{
    public static async Task<(int Code, string Output, string Error)> Run(params string[] args) => await Run(CancellationToken.None, args);

    public static async Task<(int Code, string Output, string Error)> Run(CancellationToken cancellation, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await ResidualCli.RunAsync(args, output, error, cancellation);
        return (code, output.ToString(), error.ToString());
    }
}

public class CliTests(TrainedRun run) : IClassFixture<TrainedRun>
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void Train_writes_the_checkpoint_the_optimizer_state_metrics_and_the_plot()
    {
        Assert.True(run.Result.Code == 0, run.Result.Error + run.Result.Output);
        Assert.Contains("step     0 |", run.Result.Output);
        Assert.Contains("step    30 |", run.Result.Output);
        Assert.Contains("Sample (20 characters", run.Result.Output);
        Assert.Equal(["loss.png", "metrics.csv", "model.safetensors", "optimizer.safetensors"], Directory.GetFiles(run.Folder.Path).Select(Path.GetFileName).Order());
        Assert.Equal(PngSignature, File.ReadAllBytes(run.Folder.File("loss.png"))[..8]);
        var rows = MetricsLog.Read(run.Folder.File("metrics.csv"));
        Assert.Equal([0, 30], rows.Select(r => r.Step));
        Assert.Equal("30", Checkpoint.ReadMetadata(run.Model).Single(p => p.Key == TrainingCheckpoint.StepKey).Value);
    }

    [Fact]
    public async Task Sample_with_a_fixed_seed_is_deterministic()
    {
        string[] args = ["sample", "--checkpoint", run.Model, "--prompt", "Once ", "--length", "60", "--temperature", "1.0", "--top-k", "10"];
        var a = await Cli.Run([.. args, "--seed", "11"]);
        var b = await Cli.Run([.. args, "--seed", "11"]);
        var c = await Cli.Run([.. args, "--seed", "12"]);
        Assert.Equal(0, a.Code);
        Assert.StartsWith("Once ", a.Output);
        Assert.Equal("Once ".Length + 60, a.Output.TrimEnd('\n', '\r').Length);
        Assert.Equal(a.Output, b.Output);
        Assert.NotEqual(a.Output, c.Output);
    }

    [Fact]
    public async Task Eval_reports_the_loss_and_can_dump_logits()
    {
        using var temp = new TempFolder();
        var result = await Cli.Run("eval", "--checkpoint", run.Model, "--split", "all", "--dump-logits", temp.File("logits.safetensors"));
        Assert.True(result.Code == 0, result.Error);
        Assert.Matches(@"stories\.txt \(all, 65,951 characters\): loss \d\.\d{4} nats/char", result.Output);
        var dump = SafeTensors.Read(temp.File("logits.safetensors"));
        Assert.Equal(["tokens", "logits"], dump.Tensors.Select(t => t.Name));
        Assert.Equal(new long[] { 64, 96 }, dump.Tensors[1].Shape);
    }

    [Fact]
    public async Task Plot_writes_a_png_from_the_metrics()
    {
        using var temp = new TempFolder();
        var result = await Cli.Run("plot", "--metrics", run.Folder.File("metrics.csv"), "--out", temp.File("curve.png"));
        Assert.True(result.Code == 0, result.Error);
        Assert.Equal(PngSignature, File.ReadAllBytes(temp.File("curve.png"))[..8]);
    }

    [Fact]
    public async Task Train_resume_continues_a_saved_run_to_a_new_total()
    {
        using var temp = new TempFolder();
        foreach (var file in Directory.GetFiles(run.Folder.Path)) File.Copy(file, Path.Combine(temp.Path, Path.GetFileName(file)));
        var result = await Cli.Run("train", "--resume", "--out", temp.Path, "--steps", "35", "--sample-length", "0");
        Assert.True(result.Code == 0, result.Error + result.Output);
        Assert.Contains("Resuming", result.Output);
        Assert.Equal([0, 30, 35], MetricsLog.Read(temp.File("metrics.csv")).Select(r => r.Step));
    }

    [Fact]
    public async Task A_cancelled_train_saves_a_checkpoint_and_says_how_to_resume()
    {
        using var temp = new TempFolder();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var result = await Cli.Run(cancelled.Token, "train", "--steps", "30", "--batch", "2", "--out", temp.Path);
        Assert.Equal(130, result.Code);
        Assert.Contains("Stopped after step 0 of 30", result.Output);
        Assert.Contains("train --resume --out", result.Output);
        Assert.True(File.Exists(temp.File("model.safetensors")) && File.Exists(temp.File("optimizer.safetensors")));
    }

    [Fact]
    public async Task A_missing_checkpoint_is_an_error_naming_the_file()
    {
        var result = await Cli.Run("sample", "--checkpoint", "no/such/model.safetensors");
        Assert.Equal(1, result.Code);
        Assert.Contains("error:", result.Error);
        Assert.Contains("model.safetensors", result.Error);
    }

    [Fact]
    public async Task A_checkpoint_of_another_model_is_refused()
    {
        using var temp = new TempFolder();
        Checkpoint.Save(new TinyLm(), temp.File("tiny.safetensors"));
        var result = await Cli.Run("sample", "--checkpoint", temp.File("tiny.safetensors"));
        Assert.Equal(1, result.Code);
        Assert.Contains("Vocab: checkpoint has 20, CharGpt declares 96", result.Error);
    }

    [Theory]
    [InlineData("eval", "--split", "some")]
    [InlineData("train", "--steps", "many")]
    [InlineData("sample", "--top-k")]
    [InlineData("train", "--no-such-flag")]
    [InlineData("fly")]
    public async Task Bad_arguments_are_refused(params string[] args)
    {
        var result = await Cli.Run(args);
        Assert.NotEqual(0, result.Code);
        Assert.NotEqual("", result.Error);
    }

    [Fact]
    public void Every_verb_has_the_flags_the_issue_names()
    {
        var root = ResidualCli.Build();
        string[] Flags(string verb) => root.Subcommands.Single(c => c.Name == verb).Options.Select(o => o.Name).ToArray();
        Assert.Equal(["train", "sample", "eval", "plot", "experiments"], root.Subcommands.Select(c => c.Name));
        Assert.Superset(new[] { "--data", "--steps", "--out", "--seed" }.ToHashSet(), Flags("train").ToHashSet());
        Assert.Superset(new[] { "--checkpoint", "--temperature", "--top-k", "--seed", "--prompt" }.ToHashSet(), Flags("sample").ToHashSet());
        Assert.Superset(new[] { "--checkpoint", "--data" }.ToHashSet(), Flags("eval").ToHashSet());
    }
}
