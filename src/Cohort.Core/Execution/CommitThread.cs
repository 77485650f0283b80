using System.Globalization;
using System.Runtime.InteropServices;

namespace Cohort.Core.Execution;

/// <summary>
/// Runs a run's group commits one after another on a thread of their own. Commits used to go to the thread pool, whose
/// threads spin for more work after each one: on a machine with as many workers as cores that spinning takes CPU from
/// the workers that train (issue 12's profile: about 2% of a Boston run's CPU). This thread blocks while it has
/// nothing to do. A commit's asynchronous steps are waited for here (the thread has no synchronisation context, so
/// nothing can deadlock), and the returned task completes, asynchronously, when the commit is done. The thread runs
/// below normal priority (on Linux, a nice value of <see cref="Nice"/> for this thread alone): when the workers and a
/// commit want the same core the scheduler favours training, without starving the commit (at nice 5 it still gets about
/// a seventh of two busy cores). A commit is durability, not progress; the driver waits for one only at the next cut
/// and at the end of the run.
/// </summary>
internal sealed partial class CommitThread : IDisposable
{
    /// <summary>The commit thread's nice value on Linux (0 is normal, 19 the lowest priority).</summary>
    public const int Nice = 5;

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
        LowerPriority();
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

    /// <summary>Best effort: a thread whose priority cannot be lowered commits at normal priority.</summary>
    private static void LowerPriority()
    {
        try
        {
            Thread.CurrentThread.Priority = ThreadPriority.BelowNormal; // Windows and macOS; ignored on Linux
            if (OperatingSystem.IsLinux())
            {
                _ = SetPriority(PriorityProcess, GetThreadId(), Nice); // a thread id names the thread alone
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException or PlatformNotSupportedException or ThreadStateException)
        {
            // Left at normal priority.
        }
    }

    private const int PriorityProcess = 0;

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();
}
