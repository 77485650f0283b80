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
/// <item><b>Train</b> from the task's checkpoint (loaded from the checkpoint store, hash verified), save the new
/// checkpoint.</item>
/// <item><b>Report and decide</b>, in one transaction holding the run's lock: record its result as reported, catch up,
/// then tell the scheduler every reported result that is next in <see cref="IScheduler.Pending"/> order (or, with
/// <see cref="TellOrder.Completion"/>, every reported pending result in report order), appending each with the events
/// it triggered. When another worker holds the lock, the result is only recorded as reported and the worker moves on;
/// the next lock holder tells it (a worker with nothing to claim takes the lock to tell waiting reports). The
/// exploit/explore decisions are thus taken exactly once, by whoever holds the lock when their inputs are complete;
/// for synchronous PBT that is the generation's last arrival (the barrier is the stored results themselves). A
/// (member, ordinal) is recorded at most once, so no step is counted twice.</item>
/// </list>
/// When the transaction fails (connection lost, worker killed) nothing of it is kept; the worker rebuilds its scheduler
/// from the store and carries on. With the default <see cref="TellOrder.PendingOrder"/> the stored log is exactly that
/// of a one-process <see cref="ExperimentRunner"/> run with the same seed, however many workers came and went.
/// </summary>
public sealed class DistributedWorker
{
    private static readonly ulong InitPurpose = Randomness.Seeds.Purpose("init");


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
        if (!factory.Metrics.Contains(run.Objective.Metric, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"The objective metric '{run.Objective.Metric}' is not one the trainables report ({string.Join(", ", factory.Metrics)}).",
                nameof(run));
        }

        var session = new Session(this, run, createScheduler, factory);
        return await session.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One worker's view of one run.</summary>
    private sealed class Session(DistributedWorker worker, RunDefinition run, Func<IScheduler> createScheduler, ITrainableFactory factory)
    {
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
                        return await FinishAsync(RunStatus.Completed, null).ConfigureAwait(false);
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
                    _ = _scheduler.Tell(stored.Result);
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
            _decided = false;
            var (acquired, _) = await Store.TryCoordinateAsync(
                run.Name,
                async (c, ct) =>
                {
                    if (mine is not null)
                    {
                        await c.ReportAsync(mine, ct).ConfigureAwait(false);
                    }

                    Replay(await c.ReadResultsAfterAsync(_cursor, ct).ConfigureAwait(false));
                    var reported = await c.ReadReportedAsync(ct).ConfigureAwait(false);
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
                            await c.DiscardReportAsync(TaskKey.Of(report.Task), ct).ConfigureAwait(false);
                            if (Options.TellOrder == TellOrder.PendingOrder)
                            {
                                break;
                            }

                            continue;
                        }

                        await TellAndAppendAsync(c, report, finished, ct).ConfigureAwait(false);
                    }

                    // Reports of tasks the scheduler no longer lists (withdrawn) can never be told.
                    var pendingNow = _scheduler.Pending.Select(TaskKey.Of).ToHashSet();
                    var told = finished.Select(r => TaskKey.Of(r.Task)).ToHashSet();
                    foreach (var key in reported)
                    {
                        if (!pendingNow.Contains(key) && !told.Contains(key))
                        {
                            await c.DiscardReportAsync(key, ct).ConfigureAwait(false);
                        }
                    }

