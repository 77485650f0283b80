using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Stopping;
using Cohort.Core.Storage;
using Cohort.Core.Strategies;

namespace Cohort.Core.Scheduling;

/// <summary>One member's mutable state inside a scheduler.</summary>
internal sealed class MemberState(int id, HyperparameterSet hyperparameters, PendingTally tally)
{
    private TrainTask? _pending;

    public int Id { get; } = id;

    /// <summary>What the next task trains with.</summary>
    public HyperparameterSet Hyperparameters { get; set; } = hyperparameters;

    /// <summary>What the next task starts from (own latest, or a donor's after an exploit); null before the first result.</summary>
    public CheckpointRef? Checkpoint { get; set; }

    /// <summary>The step of <see cref="Checkpoint"/>.</summary>
    public long Step { get; set; }

    public MemberStatus Status { get; set; } = MemberStatus.Running;

    public int NextOrdinal { get; set; }

    public int Generation { get; set; }

    public int Failures { get; set; }

    /// <summary>The task the member waits for; every change is counted in the population's <see cref="PendingTally"/>.</summary>
    public TrainTask? Pending
    {
        get => _pending;
        set
        {
            if (!ReferenceEquals(_pending, value))
            {
                tally.Changed(_pending is not null, value is not null);
                _pending = value;
            }
        }
    }

    /// <summary>The latest result's score (NaN before any), the hyperparameters that trained it and its checkpoint.</summary>
    public double LastScore { get; set; } = double.NaN;

    public long LastScoreStep { get; set; }

    public HyperparameterSet LastHyperparameters { get; set; } = hyperparameters;

    public CheckpointRef? LastCheckpoint { get; set; }

    /// <summary>True from an explore until the member's next result: its hyperparameters are a choice still being tried.</summary>
    public bool ExplorePending { get; set; }

    /// <summary>Set by an exploit that copies weights only: the next task keeps the optimizer state of this (own) checkpoint.</summary>
    public CheckpointRef? OptimizerStateFrom { get; set; }

    /// <summary>Every scored result of the member, oldest first (what stop conditions read).</summary>
    public List<MemberEvaluation> Evaluations { get; } = [];

    /// <summary>Stopped members whose weights this member copied (PBT copies each stopped donor at most once).</summary>
    public HashSet<int> CopiedStoppedDonors { get; } = [];

    /// <summary>Why a stop condition declared the member done at its latest result; null when none did.</summary>
    public StopVerdict? StopVerdict { get; set; }

    public bool HasResult => !double.IsNaN(LastScore);

    public bool LastDiverged => HasResult && !double.IsFinite(LastScore);

    public MemberSnapshot Snapshot() =>
        new(Id, Status, Hyperparameters, Checkpoint, Step, LastScore, LastScoreStep, Generation);
}

/// <summary>
/// What a population's driver asks after every told result — is any task still pending, did any pending task change —
/// kept up to date by <see cref="MemberState.Pending"/> so that answering costs O(1) instead of a pass over the members.
/// </summary>
internal sealed class PendingTally
{
    /// <summary>Members with a pending task.</summary>
    public int Count { get; private set; }

    /// <summary>Increases with every change of any member's pending task.</summary>
    public long Version { get; private set; }

    public void Changed(bool had, bool has)
    {
        Count += (has ? 1 : 0) - (had ? 1 : 0);
        Version++;
    }
}

/// <summary>
/// The bookkeeping every population scheduler shares: members, issued tasks, accepting results, retries and budgets.
/// Task seeds are Seeds.Derive(runSeed, member, ordinal, Purpose("train")); a retried task keeps its first seed and
/// inputs (it is the same pure task, re-run) under a new ordinal.
/// </summary>
internal sealed class PopulationState
{
    public static readonly ulong TrainPurpose = Seeds.Purpose("train");

    private readonly ulong _runSeed;
    private readonly List<ExploreObservation> _history = [];
    private readonly Dictionary<string, double> _checkpointScores = new(StringComparer.Ordinal);

    // Pending's cache: the sorted list, and the version of the members' pending tasks it was built from.
    private readonly PendingTally _tally = new();
    private long _pendingVersion = -1;
    private TrainTask[] _pending = [];

