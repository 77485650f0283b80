using System.Collections.Concurrent;
using System.Globalization;

namespace Cohort.Core.Execution;

/// <summary>
/// Long-lived background threads that run training attempts: training is long, synchronous CPU work that should
/// neither pay for a thread per task nor starve the thread pool when a trainable hangs. How many attempts run at once
/// is the driver's business; these threads only execute what it hands them. When an attempt is abandoned after its
/// timeout, <see cref="AddThread"/> replaces the thread it still occupies.
/// </summary>
internal sealed class WorkerThreads : IDisposable
{
    private readonly BlockingCollection<Action> _queue = [];
    private readonly string _name;
    private int _started;

    public WorkerThreads(int count, string name)
    {
        _name = name;
        for (var i = 0; i < count; i++)
        {
            AddThread();
        }
    }

    /// <summary>Runs <paramref name="work"/> on a worker thread; its exception, if any, faults the returned task.</summary>
    public Task<T> Run<T>(Func<T> work)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var context = ExecutionContext.Capture();
        _queue.Add(() =>
        {
            try
            {
                T result = default!;
                if (context is null)
                {
                    result = work();
                }
                else
                {
                    ExecutionContext.Run(context, _ => result = work(), null);
                }

                completion.SetResult(result);
            }
            catch (Exception ex)
            {
                completion.SetException(ex);
            }
        });
        return completion.Task;
    }

    /// <summary>Starts one more worker thread.</summary>
    public void AddThread()
    {
        var n = Interlocked.Increment(ref _started);
        var thread = new Thread(Loop)
        {
            IsBackground = true,
            Name = string.Create(CultureInfo.InvariantCulture, $"{_name} worker {n}"),
        };
        thread.Start();
    }

    /// <summary>Lets the threads finish what is queued and exit.</summary>
    public void Dispose() => _queue.CompleteAdding();

    private void Loop()
    {
        foreach (var work in _queue.GetConsumingEnumerable())
        {
            work();
        }
    }
}