                    if (_scheduler.IsFinished)
                    {
                        await c.CompleteRunAsync(ct).ConfigureAwait(false);
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

        private async Task TellAndAppendAsync(IRunCoordination c, TaskResult result, List<TaskResult> finished, CancellationToken ct)
        {
            var events = _scheduler.Tell(result);
            var sequence = await c.AppendAsync(result, events, ct).ConfigureAwait(false)
                ?? throw new InvalidOperationException(
                    $"Run '{run.Name}': member {result.Task.Member} task {result.Task.Ordinal} was recorded by another worker while this one held the run lock.");
            _cursor = sequence;
            Track(result);
            finished.Add(result);
            if (events.Any(e => e is Exploited or Explored or Bred))
            {
                _decided = true;
                DistributedWorkerLog.Decided(worker._logger, run.Name, Options.Owner, result.Task.Member, result.Task.Ordinal, events.Count);
            }
        }

        /// <summary>Trains <paramref name="task"/> on a thread pool thread while renewing its claim; null when the claim was lost.</summary>
        private async Task<TaskResult?> TrainWithHeartbeatAsync(TrainTask task, CancellationToken cancellationToken)
        {
            using var training = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var work = Task.Factory.StartNew(
                () => Execute(task, training.Token),
                training.Token,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
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

        /// <summary>Runs a task with retries; a task that keeps throwing is reported as failed.</summary>
        private TaskResult Execute(TrainTask task, CancellationToken cancellationToken)
        {
            var attempts = Options.Retries + 1;
            string? lastError = null;
            for (var attempt = 1; attempt <= attempts; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    return ExecuteOnce(task, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (WeightExchangeException ex)
                {
                    return Failed(task, ex.Message);
                }
                catch (Exception ex)
                {
                    lastError = $"{ex.GetType().Name}: {ex.Message}";
                    DistributedWorkerLog.AttemptFailed(worker._logger, run.Name, task.Member, task.Ordinal, attempt, lastError);
                }
            }

            return Failed(task, string.Create(
                CultureInfo.InvariantCulture,
                $"Member {task.Member} task {task.Ordinal} (steps {task.StartStep}..{task.EndStep}) failed after {attempts} attempt(s): {lastError}"));
        }

        private static TaskResult Failed(TrainTask task, string message) =>
            new(task, TaskOutcome.Failed, TaskExecution.EmptyMetrics, TaskExecution.EmptyMetrics, null, message);

        /// <summary>Fresh or loaded trainable → train → evaluate → checkpoint. As <see cref="ExperimentRunner"/> does it.</summary>
        private TaskResult ExecuteOnce(TrainTask task, CancellationToken cancellationToken)
        {
            using var trainable = factory.Create(Randomness.Seeds.Derive(run.Seed, (ulong)task.Member, InitPurpose));
            if (task.From is not null && task.OptimizerStateFrom is { } stateFrom)
            {
                // An exploit that takes only the donor's weights: the member's own state, then the donor's weights.
                if (trainable is not IWeightTransfer transfer)
                {
                    throw new InvalidOperationException(
                        $"Member {task.Member}: copy_optimizer_state false needs a trainable that can take weights alone ({trainable.GetType().Name} cannot).");
                }

                using (var stream = new MemoryStream(worker._checkpoints.Read(stateFrom), writable: false))
                {
                    trainable.Load(stream);
                }

                using (var stream = new MemoryStream(worker._checkpoints.Read(task.From), writable: false))
                {
                    transfer.LoadWeights(stream);
                }
            }
            else if (task.From is not null)
            {
                using (var stream = new MemoryStream(worker._checkpoints.Read(task.From), writable: false))
                {
                    trainable.Load(stream);
                }

                if (Options.VerifyWeightExchange)
                {
                    var actual = Hashing.Sha256Hex(TaskExecution.SaveBytes(trainable));
                    if (!string.Equals(actual, task.From.Hash, StringComparison.Ordinal))
                    {
                        throw new WeightExchangeException(
                            $"Member {task.Member} task {task.Ordinal}: after loading checkpoint {task.From.Hash}, its state hashes to {actual}; the weights were not exchanged correctly.");
                    }
                }
            }

            if (trainable.Step != task.StartStep)
            {
                throw new InvalidOperationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Member {task.Member} task {task.Ordinal} should start at step {task.StartStep} but its state is at step {trainable.Step}."));
            }

            var (validation, test, diverged) = TaskExecution.TrainAndEvaluate(
                trainable, task, run.Objective.Metric, TaskExecution.EvaluatesTest(task, factory.HasTestSet, Options.TestEvaluation, Options.StepsPerMember), cancellationToken);
            if (diverged is not null)
            {
                return new TaskResult(task, TaskOutcome.Diverged, validation, test, null, diverged);
            }

            var checkpoint = worker._checkpoints.Put(TaskExecution.SaveBytes(trainable), trainable.Step);
            return new TaskResult(task, TaskOutcome.Completed, validation, test, checkpoint);
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
        }

        private void Track(TaskResult result)
        {
            _results++;
            if (result.Outcome != TaskOutcome.Failed)
            {
                _stepsTrained += result.Task.Steps;
            }

            _latest[result.Task.Member] = result;
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

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Run {Run}: worker {Owner} left ({Status}); it told {Told} of {Results} result(s)")]
    public static partial void Left(ILogger logger, string run, string owner, RunStatus status, int told, int results);
}
