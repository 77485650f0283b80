using Cohort.Core.Scheduling;

namespace Cohort.Core.Storage;

/// <summary>
/// Where an experiment lives: its runs, the append-only log of task results and scheduler events, and member leases.
/// Semantics every implementation keeps (SQLite embedded, PostgreSQL for many machines):
/// <list type="bullet">
/// <item>a result and the events it triggered are appended in one transaction, or not at all;</item>
/// <item>event ids increase monotonically in append order, across the whole experiment;</item>
/// <item>a task (run, member, ordinal) is recorded at most once: appending it again returns false and writes nothing;</item>
/// <item>a lease on a member belongs to one owner until it expires or is released.</item>
/// </list>
/// </summary>
public interface IExperimentStore : IAsyncDisposable
{
    /// <summary>Creates the run, or returns the stored one when a run with this name exists (resume).</summary>
    Task<RunRecord> CreateRunAsync(RunRecord run, CancellationToken cancellationToken);

    Task<IReadOnlyList<RunRecord>> GetRunsAsync(CancellationToken cancellationToken);

    /// <summary>Appends a task result and the events it triggered atomically. False when the task was already recorded.</summary>
    Task<bool> AppendAsync(string run, TaskResult result, IReadOnlyList<RunEvent> events, CancellationToken cancellationToken);

    /// <summary>
    /// Appends many told results, each with its events, in their order, in one transaction (a group commit: one sync for
    /// the whole batch). A result whose task is already recorded is skipped with its events. Returns how many were
    /// appended.
    /// </summary>
    Task<int> AppendBatchAsync(string run, IReadOnlyList<ToldResult> told, CancellationToken cancellationToken);

    /// <summary>The run's results in append order: replaying them into a fresh scheduler rebuilds its state.</summary>
    Task<IReadOnlyList<TaskResult>> ReadResultsAsync(string run, CancellationToken cancellationToken);

    /// <summary>The run's events in id order.</summary>
    Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(string run, CancellationToken cancellationToken);

    /// <summary>Records how a run ended.</summary>
    Task FinishRunAsync(string run, RunStatus status, string? message, double wallSeconds, CancellationToken cancellationToken);

    /// <summary>Takes or renews the lease on a member for <paramref name="owner"/>; false when another owner holds an unexpired one.</summary>
    Task<bool> TryLeaseAsync(string run, int member, string owner, TimeSpan duration, CancellationToken cancellationToken);

    Task ReleaseLeaseAsync(string run, int member, string owner, CancellationToken cancellationToken);

    /// <summary>Experiment-level values (the resolved spec, the root seed, format version).</summary>
    Task SetMetadataAsync(string key, string value, CancellationToken cancellationToken);

    Task<string?> GetMetadataAsync(string key, CancellationToken cancellationToken);
}

/// <summary>A result as told to the scheduler, with the events the telling triggered: what the store appends.</summary>
/// <param name="Result">The task's result.</param>
/// <param name="Events">The decisions it triggered, in the order they were taken.</param>
public sealed record ToldResult(TaskResult Result, IReadOnlyList<RunEvent> Events);

/// <summary>A run: one search method of an experiment.</summary>
/// <param name="Name">Unique within the experiment.</param>
/// <param name="Method"><c>pbt</c>, <c>grid</c>, <c>random</c>, …</param>
/// <param name="SpecJson">The resolved run spec, defaults filled in.</param>
/// <param name="Status">Running until <see cref="IExperimentStore.FinishRunAsync"/>.</param>
/// <param name="Message">Why it stopped, when it did not complete.</param>
/// <param name="WallSeconds">Wall time when finished.</param>
public sealed record RunRecord(
    string Name,
    string Method,
    string SpecJson,
    RunStatus Status = RunStatus.Running,
    string? Message = null,
    double WallSeconds = 0);

/// <summary>How a run stands, or why it stopped.</summary>
public enum RunStatus
{
    /// <summary>Not finished (or interrupted without a record: resume it).</summary>
    Running,

    /// <summary>Every member trained to its end (or stopped as the method decided: diverged, exploited away, …).</summary>
    Completed,

    /// <summary>The run stopped on an internal failure, or every member failed; the message says why.</summary>
    Failed,

    /// <summary>Interrupted by the user; resume continues it.</summary>
    Cancelled,

    /// <summary>
    /// The scheduler finished, but some members were excluded because their tasks kept failing; the message names them
    /// and the cause. Their steps are missing from the run.
    /// </summary>
    CompletedWithFailures,
}

/// <summary>An event with its store-assigned, monotonically increasing id.</summary>
public sealed record StoredEvent(long Id, string Run, RunEvent Event);
