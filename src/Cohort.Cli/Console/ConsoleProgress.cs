using System.Diagnostics;
using System.Globalization;
using Cohort.Core.Execution;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Cli.Console;

/// <summary>
/// Live progress on the console: one status line per run, rewritten in place on a terminal and printed at most once a
/// second otherwise (members, steps, best score so far, ETA), then one closing line per run.
/// </summary>
internal sealed class ConsoleProgress(TextWriter output, bool interactive, Objective objective, long stepsPerMember, int population)
    : IProgressObserver
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);
    private readonly Stopwatch _sinceLastLine = Stopwatch.StartNew();
    private string _run = "";
    private long _replayedSteps;
    private bool _lineOpen;
    private string? _lastCause;

    private long TotalSteps { get; } = stepsPerMember * population;

    public void RunStarted(RunStartedProgress progress)
    {
        _run = progress.Run;
        _replayedSteps = -1;
        var resumed = progress.Replayed > 0 ? string.Create(CultureInfo.InvariantCulture, $", resuming after {progress.Replayed} stored results") : "";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{progress.Run}] {progress.Method}: {population} members x {stepsPerMember} steps on {progress.Workers} workers{resumed}"));
        _sinceLastLine.Restart();
    }

    public void TaskStarted(TaskStartedProgress progress)
    {
    }

    public void TaskRetried(TaskRetriedProgress progress) =>
        Line(
            string.Create(
                CultureInfo.InvariantCulture,
                $"[{progress.Run}] member {progress.Task.Member} task {progress.Task.Ordinal} (steps {progress.Task.StartStep}..{progress.Task.EndStep}): attempt {progress.Attempt} of {progress.Attempts} failed, retrying"),
            progress.Error);

    public void MemberExcluded(MemberExcludedProgress progress)
    {
        var at = progress.Cause.IndexOf("attempt(s): ", StringComparison.Ordinal);
        Line(
            string.Create(CultureInfo.InvariantCulture, $"[{progress.Run}] member {progress.Member} excluded at step {progress.Step}, its tasks kept failing"),
            at < 0 ? progress.Cause : progress.Cause[(at + "attempt(s): ".Length)..]);
    }

    public void CheckpointRepaired(CheckpointRepairedProgress progress) =>
        Line(
            string.Create(
                CultureInfo.InvariantCulture,
                $"[{progress.Run}] checkpoint {progress.Checkpoint.Hash[..12]} recomputed by re-running member {progress.Producer.Member} task {progress.Producer.Ordinal} (steps {progress.Producer.StartStep}..{progress.Producer.EndStep}; {progress.TasksRerun} task(s) in all), hash verified; the stored copy"),
            progress.Problem);

    public void TaskFinished(TaskFinishedProgress progress)
    {
        if (progress.Result.Outcome == TaskOutcome.Failed)
        {
            // The message says "Member m task o (steps a..b) failed after n attempt(s): <cause>".
            var message = progress.Result.Message ?? "no message";
            var at = message.IndexOf("attempt(s): ", StringComparison.Ordinal);
            Line(
                $"[{progress.Run}] {(at < 0 ? "a task failed" : message[..(at + "attempt(s)".Length)])}",
                at < 0 ? message : message[(at + "attempt(s): ".Length)..]);
        }

        if (_replayedSteps < 0)
        {
            // The first live result: everything before it was replayed and does not count towards the rate.
            _replayedSteps = progress.StepsTrained - (progress.Result.Outcome == TaskOutcome.Failed ? 0 : progress.Result.Task.Steps);
        }

        if (!interactive && _sinceLastLine.Elapsed < s_interval)
        {
            return;
        }

        _sinceLastLine.Restart();
        var line = StatusLine(progress);
        if (interactive)
        {
            output.Write("\r" + line.PadRight(100));
            _lineOpen = true;
        }
        else
        {
            output.WriteLine(line);
        }
    }

    public void RunFinished(RunOutcome outcome)
    {
        if (_lineOpen)
        {
            output.WriteLine();
            _lineOpen = false;
        }

        var best = outcome.Best is { } b
            ? string.Create(CultureInfo.InvariantCulture, $"best evaluation {objective.Metric} {Format(b.Validation.GetValueOrDefault(objective.Metric, double.NaN))} (member {b.Task.Member})")
            : "no completed member";
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"[{_run}] {RunStatusNames.Name(outcome.Status)}: {outcome.StepsTrained} steps in {outcome.WallSeconds:F1} s, {best}{(outcome.Message is null ? "" : " — " + outcome.Message)}"));
    }

    /// <summary>
    /// Prints a failure on a line of its own (after the live status line, when one is open), with its cause; a cause
    /// repeated from the previous failure line is not printed again.
    /// </summary>
    private void Line(string what, string cause)
    {
        if (_lineOpen)
        {
            output.WriteLine();
            _lineOpen = false;
        }

        output.WriteLine(string.Equals(cause, _lastCause, StringComparison.Ordinal) ? what + " (same cause)" : what + ": " + cause);
        _lastCause = cause;
    }

    private string StatusLine(TaskFinishedProgress p)
    {
        var done = Math.Min(p.StepsTrained, TotalSteps);
        var fraction = TotalSteps > 0 ? (double)done / TotalSteps : 1;
        var live = p.StepsTrained - Math.Max(0, _replayedSteps);
        var eta = live > 0 && done < TotalSteps
            ? TimeSpan.FromSeconds(p.Elapsed.TotalSeconds / live * (TotalSteps - done))
            : TimeSpan.Zero;
        var best = p.BestMember is { } m ? string.Create(CultureInfo.InvariantCulture, $"best so far {objective.Metric} {Format(objective.Mode == ObjectiveMode.Maximize ? p.BestScore : -p.BestScore)} (member {m})") : "best so far —";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"[{_run}] {fraction,6:P1}  steps {done}/{TotalSteps}  member {p.Result.Task.Member} at step {p.Result.Task.EndStep}  {best}  ETA {eta:hh\\:mm\\:ss}");
    }

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
