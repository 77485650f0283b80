namespace Cohort.Core.Execution;

/// <summary>How a <see cref="DistributedWorker"/> claims, runs and reports tasks. Immutable; defaults suit a LAN.</summary>
public sealed record DistributedWorkerOptions
{
    /// <summary>This worker's identity in claims (unique among live workers): by default host/process/random suffix.</summary>
    public string Owner { get; init; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// How long a claim lasts without renewal. A worker that dies holds its task at most this long before another
    /// worker takes it over; a live worker renews every <see cref="Heartbeat"/>.
    /// </summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a claim is renewed while its task trains; must be well below <see cref="Lease"/>.</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait before looking again when every pending task is claimed by other workers.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Re-runs of a task that threw (same inputs) before it is reported as failed; as <see cref="RunnerOptions.Retries"/>.</summary>
    public int Retries { get; init; } = 2;

    /// <summary>As <see cref="RunnerOptions.TaskTimeout"/>: the wall-clock limit of one attempt; null for none.</summary>
    public TimeSpan? TaskTimeout { get; init; }

    /// <summary>
    /// How long the store may keep failing (database restart, network loss) before the worker gives up. Meanwhile it
    /// backs off and retries, rebuilding its scheduler from the store each time.
    /// </summary>
    public TimeSpan StoreOutage { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The order results are told in; <see cref="TellOrder.PendingOrder"/> makes the log identical to a one-process run.</summary>
    public TellOrder TellOrder { get; init; } = TellOrder.PendingOrder;

    /// <summary>As <see cref="RunnerOptions.VerifyWeightExchange"/>: a loaded checkpoint must save back to its own hash.</summary>
    public bool VerifyWeightExchange { get; init; } = true;

    /// <summary>As <see cref="RunnerOptions.TestEvaluation"/>.</summary>
    public TestEvaluation TestEvaluation { get; init; } = TestEvaluation.FinalTask;

    /// <summary>As <see cref="RunnerOptions.StepsPerMember"/>.</summary>
    public long? StepsPerMember { get; init; }

    /// <summary>
    /// Fault injection for crash tests only: how long a transaction that took exploit/explore decisions holds the run
    /// lock before committing, so that a test can kill the process inside it. Zero in production.
    /// </summary>
    public TimeSpan DecisionDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Throws naming the first invalid option.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Owner, nameof(Owner));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Lease, TimeSpan.Zero, nameof(Lease));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Heartbeat, TimeSpan.Zero, nameof(Heartbeat));
        if (Heartbeat * 2 > Lease)
        {
            throw new ArgumentOutOfRangeException(nameof(Heartbeat), Heartbeat, $"The heartbeat must be at most half the lease ({Lease}).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentOutOfRangeException.ThrowIfNegative(Retries, nameof(Retries));
        if (TaskTimeout is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(TaskTimeout), t, "The task timeout must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(StoreOutage, TimeSpan.Zero, nameof(StoreOutage));
        ArgumentOutOfRangeException.ThrowIfLessThan(DecisionDelay, TimeSpan.Zero, nameof(DecisionDelay));
        if (StepsPerMember is { } s && s <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(StepsPerMember), s, "Steps per member must be positive.");
        }
    }
}
