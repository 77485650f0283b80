using Cohort.Core.Scheduling;

namespace Cohort.Core.Storage;

/// <summary>
/// An <see cref="IExperimentStore"/> that several worker processes share (PostgreSQL): it hands out task claims with
/// leases and serialises the scheduler's decisions. Semantics every implementation keeps:
/// <list type="bullet">
/// <item>a claim on task (run, member, ordinal) belongs to one owner until its lease expires, it is renewed by that
/// owner, or the task is reported; a recorded or reported task cannot be claimed;</item>
/// <item><see cref="CoordinateAsync{T}"/> runs its body in one transaction that holds the run's exclusive lock: two
/// bodies for the same run never overlap, and a body's writes are committed together or not at all;</item>
/// <item>results carry a store-assigned sequence number that increases in append order, so a worker can catch up by
/// reading what was appended after the last number it saw.</item>
/// </list>
/// </summary>
public interface ICoordinationStore : IExperimentStore
{
    /// <summary>The run's results appended after sequence number <paramref name="after"/> (0: all), in append order.</summary>
    Task<IReadOnlyList<SequencedResult>> ReadResultsAfterAsync(string run, long after, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the first task of <paramref name="candidates"/> (in their order) that is neither recorded nor reported
    /// and not under another owner's unexpired claim, with a lease of <paramref name="lease"/>.
    /// </summary>
    /// <returns>The index in <paramref name="candidates"/> of the claimed task, or −1 when none could be claimed.</returns>
    Task<int> TryClaimAsync(string run, IReadOnlyList<TaskKey> candidates, string owner, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Extends the lease of a claim this owner holds; false when the claim is no longer this owner's.</summary>
    Task<bool> RenewClaimAsync(string run, TaskKey task, string owner, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Drops a claim this owner holds (a worker stopping before it finished the task).</summary>
    Task ReleaseClaimAsync(string run, TaskKey task, string owner, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="decide"/> in one transaction holding the run's exclusive lock, and commits what it wrote.
    /// When it throws, nothing it wrote is kept.
    /// </summary>
    Task<T> CoordinateAsync<T>(string run, Func<IRunCoordination, CancellationToken, Task<T>> decide, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="CoordinateAsync{T}"/> when the run's lock is free; when another transaction holds it, returns
    /// at once with <c>Acquired</c> false and does not run <paramref name="decide"/>.
    /// </summary>
    Task<(bool Acquired, T Value)> TryCoordinateAsync<T>(string run, Func<IRunCoordination, CancellationToken, Task<T>> decide, CancellationToken cancellationToken);

    /// <summary>
    /// Records a finished task's result outside the run lock (as <see cref="IRunCoordination.ReportAsync"/>); whoever
    /// next holds the lock tells it. False when the task is already reported or recorded.
    /// </summary>
    Task<bool> ReportAsync(string run, TaskResult result, CancellationToken cancellationToken);
}

/// <summary>What a body of <see cref="ICoordinationStore.CoordinateAsync{T}"/> may do inside the run's transaction.</summary>
public interface IRunCoordination
{
    /// <summary>Results appended after sequence number <paramref name="after"/>, in append order.</summary>
    Task<IReadOnlyList<SequencedResult>> ReadResultsAfterAsync(long after, CancellationToken cancellationToken);

    /// <summary>Results reported by workers and not yet told (appended), in report order.</summary>
    Task<IReadOnlyList<TaskResult>> ReadReportsAsync(CancellationToken cancellationToken);

    /// <summary>The tasks reported and not yet told, in report order (cheap: no results are read).</summary>
    Task<IReadOnlyList<TaskKey>> ReadReportedAsync(CancellationToken cancellationToken);

    /// <summary>The reported results of <paramref name="tasks"/> that exist, in the order of <paramref name="tasks"/>.</summary>
    Task<IReadOnlyList<TaskResult>> ReadReportsAsync(IReadOnlyList<TaskKey> tasks, CancellationToken cancellationToken);

    /// <summary>
    /// Records a finished task's result until the scheduler is told it; from then on the task cannot be claimed.
    /// False (nothing written) when the task is already reported or recorded.
    /// </summary>
    Task<bool> ReportAsync(TaskResult result, CancellationToken cancellationToken);

    /// <summary>Drops a report whose task the scheduler no longer lists; returns the checkpoint it carried, if any.</summary>
    Task<CheckpointRef?> DiscardReportAsync(TaskKey task, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a told result and its events (as <see cref="IExperimentStore.AppendAsync"/>), removing its report;
    /// returns the result's sequence number, or null when the task was already recorded.
    /// </summary>
    Task<long?> AppendAsync(TaskResult result, IReadOnlyList<RunEvent> events, CancellationToken cancellationToken);

    /// <summary>
    /// Appends many told results with their events, in order, in one round trip (as
    /// <see cref="IExperimentStore.AppendBatchAsync"/>), removing their reports; returns each one's sequence number, or
    /// null for one whose task was already recorded.
    /// </summary>
    Task<IReadOnlyList<long?>> AppendBatchAsync(IReadOnlyList<ToldResult> told, CancellationToken cancellationToken);

    /// <summary>
    /// Records the run finished with <paramref name="status"/> (completed, or completed with failures; failed when every
    /// member failed) and <paramref name="message"/>; its wall time runs from its first claim to now, by the store's clock.
    /// </summary>
    Task CompleteRunAsync(RunStatus status, string? message, CancellationToken cancellationToken);
}

/// <summary>Identifies a task within a run.</summary>
public readonly record struct TaskKey(int Member, int Ordinal)
{
    public static TaskKey Of(TrainTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new TaskKey(task.Member, task.Ordinal);
    }
}

/// <summary>A stored result with its store-assigned sequence number (increasing in append order).</summary>
public sealed record SequencedResult(long Sequence, TaskResult Result);
