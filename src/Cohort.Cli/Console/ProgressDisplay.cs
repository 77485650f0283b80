using System.Diagnostics;
using System.Globalization;
using Cohort.Core.Execution;
using Cohort.Core.Scheduling;

namespace Cohort.Cli.Console;

/// <summary>
/// Progress of one run on the console (the CLI's <see cref="IProgressObserver"/>). On a terminal: a line when the run
/// starts, then a live region redrawn five times a second — a bar with the share of steps done and the ETA, the
/// steps, failures, exploits and steps per second, and the best evaluation so far — every line fitted to the
/// terminal's width, and a closing line when the run ends. On a pipe or file: the same as plain lines, at most one
/// progress line every <see cref="PlainInterval"/>. Failed tasks are printed as they happen, with their cause;
/// <c>--verbose</c> adds every evaluation; <c>--quiet</c> prints only failures.
/// </summary>
internal sealed class ProgressDisplay : IProgressObserver, IDisposable
{
    /// <summary>Least time between two progress lines on a pipe.</summary>
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan s_refresh = TimeSpan.FromMilliseconds(200);

    private readonly Terminal _terminal;
    private readonly Objective _objective;
    private readonly RunProgress _run;
    private readonly Lock _gate = new();
    private readonly Stopwatch _sinceLine = new();
    private readonly LiveRegion? _region;
    private Timer? _timer;
    private bool _live;

    public ProgressDisplay(Terminal terminal, Objective objective, RunInfo run)
    {
        _terminal = terminal;
        _objective = objective;
        _run = new RunProgress(run, objective);
        _region = terminal.Interactive && terminal.Verbosity != Verbosity.Quiet ? new LiveRegion(terminal.Out) : null;
    }

    public void RunStarted(RunStartedProgress progress)
    {
        lock (_gate)
        {
            _run.Started(progress);
            _terminal.Line(_run.StartLine());
            _sinceLine.Restart();
            if (_region is not null)
            {
                _live = true;
                _region.Draw(_run.LiveLines(_terminal.Width));
                _timer = new Timer(_ => Redraw(), null, s_refresh, s_refresh);
            }
        }
    }

    public void TaskStarted(TaskStartedProgress progress)
    {
    }

    public void TaskFinished(TaskFinishedProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        lock (_gate)
        {
            _run.Finished(progress);
            var result = progress.Result;
            if (result.Outcome == TaskOutcome.Failed)
            {
                Print(true, I($"[{_run.Info.Name}] member {result.Task.Member} failed training steps {result.Task.StartStep:N0}–{result.Task.EndStep:N0}: {result.Message ?? "no message"}"));
            }
            else if (_terminal.Verbosity == Verbosity.Verbose)
            {
                var value = result.Validation.TryGetValue(_objective.Metric, out var v) ? v.ToString("G6", CultureInfo.InvariantCulture) : "—";
                Print(false, I($"[{_run.Info.Name}] member {result.Task.Member} at step {result.Task.EndStep:N0}: {_objective.Metric} {value}{(result.Outcome == TaskOutcome.Diverged ? " (diverged)" : "")} with {result.Task.Hyperparameters}"));
            }

            if (_region is null && _terminal.Verbosity == Verbosity.Normal && _sinceLine.Elapsed >= PlainInterval)
            {
                _terminal.Line(_run.PlainLine());
                _sinceLine.Restart();
            }
        }
    }

    public void RunFinished(RunOutcome outcome)
    {
        lock (_gate)
        {
            StopLive();
            var line = _run.EndLine(outcome);
            if (outcome.Status is Core.Storage.RunStatus.Completed or Core.Storage.RunStatus.Cancelled)
            {
                _terminal.Line(line);
            }
            else
            {
                _terminal.Problem(line);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            StopLive();
        }
    }

    private void Redraw()
    {
        lock (_gate)
        {
            if (_live)
            {
                _region!.Draw(_run.LiveLines(_terminal.Width));
            }
        }
    }

    /// <summary>A line about a task: above the live region on a terminal; problems also with <c>--quiet</c>.</summary>
    private void Print(bool problem, string line)
    {
        if (_live)
        {
            _region!.Print(TextLayout.Wrap(line, _terminal.Width));
        }
        else if (problem)
        {
            _terminal.Problem(line);
        }
        else
        {
            _terminal.Detail(line);
        }
    }

    private void StopLive()
    {
        _timer?.Dispose();
        _timer = null;
        if (_live)
        {
            _live = false;
            _region!.Clear();
        }
    }

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
