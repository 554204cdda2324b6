using System;
using System.Diagnostics;
using System.IO;
using Spectre.Console;

namespace Residual.Samples;

/// <summary>
/// Shows a training run: a live Spectre.Console progress display (step, loss, validation loss, tokens/s, ETA) on an
/// interactive terminal, plain report lines when the output is redirected (CI, tests, a log file).
/// </summary>
public abstract class TrainingView
{
    /// <summary>A live display on the console when it is an interactive terminal and <paramref name="output"/> is the console; plain lines otherwise.</summary>
    public static TrainingView For(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive
            ? new Live() : new Plain(output);

    /// <summary>Runs <paramref name="body"/> while the view shows a run from <paramref name="firstStep"/> to <paramref name="totalSteps"/>.</summary>
    public abstract T Show<T>(int firstStep, int totalSteps, Func<T> body);

    /// <summary>After each step: steps done and that step's loss.</summary>
    public abstract void Step(int done, float loss);

    /// <summary>A report row.</summary>
    public abstract void Report(TrainReport report);

    /// <summary>A line of text.</summary>
    public abstract void Line(string text);

    /// <summary>The line a report prints.</summary>
    public static string Format(TrainReport r) =>
        $"step {r.Step,5} | train {r.TrainLoss:F4} | val {r.ValidationLoss:F4} | lr {r.LearningRate:0.00e0} | grad norm {r.GradientNorm,5:F2} | "
        + (double.IsNaN(r.TokensPerSecond) ? (r.Step == 0 ? "(first step: JIT)" : "(resumed)") : $"{r.TokensPerSecond,6:N0} tok/s");

    private sealed class Plain(TextWriter output) : TrainingView
    {
        public override T Show<T>(int firstStep, int totalSteps, Func<T> body) => body();

        public override void Step(int done, float loss)
        {
        }

        public override void Report(TrainReport report) => output.WriteLine(Format(report));

        public override void Line(string text) => output.WriteLine(text);
    }

    private sealed class Live : TrainingView
    {
        private ProgressTask? _task;
        private readonly Stopwatch _clock = new();
        private int _first, _total, _timedFrom;
        private float _validation = float.NaN;

        public override T Show<T>(int firstStep, int totalSteps, Func<T> body)
        {
            _first = firstStep;
            _total = totalSteps;
            return AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(context =>
                {
                    _task = context.AddTask(Describe(firstStep, float.NaN), maxValue: totalSteps);
                    _task.Value = firstStep;
                    return body();
                });
        }

        public override void Step(int done, float loss)
        {
            if (_task is null) return;
            // Throughput from the second step on: the first includes JIT compilation.
            if (done == _first + 1) { _clock.Restart(); _timedFrom = done; }
            _task.Value = done;
            _task.Description = Describe(done, loss);
        }

        private string Describe(int done, float loss)
        {
            double seconds = _clock.Elapsed.TotalSeconds;
            string speed = seconds > 0.2 ? $"{(done - _timedFrom) * TokensPerStep / seconds,6:N0} tok/s" : "     … tok/s";
            string val = float.IsNaN(_validation) ? "  …   " : $"{_validation:F4}";
            string l = float.IsNaN(loss) ? "  …   " : $"{loss:F4}";
            return Markup.Escape($"step {done,5}/{_total} | loss {l} | val {val} | {speed}");
        }

        public int TokensPerStep { get; set; } = 1;

        public override void Report(TrainReport report)
        {
            _validation = report.ValidationLoss;
            AnsiConsole.WriteLine(Format(report));
        }

        public override void Line(string text) => AnsiConsole.WriteLine(text);
    }

    /// <summary>Tokens one step trains on, for the live display's throughput.</summary>
    public void SetTokensPerStep(int tokens)
    {
        if (this is Live live) live.TokensPerStep = tokens;
    }
}
