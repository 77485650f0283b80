using System.Collections.Concurrent;
using System.Globalization;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Trainables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cohort.Core.Execution;

/// <summary>
/// One worker process of a run shared by many (DESIGN.md: workers execute pure tasks; the scheduler is a fold over
/// the stored results). Any number of workers, on any machines, run this loop against one
/// <see cref="ICoordinationStore"/> and one checkpoint store every one of them can reach:
/// <list type="number">
/// <item><b>Catch up.</b> The worker keeps its own copy of the scheduler and tells it the results appended since it
/// last looked, in stored order; replaying the log rebuilds the state every other worker has.</item>
/// <item><b>Claim.</b> It claims the first pending task nobody holds (a lease that it renews by heartbeat while
/// training). A worker that dies stops renewing; when its lease expires another worker claims the task and runs it
/// from the same checkpoint. Tasks are pure, so the re-run gives the same result.</item>
/// <item><b>Train</b> with the same <see cref="TaskExecutor"/> as the one-process runner: the member's trainable stays
/// warm in memory while the member keeps coming back to this worker, otherwise its checkpoint is loaded from the shared
/// checkpoint store (hash verified); retries and the per-task timeout apply. The new checkpoint is stored durably
/// before the result is reported.</item>
/// <item><b>Report and decide</b>, in one transaction holding the run's lock: record its result as reported, catch up,
/// then tell the scheduler every reported result that is next in <see cref="IScheduler.Pending"/> order (or, with
/// <see cref="TellOrder.Completion"/>, every reported pending result in report order), appending each with the events
/// it triggered. When another worker holds the lock, the result is only recorded as reported and the worker moves on;
/// the next lock holder tells it (a worker with nothing to claim takes the lock to tell waiting reports). The
/// exploit/explore decisions are thus taken exactly once, by whoever holds the lock when their inputs are complete;
/// for synchronous PBT that is the generation's last arrival (the barrier is the stored results themselves). A
/// (member, ordinal) is recorded at most once, so no step is counted twice. The lock holder also deletes the
/// checkpoints its decisions left unreferenced (the run's <see cref="LiveCheckpoints"/> before and after, a set
/// difference), once the transaction committed; the worker that completes the run removes whatever else is left
/// (checkpoints of workers that died between storing a checkpoint and reporting it).</item>
/// </list>
/// When the transaction fails (connection lost, worker killed) nothing of it is kept; the worker rebuilds its scheduler
/// from the store and carries on. With the default <see cref="TellOrder.PendingOrder"/> the stored log is exactly that
/// of a one-process <see cref="ExperimentRunner"/> run with the same seed, however many workers came and went.
/// </summary>
public sealed class DistributedWorker
{
    private readonly ICoordinationStore _store;
    private readonly ICheckpointStore _checkpoints;
    private readonly DistributedWorkerOptions _options;
    private readonly IProgressObserver _observer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <param name="store">The shared store (PostgreSQL).</param>
    /// <param name="checkpoints">Checkpoints every worker can reach (a shared directory or the database).</param>
    /// <param name="options">Claiming and reporting options; defaults when null.</param>
    /// <param name="observer">Live progress; none when null.</param>
    /// <param name="time">Clock for back-off, heartbeats and wall time; the system clock when null.</param>
    /// <param name="logger">Claims, retries, lost leases and store failures; nothing when null.</param>
    public DistributedWorker(
        ICoordinationStore store,
        ICheckpointStore checkpoints,
        DistributedWorkerOptions? options = null,
        IProgressObserver? observer = null,
        TimeProvider? time = null,
        ILogger<DistributedWorker>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(checkpoints);
        _store = store;
        _checkpoints = checkpoints;
        _options = options ?? new DistributedWorkerOptions();
        _options.Validate();
        _observer = observer ?? NullProgressObserver.Instance;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public DistributedWorkerOptions Options => _options;

    /// <summary>
    /// Works on <paramref name="run"/> until its scheduler is finished (by this worker or others), or
    /// <paramref name="cancellationToken"/> fires (outcome <see cref="RunStatus.Cancelled"/>; the run itself goes on
    /// with the other workers, and this worker's claim is released). The run is created when missing.
    /// </summary>
    /// <param name="run">The run: name, seed, objective, spec.</param>
    /// <param name="createScheduler">Builds a fresh scheduler of the run (called again whenever the worker rebuilds).</param>
    /// <param name="factory">Builds the trainables.</param>
    /// <param name="cancellationToken">Stops this worker.</param>
    /// <returns>The run's outcome as the whole log shows it (every worker's results).</returns>
    /// <exception cref="ArgumentException">The trainable does not report the objective's metric, or rejects an initial point (before anything is stored).</exception>
    public async Task<RunOutcome> RunAsync(
        RunDefinition run,
        Func<IScheduler> createScheduler,
        ITrainableFactory factory,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(createScheduler);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentException.ThrowIfNullOrWhiteSpace(run.Name);
        // Before the store is touched, as ExperimentRunner does: the objective's metric and every initial point must be
        // what the trainable declares.
        factory.Declaration.Validate(run.Objective, createScheduler().Pending.Select(t => t.Hyperparameters));

        var session = new Session(this, run, createScheduler, factory);
        return await session.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One worker's view of one run.</summary>
    private sealed class Session(DistributedWorker worker, RunDefinition run, Func<IScheduler> createScheduler, ITrainableFactory factory)
        : ITaskCheckpoints
    {
        private readonly LiveCheckpoints _live = new();
        private readonly List<MemberFinished> _failed = [];
        private readonly ConcurrentQueue<TaskRetriedProgress> _retries = new();
        private readonly ConcurrentQueue<CheckpointRepairedProgress> _repairs = new();
        private readonly ConcurrentDictionary<string, TrainTask> _producers = new(StringComparer.Ordinal);
        private TaskExecutor _executor = null!;
        private IScheduler _scheduler = null!;
        private long _cursor;
        private int _results;
        private long _stepsTrained;
        private TaskResult? _best;
        private double _bestScore = double.NegativeInfinity;
        private readonly SortedDictionary<int, TaskResult> _latest = [];
        private long _start;
        private int _told;
        private bool _decided;

        private DistributedWorkerOptions Options => worker._options;

        private ICoordinationStore Store => worker._store;

        public async Task<RunOutcome> RunAsync(CancellationToken cancellationToken)
        {
            using var executor = new TaskExecutor(
                run,
                factory,
                new TaskExecutorOptions(1, Options.Retries, Options.TaskTimeout, Options.VerifyWeightExchange, Options.TestEvaluation, Options.StepsPerMember),
                this,
                worker._time,
                worker._logger,
                retried: _retries.Enqueue,
                producer: hash => _producers.GetValueOrDefault(hash),
                repaired: _repairs.Enqueue);
            _executor = executor;
            _start = worker._time.GetTimestamp();
            Rebuild();
            var method = _scheduler.Method;
            var record = await Store.CreateRunAsync(new RunRecord(run.Name, method, run.SpecJson), cancellationToken).ConfigureAwait(false);
            if (!string.Equals(record.Method, method, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"Run '{run.Name}' is stored as a '{record.Method}' run; a '{method}' worker cannot join it.");
            }

            await CatchUpAsync(cancellationToken).ConfigureAwait(false);
            DistributedWorkerLog.Joined(worker._logger, run.Name, Options.Owner, _results);
            worker._observer.RunStarted(new RunStartedProgress(run.Name, method, 1, _results));

            DateTimeOffset? failingSince = null;
            var backoff = TimeSpan.FromMilliseconds(200);
            while (true)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return await FinishAsync(RunStatus.Cancelled, "Cancelled.").ConfigureAwait(false);
                }

                try
                {
                    var worked = await StepAsync(cancellationToken).ConfigureAwait(false);
                    failingSince = null;
                    backoff = TimeSpan.FromMilliseconds(200);
                    if (_scheduler.IsFinished)
                    {
                        var (status, message) = RunFailures.Status(_failed, _scheduler, _latest.Count);
                        return await FinishAsync(status, message).ConfigureAwait(false);
                    }

                    if (!worked)
                    {
                        await Task.Delay(Options.PollInterval, worker._time, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return await FinishAsync(RunStatus.Cancelled, "Cancelled.").ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    // The store failed (or a decision transaction did): nothing uncommitted was kept, so the local
                    // scheduler may be ahead of the store. Rebuild it from the store and try again, for a while.
                    var now = worker._time.GetUtcNow();
                    failingSince ??= now;
                    if (now - failingSince.Value > Options.StoreOutage)
                    {
                        DistributedWorkerLog.GaveUp(worker._logger, run.Name, ex);
                        throw;
                    }

                    DistributedWorkerLog.StoreFailed(worker._logger, run.Name, backoff.TotalSeconds, ex.Message);
                    Rebuild();
                    try
                    {
                        await Task.Delay(backoff, worker._time, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return await FinishAsync(RunStatus.Cancelled, "Cancelled.").ConfigureAwait(false);
                    }

                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                }
            }
        }

        /// <summary>Catches up, claims one task, trains it and reports it. False when there was nothing to claim.</summary>
        private async Task<bool> StepAsync(CancellationToken cancellationToken)
        {
            await CatchUpAsync(cancellationToken).ConfigureAwait(false);
            if (_scheduler.IsFinished)
            {
                return true;
            }

            var pending = _scheduler.Pending;
            if (pending.Count == 0)
            {
                throw new InvalidOperationException(
                    $"Run '{run.Name}': the {_scheduler.Method} scheduler is not finished but has no pending task.");
            }

            var keys = pending.Select(TaskKey.Of).ToList();
            var index = await Store.TryClaimAsync(run.Name, keys, Options.Owner, Options.Lease, cancellationToken).ConfigureAwait(false);
            if (index < 0)
            {
                // Nothing to claim: results reported while another worker held the lock may be waiting to be told.
                var told = _results;
                await ReportAsync(null, cancellationToken).ConfigureAwait(false);
                return _results > told;
            }

            var task = pending[index];
            DistributedWorkerLog.Claimed(worker._logger, run.Name, Options.Owner, task.Member, task.Ordinal);
            worker._observer.TaskStarted(new TaskStartedProgress(run.Name, task));
            TaskResult? result;
            try
            {
                result = await TrainWithHeartbeatAsync(task, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await Store.ReleaseClaimAsync(run.Name, TaskKey.Of(task), Options.Owner, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            finally
            {
                while (_retries.TryDequeue(out var retry))
                {
                    worker._observer.TaskRetried(retry);
                }

                while (_repairs.TryDequeue(out var repair))
                {
                    worker._observer.CheckpointRepaired(repair);
                }
            }

            if (result is null)
            {
                return true; // the lease was lost: another worker runs the task
            }

            await ReportAsync(result, cancellationToken).ConfigureAwait(false);
            return true;
        }

        /// <summary>Reads the results appended since the cursor and tells them to the local scheduler.</summary>
        private async Task CatchUpAsync(CancellationToken cancellationToken)
        {
            var appended = await Store.ReadResultsAfterAsync(run.Name, _cursor, cancellationToken).ConfigureAwait(false);
            Replay(appended);
        }

        private void Replay(IReadOnlyList<SequencedResult> appended)
        {
            foreach (var stored in appended)
            {
                try
                {
                    RunFailures.Collect(_scheduler.Tell(stored.Result), _failed);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    throw new InvalidOperationException(
                        $"Run '{run.Name}': the {_scheduler.Method} scheduler rejected stored result {stored.Result.Task.Member}/{stored.Result.Task.Ordinal}: {ex.Message}",
                        ex);
                }

                _cursor = stored.Sequence;
                Track(stored.Result);
            }
        }

        /// <summary>
        /// In one transaction holding the run's lock: report the result, catch up, and tell what may be told now.
        /// On failure the local scheduler may hold uncommitted tells, so the caller rebuilds it.
        /// </summary>
        private async Task ReportAsync(TaskResult? mine, CancellationToken cancellationToken)
        {
            var finished = new List<TaskResult>();
            var dead = new HashSet<string>(StringComparer.Ordinal);
            HashSet<string>? live = null;
            var reportedMine = true;
            var completed = false;
            _decided = false;
            var (acquired, _) = await Store.TryCoordinateAsync(
                run.Name,
                async (c, ct) =>
                {
                    reportedMine = mine is null || await c.ReportAsync(mine, ct).ConfigureAwait(false);

                    Replay(await c.ReadResultsAfterAsync(_cursor, ct).ConfigureAwait(false));
                    dead.Clear();
                    dead.UnionWith(_live.Compute(_scheduler));
                    if (!reportedMine && mine?.Checkpoint is { } rejected && !_scheduler.Pending.Contains(mine.Task))
                    {
                        // A duplicate of a task already told (this worker lost its lease): kept only if referenced.
                        dead.Add(rejected.Hash);
                    }

                    var reported = await c.ReadReportedAsync(ct).ConfigureAwait(false);
                    var toAppend = new List<ToldResult>();
                    var pending = _scheduler.Pending;
                    var pendingKeys = pending.Select(TaskKey.Of).ToHashSet();

                    // Which reports to read and tell: the reported prefix of the pending list (tell order is pending
                    // order), or every reported pending task in report order (completion order).
                    List<TaskKey> toTell;
                    if (Options.TellOrder == TellOrder.PendingOrder)
                    {
                        var reportedSet = reported.ToHashSet();
                        toTell = pending.Select(TaskKey.Of).TakeWhile(reportedSet.Contains).ToList();
                    }
                    else
                    {
                        toTell = reported.Where(pendingKeys.Contains).ToList();
                    }

                    foreach (var report in await c.ReadReportsAsync(toTell, ct).ConfigureAwait(false))
                    {
                        var position = Options.TellOrder == TellOrder.PendingOrder
                            ? (_scheduler.Pending.Count > 0 && _scheduler.Pending[0].Equals(report.Task) ? 0 : -1)
                            : IndexOf(_scheduler.Pending, report.Task);
                        if (position < 0)
                        {
                            // Same key, different task (the scheduler re-issued it) or no longer pending: never told.
                            await DiscardAsync(c, TaskKey.Of(report.Task), dead, ct).ConfigureAwait(false);
                            if (Options.TellOrder == TellOrder.PendingOrder)
                            {
                                break;
                            }

                            continue;
                        }

                        toAppend.Add(Tell(report));
                        finished.Add(report);
                    }

                    await AppendAsync(c, toAppend, ct).ConfigureAwait(false);

                    // Reports of tasks the scheduler no longer lists (withdrawn) can never be told.
                    var pendingNow = _scheduler.Pending.Select(TaskKey.Of).ToHashSet();
                    var told = finished.Select(r => TaskKey.Of(r.Task)).ToHashSet();
                    foreach (var key in reported)
                    {
                        if (!pendingNow.Contains(key) && !told.Contains(key))
                        {
                            await DiscardAsync(c, key, dead, ct).ConfigureAwait(false);
                        }
                    }

                    live = _live.Compute(_scheduler);
                    dead.ExceptWith(live);
                    if (_scheduler.IsFinished)
                    {
                        var (status, message) = RunFailures.Status(_failed, _scheduler, _latest.Count);
                        await c.CompleteRunAsync(status, message, ct).ConfigureAwait(false);
                        completed = true;
                    }

                    if (_decided && Options.DecisionDelay > TimeSpan.Zero)
                    {
                        DistributedWorkerLog.Deciding(worker._logger, run.Name, Options.Owner, finished.Count);
                        await Task.Delay(Options.DecisionDelay, worker._time, ct).ConfigureAwait(false);
                    }

                    return finished.Count;
                },
                cancellationToken).ConfigureAwait(false);
            if (!acquired)
            {
                // Another worker is deciding: leave the result reported; that worker, or whoever next holds the lock
                // (an idle worker checks), tells it. Nobody waits on the lock.
                if (mine is not null)
                {
                    await Store.ReportAsync(run.Name, mine, cancellationToken).ConfigureAwait(false);
                }

                return;
            }

            _told += finished.Count;
            foreach (var result in finished)
            {
                ReportProgress(result);
            }

            // Committed: the checkpoints the decisions let go can go (a crash here only leaves them for the sweep).
            CollectAfterCommit(dead, live!, mine, completed);
        }

        /// <summary>Drops a report that can never be told; its checkpoint becomes a candidate for deletion.</summary>
        private static async Task DiscardAsync(IRunCoordination c, TaskKey key, HashSet<string> dead, CancellationToken ct)
        {
            if (await c.DiscardReportAsync(key, ct).ConfigureAwait(false) is { } checkpoint)
            {
                dead.Add(checkpoint.Hash);
            }
        }

        /// <summary>
        /// After a committed decision: deletes the checkpoints it left unreferenced and lets go of warm trainables that
        /// hold none of the live ones. The worker that completed the run also removes every other checkpoint of the
        /// run that is not live (left by workers that died between storing a checkpoint and reporting it).
        /// </summary>
        private void CollectAfterCommit(HashSet<string> dead, HashSet<string> live, TaskResult? mine, bool completed)
        {
            if (completed)
            {
                dead.UnionWith(worker._checkpoints.List(run.Name));
                dead.ExceptWith(live);
            }

            if (dead.Count > 0)
            {
                worker._checkpoints.Delete(run.Name, dead);
                DistributedWorkerLog.Collected(worker._logger, run.Name, Options.Owner, dead.Count);
            }

            if (mine?.Checkpoint is { } own)
            {
                live.Add(own.Hash); // the member's next task may come back here
            }

            _executor.Evict(live);
        }

        byte[] ITaskCheckpoints.Read(CheckpointRef checkpoint) => worker._checkpoints.Read(run.Name, checkpoint);

        // Stored durably before the result is reported: another worker may start from it at once.
        void ITaskCheckpoints.Written(CheckpointBytes checkpoint) => worker._checkpoints.Put(run.Name, [checkpoint]);

        byte[]? ITaskCheckpoints.Spare(int length) => null;

        void ITaskCheckpoints.Repaired(CheckpointBytes checkpoint)
        {
            worker._checkpoints.Delete(run.Name, [checkpoint.Checkpoint.Hash]);
            worker._checkpoints.Put(run.Name, [checkpoint]);
        }

        private static int IndexOf(IReadOnlyList<TrainTask> pending, TrainTask task)
        {
            for (var i = 0; i < pending.Count; i++)
            {
                if (pending[i].Equals(task))
                {
                    return i;
                }
            }

            return -1;
        }

        private ToldResult Tell(TaskResult result)
        {
            var events = _scheduler.Tell(result);
            Track(result);
            var failedBefore = _failed.Count;
            RunFailures.Collect(events, _failed);
            for (var i = failedBefore; i < _failed.Count; i++)
            {
                var excluded = _failed[i];
                worker._observer.MemberExcluded(new MemberExcludedProgress(run.Name, excluded.Member, excluded.Step, excluded.Message ?? "no message"));
            }

            if (events.Any(e => e is Exploited or Explored or Bred))
            {
                _decided = true;
                DistributedWorkerLog.Decided(worker._logger, run.Name, Options.Owner, result.Task.Member, result.Task.Ordinal, events.Count);
            }

            return new ToldResult(result, events);
        }

        /// <summary>Appends what this lock holder told, in one round trip; a task recorded meanwhile is a broken invariant.</summary>
        private async Task AppendAsync(IRunCoordination c, List<ToldResult> told, CancellationToken ct)
        {
            if (told.Count == 0)
            {
                return;
            }

            var sequences = await c.AppendBatchAsync(told, ct).ConfigureAwait(false);
            for (var i = 0; i < told.Count; i++)
            {
                var task = told[i].Result.Task;
                _cursor = sequences[i] ?? throw new InvalidOperationException(
                    $"Run '{run.Name}': member {task.Member} task {task.Ordinal} was recorded by another worker while this one held the run lock.");
            }
        }

        /// <summary>Trains <paramref name="task"/> on a thread pool thread while renewing its claim; null when the claim was lost.</summary>
        private async Task<TaskResult?> TrainWithHeartbeatAsync(TrainTask task, CancellationToken cancellationToken)
        {
            using var training = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var work = _executor.ExecuteAsync(task, training.Token);
            var lost = false;
            var key = TaskKey.Of(task);
            while (!work.IsCompleted)
            {
                var beat = Task.Delay(Options.Heartbeat, worker._time, CancellationToken.None);
                if (await Task.WhenAny(work, beat).ConfigureAwait(false) == work)
                {
                    break;
                }

                bool renewed;
                try
                {
                    renewed = await Store.RenewClaimAsync(run.Name, key, Options.Owner, Options.Lease, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The store is unreachable: keep training; the report will retry, and a duplicate is harmless.
                    DistributedWorkerLog.RenewFailed(worker._logger, run.Name, task.Member, task.Ordinal, ex.Message);
                    continue;
                }

                if (!renewed)
                {
                    lost = true;
                    DistributedWorkerLog.LeaseLost(worker._logger, run.Name, Options.Owner, task.Member, task.Ordinal);
                    await training.CancelAsync().ConfigureAwait(false);
                    break;
                }
            }

            try
            {
                var result = await work.ConfigureAwait(false);
                return lost ? null : result;
            }
            catch (OperationCanceledException) when (lost && !cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }

        private void Rebuild()
        {
            _scheduler = createScheduler();
            _cursor = 0;
            _results = 0;
            _stepsTrained = 0;
            _best = null;
            _bestScore = double.NegativeInfinity;
            _latest.Clear();
            _live.Clear();
            _failed.Clear();
        }

        private void Track(TaskResult result)
        {
            _results++;
            if (result.Outcome != TaskOutcome.Failed)
            {
                _stepsTrained += result.Task.Steps;
            }

            _latest[result.Task.Member] = result;
            _live.Told(result);
            if (result.Checkpoint is { } checkpoint)
            {
                _producers.TryAdd(checkpoint.Hash, result.Task);
            }
            var score = run.Objective.Score(result);
            if (score > _bestScore)
            {
                _bestScore = score;
                _best = result;
            }
        }

        private void ReportProgress(TaskResult result) =>
            worker._observer.TaskFinished(new TaskFinishedProgress(
                run.Name, result, run.Objective.Score(result), _best?.Task.Member, _bestScore, _results, _stepsTrained,
                worker._time.GetElapsedTime(_start)));

        private async Task<RunOutcome> FinishAsync(RunStatus status, string? message)
        {
            double wall = worker._time.GetElapsedTime(_start).TotalSeconds;
            if (status == RunStatus.Completed)
            {
                try
                {
                    var record = (await Store.GetRunsAsync(CancellationToken.None).ConfigureAwait(false))
                        .FirstOrDefault(r => string.Equals(r.Name, run.Name, StringComparison.Ordinal));
                    wall = record?.WallSeconds ?? wall;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    DistributedWorkerLog.StoreFailed(worker._logger, run.Name, 0, ex.Message);
                }
            }

            var outcome = new RunOutcome(run.Name, status, message, _results, 0, _stepsTrained, wall, _best, _bestScore, _latest.Values.ToList());
            DistributedWorkerLog.Left(worker._logger, run.Name, Options.Owner, status, _told, _results);
            worker._observer.RunFinished(outcome);
            return outcome;
        }

    }
}

/// <summary>The distributed worker's log messages (source-generated).</summary>
internal static partial class DistributedWorkerLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Run {Run}: worker {Owner} joined; {Results} result(s) in the log")]
    public static partial void Joined(ILogger logger, string run, string owner, int results);

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "Run {Run}: worker {Owner} claimed member {Member} task {Ordinal}")]
    public static partial void Claimed(ILogger logger, string run, string owner, int member, int ordinal);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Run {Run}: worker {Owner} lost its lease on member {Member} task {Ordinal}; another worker runs it")]
    public static partial void LeaseLost(ILogger logger, string run, string owner, int member, int ordinal);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Run {Run}: the store failed ({Error}); rebuilding from the store in {Seconds:0.#} s")]
    public static partial void StoreFailed(ILogger logger, string run, double seconds, string error);

    [LoggerMessage(EventId = 105, Level = LogLevel.Error, Message = "Run {Run}: the store kept failing; this worker gives up")]
    public static partial void GaveUp(ILogger logger, string run, Exception exception);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "Run {Run}: member {Member} task {Ordinal}: renewing the claim failed ({Error})")]
    public static partial void RenewFailed(ILogger logger, string run, int member, int ordinal, string error);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "Run {Run}: member {Member} task {Ordinal} attempt {Attempt} failed: {Error}")]
    public static partial void AttemptFailed(ILogger logger, string run, int member, int ordinal, int attempt, string error);

    [LoggerMessage(EventId = 108, Level = LogLevel.Information, Message = "Run {Run}: worker {Owner} told member {Member} task {Ordinal}: {Events} decision event(s)")]
    public static partial void Decided(ILogger logger, string run, string owner, int member, int ordinal, int events);

    [LoggerMessage(EventId = 109, Level = LogLevel.Information, Message = "Run {Run}: worker {Owner} deciding ({Results} result(s) told, holding the run lock)")]
    public static partial void Deciding(ILogger logger, string run, string owner, int results);

    [LoggerMessage(EventId = 111, Level = LogLevel.Debug, Message = "Run {Run}: worker {Owner} deleted {Count} checkpoint(s) nothing references")]
    public static partial void Collected(ILogger logger, string run, string owner, int count);

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Run {Run}: worker {Owner} left ({Status}); it told {Told} of {Results} result(s)")]
    public static partial void Left(ILogger logger, string run, string owner, RunStatus status, int told, int results);
}
