namespace Cohort.Core.Scheduling;

/// <summary>
/// A search method as an ask/tell state machine (DESIGN.md). It never trains: it is told results and asked for work.
/// All randomness is drawn inside <see cref="Tell"/> from a generator seeded by the run, so replaying the stored
/// results in their stored order rebuilds the same state (resume), whatever the thread timing was.
/// </summary>
public interface IScheduler
{
    /// <summary>The method name written to the summary: <c>pbt</c>, <c>grid</c>, <c>random</c>, …</summary>
    string Method { get; }

    /// <summary>
    /// The tasks issued and not yet told, in a deterministic order. A pure function of the state: calling it twice
    /// returns the same tasks. The driver runs those it is not already running.
    /// </summary>
    IReadOnlyList<TrainTask> Pending { get; }

    /// <summary>True when no task is pending and none will be issued.</summary>
    bool IsFinished { get; }

    /// <summary>
    /// Records the result of a pending task and takes the decisions it triggers (exploit, explore, next task),
    /// returning them as events for the store, in the order they were taken.
    /// </summary>
    IReadOnlyList<RunEvent> Tell(TaskResult result);
}
