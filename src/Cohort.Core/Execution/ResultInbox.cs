using Cohort.Core.Scheduling;

namespace Cohort.Core.Execution;

/// <summary>
/// Where a <see cref="TaskExecutor"/>'s workers leave finished results for the runner's driver, waking it only when
/// that is worth a thread switch: when enough results wait (<see cref="WakeBatch"/>), or when so few tasks are left
/// queued or running (<see cref="LowWater"/>) that the workers would soon run dry without new ones. Tasks of a few
/// hundred microseconds then cost one wake-up per batch rather than one each; the workers never wait for the driver
/// while tasks are queued. The driver's wake-up runs on the worker thread that delivers the result (the driver's work
/// has to be done anyway, and this saves two thread switches). Between wake-ups the driver also looks at least every
/// <see cref="MaxDelay"/>.
/// </summary>
internal sealed class ResultInbox(int lowWater, int wakeBatch)
{
    /// <summary>The longest a result waits for the driver when nothing else wakes it.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(20);

    private readonly Lock _gate = new();
    private readonly Queue<TaskResult> _results = new();
    private int _outstanding;
    private TaskCompletionSource? _waiter;

    /// <summary>Tasks queued or running at most this many wake the driver with every result.</summary>
    public int LowWater { get; } = lowWater;

    /// <summary>This many waiting results wake the driver.</summary>
    public int WakeBatch { get; } = wakeBatch;

    /// <summary>A task was handed to the executor.</summary>
    public void Submitted()
    {
        lock (_gate)
        {
            _outstanding++;
        }
    }

    /// <summary>A worker finished a task (called on the worker thread).</summary>
    public void Add(TaskResult result)
    {
        TaskCompletionSource? wake = null;
        lock (_gate)
        {
            _results.Enqueue(result);
            _outstanding--;
            if (_waiter is not null && WorthWaking())
            {
                wake = _waiter;
                _waiter = null;
            }
        }

        wake?.TrySetResult();
    }

    /// <summary>Takes every waiting result, in the order they finished.</summary>
    public void Drain(List<TaskResult> into)
    {
        lock (_gate)
        {
            while (_results.TryDequeue(out var result))
            {
                into.Add(result);
            }
        }
    }

    /// <summary>Completes when results are worth taking, or after <paramref name="timeout"/> at the latest.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_gate)
        {
            if (WorthWaking())
            {
                return;
            }

            // Completed by a worker thread, and on purpose not asynchronously: the driver's continuation then runs on
            // that thread right away (no thread switch, no thread-pool thread spinning for work afterwards).
            _waiter ??= new TaskCompletionSource();
            signal = _waiter.Task;
        }

        try
        {
            await signal.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Time to look anyway.
        }
    }

    private bool WorthWaking() => _results.Count > 0 && (_results.Count >= WakeBatch || _outstanding <= LowWater);
}
