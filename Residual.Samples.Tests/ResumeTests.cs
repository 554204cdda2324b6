using System.Linq;
using System.Threading;
using Xunit;

namespace Residual.Samples.Tests;

/// <summary>
/// Training N steps straight equals training k steps, saving, loading into a fresh model and training N − k: the same
/// bits, because the kernels, the optimizer and the batch order are deterministic and single-threaded here.
/// </summary>
public class ResumeTests
{
    private static readonly TrainSettings Settings = new()
    {
        Steps = 40, Batch = 2, Time = 32, ReportEvery = 10, ValidationBatches = 2, WarmupSteps = 5, CheckpointEvery = 1000, Seed = 7,
    };

    private static TextCorpus Corpus() => TextCorpus.Stories(Settings.ValidationFraction, Settings.Time);

    [Theory]
    [InlineData(20)]   // at a report
    [InlineData(17)]   // between reports: the losses accumulated since the last report travel in the checkpoint
    public void Resuming_continues_the_same_run_bit_for_bit(int stopAt)
    {
        var straight = new CharGpt(new ModelOptions { Seed = Settings.Seed });
        var straightReports = new System.Collections.Generic.List<TrainReport>();
        Assert.True(new Trainer(straight, Corpus(), Settings).Run(straightReports.Add).Completed);

        using var temp = new TempFolder();
        var run = new TrainingCheckpoint(temp.Path);
        var first = new Trainer(new CharGpt(new ModelOptions { Seed = Settings.Seed }), Corpus(), Settings);
        var reports = new System.Collections.Generic.List<TrainReport>();
        using var stop = new CancellationTokenSource();
        var outcome = first.Run(reports.Add, afterStep: (done, _) => { if (done == stopAt) stop.Cancel(); }, cancellation: stop.Token);
        Assert.False(outcome.Completed);
        Assert.Equal(stopAt, first.Step);
        run.Save(first);

        var model = new CharGpt(new ModelOptions { Seed = 12345 });  // other weights: everything must come from the files
        var second = new Trainer(model, Corpus(), run.ReadSettings());
        run.Resume(second);
        Assert.Equal(stopAt, second.Step);
        Assert.True(second.Run(reports.Add).Completed);

        Assert.Equal(straight.Parameters.Data, model.Parameters.Data);
        Assert.Equal(Settings.Steps, second.Optimizer.StepCount);
        // Same loss curve (throughput is timing, not part of the curve).
        Assert.Equal(straightReports.Select(r => r with { TokensPerSecond = 0 }), reports.Select(r => r with { TokensPerSecond = 0 }));
    }

    [Fact]
    public void Resuming_on_another_text_is_refused()
    {
        using var temp = new TempFolder();
        var run = new TrainingCheckpoint(temp.Path);
        var trainer = new Trainer(new CharGpt(), Corpus(), Settings with { Steps = 6 });
        trainer.Run(_ => { });
        run.Save(trainer);
        var other = new TextCorpus("other.txt", string.Concat(Enumerable.Repeat("a different text. ", 40)), 0.1, Settings.Time);
        var e = Assert.Throws<Residual.Checkpoints.CheckpointException>(() => run.Resume(new Trainer(new CharGpt(), other, run.ReadSettings())));
        Assert.Contains("another text", e.Message);
    }
}
