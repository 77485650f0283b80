using System.Diagnostics;
using Cohort.Core.Scheduling;

namespace Cohort.Benchmarks;

/// <summary>A scheduler wrapped so the time spent deciding (inside <see cref="Tell"/>) is measured.</summary>
public sealed class TimedScheduler(IScheduler inner) : IScheduler
{
    private long _ticks;

    public int Tells { get; private set; }

    /// <summary>Seconds spent in Tell so far.</summary>
    public double TellSeconds => (double)_ticks / Stopwatch.Frequency;

    public string Method => inner.Method;

    public IReadOnlyList<TrainTask> Pending => inner.Pending;

    public bool IsFinished => inner.IsFinished;

    public IReadOnlyList<RunEvent> Tell(TaskResult result)
    {
        var start = Stopwatch.GetTimestamp();
        var events = inner.Tell(result);
        _ticks += Stopwatch.GetTimestamp() - start;
        Tells++;
        return events;
    }
}
