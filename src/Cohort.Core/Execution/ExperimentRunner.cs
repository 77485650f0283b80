using System.Collections.Concurrent;
using System.Globalization;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Trainables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cohort.Core.Execution;

/// <summary>
/// Runs one run — an <see cref="IScheduler"/> — to completion on a pool of workers (DESIGN.md: workers execute pure
/// tasks and know nothing about PBT).
/// <list type="bullet">
/// <item>The scheduler is only touched from the driver loop, one call at a time: a <see cref="TaskExecutor"/> runs
/// tasks (members' trainables kept warm, weights exchanged in memory, retries, timeout), the driver tells results in a
/// deterministic order (<see cref="RunnerOptions.TellOrder"/>) and hands out what the scheduler asks for next.</item>
/// <item>Durability comes in groups (issue 12): told results and the events they triggered are appended to the store
/// in one transaction per batch (<see cref="RunnerOptions.CommitInterval"/>, <see cref="RunnerOptions.CommitBatchSize"/>),
/// written behind while training goes on. A task's checkpoint stays in memory; a commit at least
/// <see cref="RunnerOptions.CheckpointInterval"/> after the last one that did (and the run's last commit) first stores
/// the checkpoints the run still references (<see cref="LiveCheckpoints"/>) and are not stored yet, then the results,
/// then deletes the stored checkpoints nothing references any more. A crash loses at most the batches not committed
/// and the checkpoints written since the last commit that stored them; tasks are pure, so resuming runs them again
/// with the same results (docs/determinism.md, "What a crash costs").</item>
/// <item>Starting is also resuming: the run's stored checkpoints are listed (the only scan), its stored results are
/// replayed into the (fresh) scheduler, the checkpoints it references that a crash left unstored are recomputed from
/// the tasks that wrote them, what else a crash left behind is deleted, and tasks that were in flight or not committed
/// are simply run again.</item>
/// <item>A task that throws or times out is retried with the same inputs, then reported as failed; a non-finite
/// objective is reported as diverged. Cancellation stops the workers between steps, commits what was told and
/// records the run as cancelled; a result is stored whole or not at all.</item>
/// </list>
/// </summary>
public sealed class ExperimentRunner
{
    private readonly ICheckpointStore _checkpoints;
    private readonly IExperimentStore _store;
    private readonly RunnerOptions _options;
    private readonly IProgressObserver _observer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <param name="checkpoints">Where checkpoints are stored durably and read.</param>
    /// <param name="store">Where results and events are appended (and read back on resume).</param>
    /// <param name="options">Execution options; defaults when null.</param>
    /// <param name="observer">Live progress; none when null.</param>
    /// <param name="time">Clock for wall time, timeouts and commit intervals; the system clock when null.</param>
    /// <param name="logger">Retries, failures, weight exchanges and commits; nothing when null.</param>
    public ExperimentRunner(
        ICheckpointStore checkpoints,
        IExperimentStore store,
        RunnerOptions? options = null,
        IProgressObserver? observer = null,
        TimeProvider? time = null,
        ILogger<ExperimentRunner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(store);
        _checkpoints = checkpoints;
        _store = store;
        _options = options ?? new RunnerOptions();
        _options.Validate();
        _observer = observer ?? NullProgressObserver.Instance;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public RunnerOptions Options => _options;

    /// <summary>
    /// Runs (or resumes) <paramref name="run"/> until <paramref name="scheduler"/> is finished or
    /// <paramref name="cancellationToken"/> fires. <paramref name="scheduler"/> must be fresh (nothing told yet): the
    /// run's stored results are replayed into it first. Cancellation is not an exception: the outcome says
    /// <see cref="RunStatus.Cancelled"/>. An internal failure (the scheduler or the store throws, the replayed
    /// decisions differ from the logged ones, or the scheduler is not finished yet has nothing pending) records the
    /// run as failed and rethrows.
    /// </summary>
    public async Task<RunOutcome> RunAsync(
        RunDefinition run,
        IScheduler scheduler,
        ITrainableFactory factory,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentException.ThrowIfNullOrWhiteSpace(run.Name);
        // Before anything trains: the objective's metric and every initial point must be what the trainable declares.
        factory.Declaration.Validate(run.Objective, scheduler.Pending.Select(t => t.Hyperparameters));

        var session = new RunSession(this, run, scheduler, factory);
        return await session.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The state of one run while it executes; everything here belongs to the driver loop.</summary>
    private sealed class RunSession
    {
        /// <summary>Told results between two looks for dead checkpoints to recycle (<see cref="CheckpointLedger.Recycle"/>).</summary>
        private const int RecycleEvery = 16;

        /// <summary>A commit of results only.</summary>
        private static readonly LedgerCut NoCheckpoints = new([], []);

        private readonly ExperimentRunner _runner;
        private readonly RunDefinition _run;
        private readonly IScheduler _scheduler;
        private readonly ITrainableFactory _factory;
        private readonly CheckpointLedger _ledger;
        private readonly LiveCheckpoints _live = new();
        private readonly HashSet<string> _liveScratch = new(StringComparer.Ordinal);
        private int _recycledAt;

        private readonly SortedDictionary<int, TaskResult> _latest = [];
        private readonly List<MemberFinished> _failed = [];
        private readonly ConcurrentQueue<TaskRetriedProgress> _retries = new();
        private readonly ConcurrentQueue<CheckpointRepairedProgress> _repairs = new();

        // Which told task produced each checkpoint: what recomputes a corrupt one (tasks are pure).
        private readonly ConcurrentDictionary<string, TrainTask> _producers = new(StringComparer.Ordinal);
        private TaskResult? _best;
        private double _bestScore = double.NegativeInfinity;
        private int _results;
        private long _stepsTrained;
        private long _startTimestamp;

        // Group commit: results told since the last cut, when the first of them was told, and the commit in flight.
        private List<ToldResult> _batch = [];
        private long _batchStarted;
        private Task _commit = Task.CompletedTask;

        // When a commit last stored the run's live checkpoints (RunnerOptions.CheckpointInterval).
        private long _checkpointsCut;

        // TellReady's scratch: the pending tasks by member and ordinal, and the completed results no longer pending.
        private readonly Dictionary<(int Member, int Ordinal), TrainTask> _pendingByKey = [];
        private readonly List<(int Member, int Ordinal)> _withdrawn = [];

        public RunSession(ExperimentRunner runner, RunDefinition run, IScheduler scheduler, ITrainableFactory factory)
        {
            _runner = runner;
            _run = run;
            _scheduler = scheduler;
            _factory = factory;
            _ledger = new CheckpointLedger(runner._checkpoints, run.Name);
        }

        private RunnerOptions Options => _runner._options;

        private ILogger Logger => _runner._logger;

        private TimeSpan Elapsed => _runner._time.GetElapsedTime(_startTimestamp);

        public async Task<RunOutcome> RunAsync(CancellationToken cancellationToken)
        {
            _startTimestamp = _runner._time.GetTimestamp();
            var store = _runner._store;
            var record = await store.CreateRunAsync(new RunRecord(_run.Name, _scheduler.Method, _run.SpecJson), cancellationToken)
                .ConfigureAwait(false);
            if (!string.Equals(record.Method, _scheduler.Method, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"Run '{_run.Name}' is stored as a '{record.Method}' run; it cannot be resumed with a '{_scheduler.Method}' scheduler.");
            }

            var previousWall = record.WallSeconds;

            // Workers stop on the caller's token, and also when the driver fails.
            using var workers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var inbox = new ResultInbox(lowWater: 2 * Options.Workers, wakeBatch: Math.Max(8, 4 * Options.Workers));
            using var executor = new TaskExecutor(
                _run,
                _factory,
                new TaskExecutorOptions(Options.Workers, Options.Retries, Options.TaskTimeout, Options.VerifyWeightExchange, Options.TestEvaluation, Options.StepsPerMember),
                _ledger,
                _runner._time,
                Logger,
                inbox.Add,
                _retries.Enqueue,
                hash => _producers.GetValueOrDefault(hash),
                _repairs.Enqueue);
            var running = new Dictionary<(int Member, int Ordinal), InFlight>();
            var replayed = 0;
            RunStatus status;
            string? message = null;
            try
            {
                _ledger.Scan();
                replayed = await ReplayAsync(cancellationToken).ConfigureAwait(false);
                var rerun = Restore(executor);
                await CutAsync(storeCheckpoints: true).ConfigureAwait(false); // removes what a crash left in the checkpoint store
                ExperimentRunnerLog.RunStarting(Logger, _run.Name, _scheduler.Method, Options.Workers, replayed);
                _runner._observer.RunStarted(new RunStartedProgress(_run.Name, _scheduler.Method, Options.Workers, replayed, rerun));
                await DriveAsync(executor, inbox, running, workers.Token, cancellationToken).ConfigureAwait(false);
                await CutAsync(storeCheckpoints: true).ConfigureAwait(false);
                await _commit.ConfigureAwait(false);
                ReportRetries();
                (status, message) = RunFailures.Status(_failed, _scheduler, _latest.Count);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                status = RunStatus.Cancelled;
                message = "Cancelled.";
                await DrainAsync(running).ConfigureAwait(false);
                await CutAsync(storeCheckpoints: true).ConfigureAwait(false); // what was told is kept
                await _commit.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                ExperimentRunnerLog.RunFailed(Logger, _run.Name, ex);
                await workers.CancelAsync().ConfigureAwait(false);
                await DrainAsync(running).ConfigureAwait(false);
                await ObserveAsync(_commit).ConfigureAwait(false);
                var wall = previousWall + Elapsed.TotalSeconds;
                await store.FinishRunAsync(_run.Name, RunStatus.Failed, ex.Message, wall, CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            var wallSeconds = previousWall + Elapsed.TotalSeconds;
            await store.FinishRunAsync(_run.Name, status, message, wallSeconds, CancellationToken.None).ConfigureAwait(false);
            var outcome = new RunOutcome(
                _run.Name,
                status,
                message,
                _results,
                replayed,
                _stepsTrained,
                wallSeconds,
                _best,
                _bestScore,
                _latest.Values.ToList());
            ExperimentRunnerLog.RunEnded(Logger, _run.Name, status, _results, wallSeconds);
            _runner._observer.RunFinished(outcome);
            return outcome;
        }

        /// <summary>
        /// Resume, after replaying: the checkpoints the run references that the store lacks, because the last session
        /// ended between two commits that stored checkpoints (a crash), are recomputed from the stored results' tasks
        /// before anything else runs, while the checkpoints they start from are still stored.
        /// </summary>
        /// <returns>How many tasks were re-run.</returns>
        private int Restore(TaskExecutor executor)
        {
            var missing = _live.References(_scheduler).Where(c => !_ledger.Holds(c.Hash)).ToList();
            if (missing.Count == 0)
            {
                return 0;
            }

            var started = _runner._time.GetTimestamp();
            var tasks = executor.Restore(missing, _ledger.Holds);
            var seconds = _runner._time.GetElapsedTime(started).TotalSeconds;
            ExperimentRunnerLog.CheckpointsRestored(Logger, _run.Name, missing.Count, tasks, seconds);
            return tasks;
        }

        /// <summary>
        /// Resume: replays the stored results into the fresh scheduler in their stored order. The decisions it takes
        /// again must be the ones already logged (when <see cref="RunnerOptions.VerifyReplay"/>): a mismatch means the
        /// scheduler or its spec changed, or it is not deterministic, and continuing would corrupt the run.
        /// </summary>
        private async Task<int> ReplayAsync(CancellationToken cancellationToken)
        {
            var store = _runner._store;
            var stored = await store.ReadResultsAsync(_run.Name, cancellationToken).ConfigureAwait(false);
            if (stored.Count == 0)
            {
                return 0;
            }

            var logged = Options.VerifyReplay
                ? (await store.ReadEventsAsync(_run.Name, cancellationToken).ConfigureAwait(false)).Select(e => e.Event).ToList()
                : [];
            var next = 0;
            foreach (var result in stored)
            {
                IReadOnlyList<RunEvent> events;
                try
                {
                    events = _scheduler.Tell(result);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    throw new InvalidOperationException(
                        $"Run '{_run.Name}' cannot be resumed: the {_scheduler.Method} scheduler rejected stored result {result.Task.Member}/{result.Task.Ordinal}: {ex.Message}",
                        ex);
                }

                Track(result);
                RunFailures.Collect(events, _failed);
                if (!Options.VerifyReplay)
                {
                    continue;
                }

                foreach (var decided in events)
                {
                    if (next >= logged.Count || !decided.Equals(logged[next]))
                    {
                        var expected = next < logged.Count ? logged[next].ToString() : "no further event";
                        throw new InvalidOperationException(string.Create(
                            CultureInfo.InvariantCulture,
                            $"Run '{_run.Name}' cannot be resumed: replaying result {result.Task.Member}/{result.Task.Ordinal}, the {_scheduler.Method} scheduler decided {decided} where the log has {expected}."));
                    }

                    next++;
                }
            }

            if (Options.VerifyReplay && next != logged.Count)
            {
                throw new InvalidOperationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Run '{_run.Name}' cannot be resumed: replaying {stored.Count} result(s) gave {next} event(s) but the log has {logged.Count}."));
            }

            return stored.Count;
        }

        /// <summary>
        /// The driver loop: tell what may be told, cut a commit when one is due, queue every pending task that is not
        /// queued yet (one per member; the executor runs them in this order), then wait for results.
        /// </summary>
        private async Task DriveAsync(
            TaskExecutor executor,
            ResultInbox inbox,
            Dictionary<(int Member, int Ordinal), InFlight> running,
            CancellationToken workerToken,
            CancellationToken cancellationToken)
        {
            var completed = new Dictionary<(int Member, int Ordinal), TaskResult>();
            var completionOrder = new List<TaskResult>();
            var busyMembers = new HashSet<int>();
            var arrived = new List<TaskResult>();

            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                TellReady(completed, completionOrder, cancellationToken);
                if (_results - _recycledAt >= RecycleEvery)
                {
                    // Checkpoints that died since: their buffers serve the next saves, long before the next commit.
                    _ledger.Recycle(_live.Compute(_scheduler, _liveScratch));
                    _recycledAt = _results;
                }

                if (_batch.Count >= Options.CommitBatchSize || (_batch.Count > 0 && _runner._time.GetElapsedTime(_batchStarted) >= Options.CommitInterval))
                {
                    await CutAsync(storeCheckpoints: _runner._time.GetElapsedTime(_checkpointsCut) >= Options.CheckpointInterval).ConfigureAwait(false);
                }

                if (_scheduler.IsFinished && running.Count == 0)
                {
                    foreach (var leftover in completed.Values)
                    {
                        _ledger.Released(leftover.Checkpoint);
                    }

                    return;
                }

                // Tasks that take another member's checkpoint (an exploit's receivers) are queued first, while the donor's
                // trainable is still idle in memory: they copy it instead of loading it. Only the order in which tasks run
                // changes, never what they compute or the order in which they are told.
                var pending = _scheduler.Pending;
                for (var pass = 0; pass < 2; pass++)
                {
                    foreach (var task in pending)
                    {
                        // Most pending tasks are running or done: those checks come first (the loop runs at every wake-up).
                        var key = (task.Member, task.Ordinal);
                        if (busyMembers.Contains(task.Member) || running.ContainsKey(key) || completed.ContainsKey(key)
                            || TakesOtherCheckpoint(task) != (pass == 0))
                        {
                            continue;
                        }

                        busyMembers.Add(task.Member);
                        _runner._observer.TaskStarted(new TaskStartedProgress(_run.Name, task));
                        inbox.Submitted();
                        running[key] = new InFlight(task, executor.ExecuteAsync(task, workerToken));
                    }
                }

                if (running.Count == 0)
                {
                    if (completed.Count == 0)
                    {
                        throw new InvalidOperationException(
                            $"Run '{_run.Name}': the {_scheduler.Method} scheduler is not finished but has no pending task to run.");
                    }

                    continue;
                }

                // Wait for results worth a wake-up, or for the batch's commit to fall due (long tasks must not hold
                // results back).
                var wait = ResultInbox.MaxDelay;
                if (_batch.Count > 0)
                {
                    var due = Options.CommitInterval - _runner._time.GetElapsedTime(_batchStarted);
                    wait = due < wait ? (due > TimeSpan.Zero ? due : TimeSpan.Zero) : wait;
                }

                await inbox.WaitAsync(wait, _runner._time, cancellationToken).ConfigureAwait(false);
                ReportRetries();
                arrived.Clear();
                inbox.Drain(arrived);
                foreach (var result in arrived)
                {
                    var key = (result.Task.Member, result.Task.Ordinal);
                    running.Remove(key);
                    busyMembers.Remove(key.Member);
                    completed[key] = result;
                    completionOrder.Add(result);
                }
            }
        }

        /// <summary>Whether <paramref name="task"/> starts from a checkpoint that is not its member's latest.</summary>
        private bool TakesOtherCheckpoint(TrainTask task) =>
            task.From is { } from
            && !(_latest.TryGetValue(task.Member, out var own) && own.Checkpoint is { } mine && string.Equals(mine.Hash, from.Hash, StringComparison.Ordinal));

        /// <summary>Tells every completed result that may be told now, in the configured order; none once cancelled.</summary>
        private void TellReady(
            Dictionary<(int Member, int Ordinal), TaskResult> completed,
            List<TaskResult> completionOrder,
            CancellationToken cancellationToken)
        {
            if (Options.TellOrder == TellOrder.Completion)
            {
                foreach (var result in completionOrder)
                {
                    completed.Remove((result.Task.Member, result.Task.Ordinal));
                    if (!cancellationToken.IsCancellationRequested && _scheduler.Pending.Contains(result.Task))
                    {
                        Tell(result);
                    }
                    else
                    {
                        _ledger.Released(result.Checkpoint);
                    }
                }

                completionOrder.Clear();
                return;
            }

            while (!cancellationToken.IsCancellationRequested)
            {
                var pending = _scheduler.Pending;
                if (pending.Count == 0
                    || !completed.TryGetValue((pending[0].Member, pending[0].Ordinal), out var head)
                    || !head.Task.Equals(pending[0]))
                {
                    break;
                }

                completed.Remove((head.Task.Member, head.Task.Ordinal));
                Tell(head);
            }

            completionOrder.Clear();

            // A result whose task the scheduler no longer lists (it withdrew or re-issued it) is discarded. Pending tasks are
            // found by member and ordinal, and compared whole only then: this runs at every wake-up with results waiting.
            if (completed.Count > 0)
            {
                _pendingByKey.Clear();
                foreach (var task in _scheduler.Pending)
                {
                    _pendingByKey[(task.Member, task.Ordinal)] = task;
                }

                _withdrawn.Clear();
                foreach (var (key, result) in completed)
                {
                    if (!_pendingByKey.TryGetValue(key, out var task) || !task.Equals(result.Task))
                    {
                        _withdrawn.Add(key);
                    }
                }

                foreach (var key in _withdrawn)
                {
                    _ledger.Released(completed[key].Checkpoint);
                    completed.Remove(key);
                }
            }
        }

        /// <summary>Tells the scheduler a result and queues it, with the decisions it triggered, for the next commit.</summary>
        private void Tell(TaskResult result)
        {
            var events = _scheduler.Tell(result);
            if (_batch.Count == 0)
            {
                _batchStarted = _runner._time.GetTimestamp();
            }

            _batch.Add(new ToldResult(result, events));
            Track(result);
            _ledger.Released(result.Checkpoint);

            var score = _run.Objective.Score(result);
            _runner._observer.TaskFinished(new TaskFinishedProgress(
                _run.Name, result, score, _best?.Task.Member, _bestScore, _results, _stepsTrained, Elapsed));
            var failedBefore = _failed.Count;
            RunFailures.Collect(events, _failed);
            for (var i = failedBefore; i < _failed.Count; i++)
            {
                var excluded = _failed[i];
                _runner._observer.MemberExcluded(new MemberExcludedProgress(_run.Name, excluded.Member, excluded.Step, excluded.Message ?? "no message"));
            }
        }

        /// <summary>Passes the retries and repairs the workers reported to the observer (from the driver loop, as it expects).</summary>
        private void ReportRetries()
        {
            while (_retries.TryDequeue(out var retry))
            {
                _runner._observer.TaskRetried(retry);
            }

            while (_repairs.TryDequeue(out var repair))
            {
                _runner._observer.CheckpointRepaired(repair);
            }
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
            var score = _run.Objective.Score(result);
            if (score > _bestScore)
            {
                _bestScore = score;
                _best = result;
            }
        }

        /// <summary>
        /// Cuts a group commit: everything told so far and, when <paramref name="storeCheckpoints"/>, the live
        /// checkpoints not stored yet (stored first) and the stored ones nothing references any more (deleted after).
        /// Commits run one at a time, in order, behind the driver; a cut waits for the previous commit (back-pressure,
        /// and its failure surfaces here).
        /// </summary>
        private async Task CutAsync(bool storeCheckpoints)
        {
            await _commit.ConfigureAwait(false);
            var cut = NoCheckpoints;
            if (storeCheckpoints)
            {
                cut = _ledger.Cut(_live.Compute(_scheduler, _liveScratch));
                _checkpointsCut = _runner._time.GetTimestamp();
            }

            var told = _batch;
            _batch = [];
            if (told.Count == 0 && cut.Persist.Count == 0 && cut.Delete.Count == 0)
            {
                return;
            }

            _commit = Task.Run(() => CommitAsync(told, cut));
        }

        private async Task CommitAsync(List<ToldResult> told, LedgerCut cut)
        {
            var checkpoints = _runner._checkpoints;
            if (cut.Persist.Count > 0)
            {
                checkpoints.Put(_run.Name, cut.Persist); // durable before any committed result refers to them
            }

            if (Options.CommitDelay > TimeSpan.Zero)
            {
                await Task.Delay(Options.CommitDelay, _runner._time).ConfigureAwait(false);
            }

            if (told.Count > 0)
            {
                // Not cancellable: a told result is stored whole, with its decisions, so the store stays consistent.
                var appended = await _runner._store.AppendBatchAsync(_run.Name, told, CancellationToken.None).ConfigureAwait(false);
                if (appended < told.Count)
                {
                    ExperimentRunnerLog.AlreadyRecorded(Logger, _run.Name, told.Count - appended);
                }
            }

            if (cut.Delete.Count > 0)
            {
                checkpoints.Delete(_run.Name, cut.Delete); // only once nothing committed needs them
            }

            _ledger.Committed(cut);
            ExperimentRunnerLog.Committed(Logger, _run.Name, told.Count, cut.Persist.Count, cut.Delete.Count);
        }

        /// <summary>Waits for a commit whose failure no longer matters (the run is failing anyway).</summary>
        private static async Task ObserveAsync(Task commit)
        {
            try
            {
                await commit.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The run is recorded failed with the first error; what was not committed is re-run on resume.
            }
        }

        /// <summary>Waits (up to the grace period) for in-flight tasks to stop after cancellation or a failure.</summary>
        private async Task DrainAsync(Dictionary<(int Member, int Ordinal), InFlight> running)
        {
            if (running.Count == 0)
            {
                return;
            }

            try
            {
                await Task.WhenAll(running.Values.Select(r => r.Work))
                    .WaitAsync(Options.CancellationGrace, _runner._time, CancellationToken.None)
                    .ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Cancelled, faulted or still running past the grace period: their results are discarded either way.
            }
        }
    }

    private sealed record InFlight(TrainTask Task, Task<TaskResult> Work);
}
