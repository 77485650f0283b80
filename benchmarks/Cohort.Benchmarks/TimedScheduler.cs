using System.Diagnostics;
using Cohort.Core.Scheduling;

namespace Cohort.Benchmarks;

/// <summary>A scheduler wrapped so the time spent deciding (inside <see cref="Tell"/>) is measured.</summary>
public sealed class TimedScheduler(IScheduler inner) : IScheduler
{
    private readonly List<long> _each = [];
    private long _ticks;

    public int Tells { get; private set; }

    /// <summary>Seconds spent in Tell so far.</summary>
    public double TellSeconds => (double)_ticks / Stopwatch.Frequency;

    /// <summary>Seconds spent in the first <paramref name="fraction"/> of the Tells (warm-up shows there).</summary>
    public double TellSecondsOfFirst(double fraction) =>
        (double)_each.Take((int)Math.Ceiling(fraction * _each.Count)).Sum() / Stopwatch.Frequency;

    /// <summary>The longest single Tell, in seconds.</summary>
    public double SlowestTellSeconds => _each.Count == 0 ? 0 : (double)_each.Max() / Stopwatch.Frequency;

    public string Method => inner.Method;

    public IReadOnlyList<TrainTask> Pending => inner.Pending;

    public bool IsFinished => inner.IsFinished;

    public IReadOnlyList<RunEvent> Tell(TaskResult result)
    {
        var start = Stopwatch.GetTimestamp();
        var events = inner.Tell(result);
        var ticks = Stopwatch.GetTimestamp() - start;
        _ticks += ticks;
        _each.Add(ticks);
        Tells++;
        return events;
    }
}
