using Cohort.Cli.Console;
using Cohort.Core.Execution;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Cli.Tests.Console;

public sealed class ProgressDisplayTests
{
    private static readonly Objective s_mse = new("mse", ObjectiveMode.Minimize);

    private static RunInfo Info(string name = "pbt-12") => new(name, "pbt", 2, 7, 12, 3000, () => 118);

    private static TaskFinishedProgress Finished(int member, long endStep, double mse, int? bestMember, double bestMse, long stepsTrained, TaskOutcome outcome = TaskOutcome.Completed, string? message = null)
    {
        var task = new TrainTask(member, (int)(endStep / 50) - 1, 0, null, HyperparameterSet.Empty.With("l1", 0.01), endStep - 50, 50, 7);
        var result = new TaskResult(task, outcome, new Dictionary<string, double> { ["mse"] = mse }, new Dictionary<string, double>(), null, message);
        return new TaskFinishedProgress("pbt-12", result, -mse, bestMember, -bestMse, 10, stepsTrained, TimeSpan.FromSeconds(2));
    }

    [Theory]
    [InlineData(20)]
    [InlineData(40)]
    [InlineData(80)]
    [InlineData(160)]
    [InlineData(400)]
    public void LiveLines_Should_FitTheWidthAndLabelTheBestEvaluation_When_AnyWidth(int width)
    {
        // Given a run part-way through with a long name and large numbers
        var progress = new RunProgress(Info("a-rather-long-run-name-for-a-narrow-terminal"), s_mse);
        progress.Started(new RunStartedProgress("x", "pbt", 2, 0));
        progress.Finished(Finished(11, 1500, 17.6638, 11, 17.6638, 18_050));

        // When the live lines are laid out
        var lines = progress.LiveLines(width);

        // Then each fits, and the best-so-far line says what it is (not the best final member)
        Assert.Equal(3, lines.Count);
        Assert.All(lines, l => Assert.True(l.Length <= width - 1, $"{l.Length} > {width - 1}: '{l}'"));
        if (width >= 80)
        {
            Assert.Equal("  best evaluation so far: mse 17.6638 (member 11, step 1,500)", lines[2]);
            Assert.Contains("18,050/36,000 steps", lines[1], StringComparison.Ordinal);
            Assert.Contains("0 failures", lines[1], StringComparison.Ordinal);
            Assert.Contains("118 exploits", lines[1], StringComparison.Ordinal);
            Assert.Contains("50%", lines[0], StringComparison.Ordinal);
            Assert.Contains("█", lines[0], StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(0, 0, "[pbt-12] pbt: 12 members x 3,000 steps on 2 workers (run 3 of 7)")]
    [InlineData(1200, 0, "[pbt-12] pbt: 12 members x 3,000 steps on 2 workers (run 3 of 7), resuming after 1,200 stored results")]
    [InlineData(1200, 1500, "[pbt-12] pbt: 12 members x 3,000 steps on 2 workers (run 3 of 7), resuming after 1,200 stored results (1,500 task(s) re-run for the checkpoints the last session had not stored)")]
    public void StartLine_Should_SayWhatResumingCost_When_TheRunResumes(int replayed, int rerun, string expected)
    {
        // Given a run that starts, or resumes (after recomputing checkpoints a crash left unstored)
        var progress = new RunProgress(Info(), s_mse);

        // When it is started
        progress.Started(new RunStartedProgress("pbt-12", "pbt", 2, replayed, rerun));

        // Then its first line says so
        Assert.Equal(expected, progress.StartLine());
    }

    [Fact]
    public void Display_Should_RedrawInPlaceWithinTheWidth_When_OutputIsATerminal()
    {
        // Given a terminal 80 columns wide
        var output = new StringWriter();
        var terminal = new Terminal(output, output, interactive: true, () => 80, Verbosity.Normal);

        // When a run starts, reports results (one failed) and ends
        using (var display = new ProgressDisplay(terminal, s_mse, Info()))
        {
            display.RunStarted(new RunStartedProgress("pbt-12", "pbt", 2, 0));
            display.TaskFinished(Finished(3, 50, 30.5, 3, 30.5, 50));
            display.TaskFinished(Finished(4, 50, double.NaN, 3, 30.5, 50, TaskOutcome.Failed, "Checkpoint abc is missing from the store at /some/very/long/path/that/goes/on/and/on/checkpoints"));
            display.RunFinished(new RunOutcome("pbt-12", RunStatus.Completed, null, 2, 0, 50, 1.5, null, -30.5, []));
        }

        // Then the region was drawn with cursor movements, no line the terminal shows is wider than 79 columns, the
        // failure was printed with its cause, and the closing line stays
        var text = output.ToString();
        Assert.Contains("\u001b[3F", text, StringComparison.Ordinal);
        var lines = CliProcess.ScreenLines(text);
        Assert.All(lines, l => Assert.True(l.Length <= 79, $"{l.Length}: '{l}'"));
        Assert.Contains(lines, l => l.StartsWith("[pbt-12] member 4 failed training steps 0–50: Checkpoint abc is missing", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("[pbt-12] completed: 50 steps", StringComparison.Ordinal));
    }

    [Fact]
    public void Display_Should_PrintPlainLinesOnly_When_OutputIsNotATerminal()
    {
        var output = new StringWriter();
        var terminal = new Terminal(output, output, interactive: false, null, Verbosity.Normal);

        using (var display = new ProgressDisplay(terminal, s_mse, Info()))
        {
            display.RunStarted(new RunStartedProgress("pbt-12", "pbt", 2, 0));
            for (var i = 0; i < 100; i++)
            {
                display.TaskFinished(Finished(i % 12, 50, 30.5, 3, 30.5, 50 * (i + 1)));
            }

            display.RunFinished(new RunOutcome("pbt-12", RunStatus.Completed, null, 100, 0, 5000, 1.5, null, -30.5, []));
        }

        // A start line and a closing line (progress lines come at most every 10 s), no control sequences
        var text = output.ToString();
        Assert.DoesNotContain("\u001b", text, StringComparison.Ordinal);
        Assert.Equal(
            [
                "[pbt-12] pbt: 12 members x 3,000 steps on 2 workers (run 3 of 7)",
                "[pbt-12] completed: 5,000 steps in 1.5 s (3,333 steps/s) · best evaluation mse 30.5 (member 3, step 50) · 118 exploits · 0 failures",
            ],
            text.TrimEnd('\n').Split('\n').Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"\(\d[\d,]* steps/s\)", "(3,333 steps/s)")));
    }

    [Fact]
    public void Display_Should_PrintOnlyFailures_When_Quiet()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var terminal = new Terminal(output, error, interactive: true, () => 80, Verbosity.Quiet);

        using (var display = new ProgressDisplay(terminal, s_mse, Info()))
        {
            display.RunStarted(new RunStartedProgress("pbt-12", "pbt", 2, 0));
            display.TaskFinished(Finished(4, 50, double.NaN, null, double.NaN, 0, TaskOutcome.Failed, "boom"));
            display.RunFinished(new RunOutcome("pbt-12", RunStatus.Completed, null, 1, 0, 0, 1.5, null, double.NegativeInfinity, []));
        }

        Assert.Equal("", output.ToString());
        Assert.Equal("[pbt-12] member 4 failed training steps 0–50: boom\n", error.ToString().Replace("\r", "", StringComparison.Ordinal));
    }
}
