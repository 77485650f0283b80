namespace Cohort.Core.Execution;

/// <summary>How an <see cref="ExperimentRunner"/> executes tasks. Immutable; every property has a safe default.</summary>
public sealed record RunnerOptions
{
    /// <summary>How many tasks run at once (the worker pool). Defaults to <see cref="Environment.ProcessorCount"/>.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// How many times a task that threw or timed out is re-run (same inputs: tasks are pure) before it is reported as
    /// <see cref="Scheduling.TaskOutcome.Failed"/>. 0 means one attempt only.
    /// </summary>
    public int Retries { get; init; } = 2;

    /// <summary>
    /// Wall-clock limit for one attempt of a task; null for none. When it expires the attempt is cancelled through
    /// its token and abandoned (a trainable that ignores the token keeps its thread until it returns, but its work is
    /// discarded), and the task is retried from its checkpoint.
    /// </summary>
    public TimeSpan? TaskTimeout { get; init; }

    /// <summary>When to evaluate the test split (only when the factory reports a test set).</summary>
    public TestEvaluation TestEvaluation { get; init; } = TestEvaluation.FinalTask;

    /// <summary>
    /// A member's training budget, used by <see cref="TestEvaluation.FinalTask"/>: a task is final when its end step
    /// reaches this. Null means every task is treated as final.
    /// </summary>
    public long? StepsPerMember { get; init; }

    /// <summary>
    /// The order in which results are told to the scheduler. <see cref="TellOrder.PendingOrder"/> (the default) makes
    /// every run independent of thread timing and worker count.
    /// </summary>
    public TellOrder TellOrder { get; init; } = TellOrder.PendingOrder;

    /// <summary>
    /// After a task starts from a checkpoint that was copied in memory or loaded from the store, save the receiver's
    /// state and check that it hashes to the checkpoint's hash; a mismatch fails the task loudly. On by default.
    /// </summary>
    public bool VerifyWeightExchange { get; init; } = true;

    /// <summary>
    /// On resume, check that the fresh scheduler, told the stored results, takes exactly the logged decisions
    /// (event for event, by value); a mismatch fails the run before any training. On by default.
    /// </summary>
    public bool VerifyReplay { get; init; } = true;

    /// <summary>
    /// Group commits: told results are appended to the store at most this long after the first of them was told. A
    /// crash loses at most the results of this interval (plus a commit in flight); they are re-run on resume with the
    /// same outcome. 200 ms by default.
    /// </summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How often a group commit also stores the checkpoints the run references (and deletes the stored ones it no
    /// longer does); the first commit after this long does, and so do the last and a cancelled run's. Between those,
    /// commits append results only: on a small model, storing every member's newest checkpoint at every commit cost
    /// more than appending the results (issue 12). After a crash, resuming recomputes the referenced checkpoints written
    /// since (tasks are pure: their stored results give the tasks to re-run, from the checkpoints stored before), so a
    /// crash costs at most about this much training again. Zero stores them at every commit. 1 s by default.
    /// </summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Group commits: a batch is also committed once it holds this many told results. 1,000 by default.</summary>
    public int CommitBatchSize { get; init; } = 1000;

    /// <summary>
    /// Fault injection for crash tests only: how long a commit waits between storing its checkpoints and appending its
    /// results, so that a test can kill the process in the middle of a commit. Zero in production.
    /// </summary>
    public TimeSpan CommitDelay { get; init; } = TimeSpan.Zero;

    /// <summary>How long a cancelled run waits for its in-flight tasks to stop before it records itself cancelled.</summary>
    public TimeSpan CancellationGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws naming the first invalid option.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Workers, 1, nameof(Workers));
        ArgumentOutOfRangeException.ThrowIfNegative(Retries, nameof(Retries));
        ArgumentOutOfRangeException.ThrowIfLessThan(CommitBatchSize, 1, nameof(CommitBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(CommitInterval, TimeSpan.Zero, nameof(CommitInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckpointInterval, TimeSpan.Zero, nameof(CheckpointInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(CommitDelay, TimeSpan.Zero, nameof(CommitDelay));
        if (TaskTimeout is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(TaskTimeout), t, "The task timeout must be positive.");
        }

        if (StepsPerMember is { } s && s <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(StepsPerMember), s, "Steps per member must be positive.");
        }
    }
}

/// <summary>When the test split is evaluated.</summary>
public enum TestEvaluation
{
    /// <summary>Never.</summary>
    Never,

    /// <summary>After every task.</summary>
    EveryTask,

    /// <summary>Only after a member's final task (end step ≥ <see cref="RunnerOptions.StepsPerMember"/>).</summary>
    FinalTask,
}

/// <summary>The order in which completed tasks are told to the scheduler.</summary>
public enum TellOrder
{
    /// <summary>
    /// A result is told only once every task ahead of it in <see cref="Scheduling.IScheduler.Pending"/> has been told.
    /// The scheduler then sees exactly the sequence of a one-worker run, so its decisions and the stored log do not
    /// depend on thread timing or worker count (asynchronous PBT included); tasks further down the list still train
    /// concurrently, and only their telling waits.
    /// </summary>
    PendingOrder,

    /// <summary>
    /// Results are told as they complete: asynchronous PBT reacts sooner, but its decisions depend on timing unless
    /// there is one worker.
    /// </summary>
    Completion,
}