    public PopulationState(
        IReadOnlyList<HyperparameterSet> initial,
        SearchSpace space,
        Objective objective,
        long stepsPerMember,
        int readyInterval,
        int maxTaskRetries,
        ulong runSeed,
        StopConditions? stop = null)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(objective);
        if (initial.Count == 0)
        {
            throw new ArgumentException("The population must have at least one member.", nameof(initial));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepsPerMember);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(readyInterval);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTaskRetries);
        foreach (var point in initial)
        {
            space.Validate(point);
        }

        Space = space;
        Objective = objective;
        StepsPerMember = stepsPerMember;
        ReadyInterval = readyInterval;
        MaxTaskRetries = maxTaskRetries;
        _runSeed = runSeed;
        Stop = stop ?? StopConditions.None;
        History = _history.AsReadOnly();
        Members = initial.Select((h, i) => new MemberState(i, h, _tally)).ToArray();
        InitialEvents = Members.Select(m => (RunEvent)new MemberCreated(m.Id, m.Hyperparameters)).ToArray();
        foreach (var m in Members)
        {
            Issue(m);
        }
    }

    public SearchSpace Space { get; }

    public Objective Objective { get; }

    public long StepsPerMember { get; }

    public int ReadyInterval { get; }

    public int MaxTaskRetries { get; }

    /// <summary>The per-member stop conditions, checked on every scored result with a finite objective.</summary>
    public StopConditions Stop { get; }

    public MemberState[] Members { get; }

    public IReadOnlyList<RunEvent> InitialEvents { get; }

    /// <summary>
    /// Pending tasks, the least advanced first (then by member). With one worker this is round-robin, so asynchronous
    /// members meet at their ready points as they would training side by side; in synchronous mode every pending
    /// task of a generation starts at the same step, so this is member order.
    /// </summary>
    /// <remarks>
    /// Read several times per told result (the driver, the live-checkpoint projection), so the sorted list is kept and
    /// rebuilt only when some member's pending task changed (<see cref="PendingTally.Version"/>).
    /// </remarks>
    public IReadOnlyList<TrainTask> Pending
    {
        get
        {
            if (_pendingVersion != _tally.Version)
            {
                var pending = new TrainTask[_tally.Count];
                var n = 0;
                var sorted = true;
                foreach (var member in Members)
                {
                    if (member.Pending is { } task)
                    {
                        // Members are visited in id order, so only the start steps can be out of order (never in
                        // synchronous mode, where a generation's tasks all start at the same step).
                        sorted &= n == 0 || pending[n - 1].StartStep <= task.StartStep;
                        pending[n++] = task;
                    }
                }

                if (!sorted)
                {
                    Array.Sort(pending, static (a, b) => a.StartStep != b.StartStep ? a.StartStep.CompareTo(b.StartStep) : a.Member.CompareTo(b.Member));
                }

                _pending = pending;
                _pendingVersion = _tally.Version;
            }

            return _pending;
        }
    }

    /// <summary>How many members have a pending task (O(1)).</summary>
    public int PendingCount => _tally.Count;

    public bool IsFinished => _tally.Count == 0 && Members.All(m => m.Status != MemberStatus.Running);

    /// <summary>The smallest generation of a running member (the synchronous generation); the last one once all stopped.</summary>
    public int Generation => Running.Select(m => m.Generation).DefaultIfEmpty(Members.Max(m => m.Generation)).Min();

    public IReadOnlyList<MemberSnapshot> Snapshots => Members.Select(m => m.Snapshot()).ToArray();

    public IEnumerable<MemberState> Running => Members.Where(m => m.Status == MemberStatus.Running);

    /// <summary>
    /// Every scored task in the order told, with the score of the checkpoint it started from (what explore strategies
    /// see as <see cref="ExploreContext.History"/>; one view per run).
    /// </summary>
    public IReadOnlyList<ExploreObservation> History { get; }

    /// <summary>
    /// Issues the member's next ready-sized task from its current checkpoint and hyperparameters, shortened so that it
    /// ends at the budget, or at the step limit (<see cref="StopConditions.StepLimit"/>) when the member is below it.
    /// </summary>
    public void Issue(MemberState m)
    {
        var end = Stop.StepLimit is { } limit && limit > m.Step ? Math.Min(StepsPerMember, limit) : StepsPerMember;
        var steps = (int)Math.Min(ReadyInterval, end - m.Step);
        var ordinal = m.NextOrdinal++;
        var seed = Seeds.Derive(_runSeed, (ulong)m.Id, (ulong)ordinal, TrainPurpose);
        m.Pending = new TrainTask(m.Id, ordinal, m.Generation, m.Checkpoint, m.Hyperparameters, m.Step, steps, seed)
        {
            OptimizerStateFrom = m.OptimizerStateFrom,
        };
        m.OptimizerStateFrom = null;
    }

    /// <summary>
    /// Explores <paramref name="m"/>'s hyperparameters with <paramref name="strategy"/> and records the
    /// <see cref="Explored"/> event; a strategy that leaves the search space is a bug and throws.
    /// </summary>
    public void Explore(MemberState m, IExploreStrategy strategy, long step, Rng rng, List<RunEvent> events)
    {
        var before = m.Hyperparameters;
        var context = new ExploreContext(before, Space)
        {
            Member = m.Id,
            Step = m.Step,
            History = History,
            Pending = Members
                .Where(o => o.Id != m.Id && o.ExplorePending && o.Status == MemberStatus.Running)
                .Select(o => new PendingExplore(o.Id, o.Step, o.Hyperparameters))
                .ToArray(),
        };
        var explored = strategy.Explore(context, rng);
        try
        {
            Space.Validate(explored.After);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"Explore strategy '{strategy.Name}' left the search space for member {m.Id}: {ex.Message}", ex);
        }

        m.Hyperparameters = explored.After;
        m.ExplorePending = true;
        events.Add(new Explored(m.Id, step, before, explored.After, strategy.Name + " " + explored.Operator));
    }

    /// <summary>What <see cref="Accept"/> concluded about a result.</summary>
    public enum Acceptance
    {
        /// <summary>The task failed and was re-issued.</summary>
        Retried,

        /// <summary>The task failed for the last time: the member is now <see cref="MemberStatus.Failed"/>.</summary>
        Failed,

        /// <summary>The member has a new score (possibly non-finite: diverged).</summary>
        Scored,
    }

    /// <summary>Checks that <paramref name="result"/> answers the member's pending task and folds it into the member.</summary>
    public Acceptance Accept(TaskResult result, out MemberState member)
    {
        ArgumentNullException.ThrowIfNull(result);
        var task = result.Task ?? throw new ArgumentException("The result has no task.", nameof(result));
        if (task.Member < 0 || task.Member >= Members.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Result for unknown member {task.Member}."), nameof(result));
        }

        member = Members[task.Member];
        // Integers identify the task; hyperparameters and checkpoint sizes are not compared, so a result read back from
        // a store whose number formatting differs in the last bit still replays.
        var pending = member.Pending;
        if (pending is null || pending.Ordinal != task.Ordinal || pending.Seed != task.Seed || pending.StartStep != task.StartStep
            || pending.Steps != task.Steps || pending.From?.Hash != task.From?.Hash)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Result for member {task.Member} task {task.Ordinal} does not answer a pending task (pending: {member.Pending?.Ordinal.ToString(CultureInfo.InvariantCulture) ?? "none"})."));
        }

        task = pending;
        member.Pending = null;
        var failed = result.Outcome == TaskOutcome.Failed
            || (result.Outcome == TaskOutcome.Completed && result.Checkpoint is null);
        if (failed)
        {
            if (member.Failures < MaxTaskRetries)
            {
                member.Failures++;
                member.Pending = task with { Ordinal = member.NextOrdinal++ };
                return Acceptance.Retried;
            }

            member.ExplorePending = false;
            member.Status = MemberStatus.Failed;
            return Acceptance.Failed;
        }

        member.Failures = 0;
        member.ExplorePending = false;
        var score = result.Outcome == TaskOutcome.Diverged ? double.NegativeInfinity : Objective.Score(result);
        if (double.IsNaN(score) || double.IsPositiveInfinity(score))
        {
            score = double.NegativeInfinity;
        }

        var startScore = task.From is { } from && _checkpointScores.TryGetValue(from.Hash, out var s) ? s : double.NaN;
        _history.Add(new ExploreObservation(member.Id, task.StartStep, task.EndStep, task.Hyperparameters, startScore, score));
        if (result.Checkpoint is { } checkpoint)
        {
            _checkpointScores[checkpoint.Hash] = score;
        }

        member.LastScore = score;
        member.LastScoreStep = task.EndStep;
        member.LastHyperparameters = task.Hyperparameters;
        member.LastCheckpoint = result.Checkpoint;
        member.Checkpoint = result.Checkpoint;
        member.Step = result.Checkpoint?.Step ?? task.EndStep;
        member.Evaluations.Add(new MemberEvaluation(task.EndStep, result.Validation, score));
        member.StopVerdict = double.IsFinite(score) ? Stop.Check(new MemberProgress(member.Id, Objective, member.Evaluations)) : null;
        return Acceptance.Scored;
    }

    public static string FailureMessage(TaskResult result) =>
        result.Message ?? (result.Outcome == TaskOutcome.Completed ? "completed without a checkpoint" : "task failed");
}
