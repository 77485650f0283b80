using System.Globalization;

namespace Cohort.Core.Execution;

/// <summary>
/// Runs a run's group commits one after another on a thread of their own. Commits used to go to the thread pool, whose
/// threads spin for more work after each one: on a machine with as many workers as cores that spinning takes CPU from
/// the workers that train (issue 12 measured it at a few percent of a Boston run). This thread blocks while it has
/// nothing to do. A commit's asynchronous steps are waited for here (the thread has no synchronisation context, so
/// nothing can deadlock), and the returned task completes, asynchronously, when the commit is done.
/// </summary>
internal sealed class CommitThread : IDisposable
{
    private readonly Queue<(Func<Task> Commit, TaskCompletionSource Done)> _queue = new();
    private readonly Thread _thread;
    private bool _completed;

    /// <param name="run">The run's name, for the thread's name.</param>
    public CommitThread(string run)
    {
        _thread = new Thread(Loop)
        {
            IsBackground = true,
            Name = string.Create(CultureInfo.InvariantCulture, $"{run} commits"),
        };
        _thread.Start();
    }

    /// <summary>Queues <paramref name="commit"/> after those queued before; the task completes when it has run.</summary>
    public Task Run(Func<Task> commit)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_queue)
        {
            ObjectDisposedException.ThrowIf(_completed, this);
            _queue.Enqueue((commit, done));
            Monitor.Pulse(_queue);
        }

        return done.Task;
    }

    /// <summary>Takes no more commits; the thread finishes those queued and leaves.</summary>
    public void Dispose()
    {
        lock (_queue)
        {
            _completed = true;
            Monitor.Pulse(_queue);
        }
    }

    private void Loop()
    {
        while (true)
        {
            (Func<Task> Commit, TaskCompletionSource Done) job;
            lock (_queue)
            {
                while (_queue.Count == 0)
                {
                    if (_completed)
                    {
                        return;
                    }

                    Monitor.Wait(_queue);
                }

                job = _queue.Dequeue();
            }

            try
            {
                job.Commit().GetAwaiter().GetResult();
                job.Done.SetResult();
            }
            catch (Exception ex)
            {
                job.Done.SetException(ex);
            }
        }
    }
}
