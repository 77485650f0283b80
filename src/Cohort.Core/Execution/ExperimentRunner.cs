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
/// <item>The scheduler is only touched from the driver loop, one call at a time: workers run tasks, the driver tells
/// results and appends each result with the events it triggered to the store in one call, in telling order.</item>
/// <item>Every member keeps one live <see cref="ITrainable"/> in memory. A task starting from the member's own last
/// checkpoint reuses it; one starting from a checkpoint another member holds live copies it in memory
/// (<see cref="ITrainable.CopyFrom"/>); otherwise it is loaded from the checkpoint store. After a copy or load the
/// receiver's state is saved and its SHA-256 compared with the checkpoint's hash.</item>
/// <item>Starting is also resuming: the stored results of the run are replayed into the (fresh) scheduler first, and
/// tasks that were in flight are simply run again.</item>
/// <item>A task that throws or times out is retried with the same inputs, then reported as failed; a non-finite
/// objective is reported as diverged. Cancellation stops the workers between steps and records the run as
/// cancelled; a result is stored whole or not at all.</item>
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

    /// <param name="checkpoints">Where checkpoints are written and read.</param>
    /// <param name="store">Where results and events are appended (and read back on resume).</param>
    /// <param name="options">Execution options; defaults when null.</param>
    /// <param name="observer">Live progress; none when null.</param>
    /// <param name="time">Clock for wall time and timeouts; the system clock when null.</param>
    /// <param name="logger">Retries, failures, weight exchanges and collections; nothing when null.</param>
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

    /// <summary>The state of one run while it executes; all fields but the slots and the GC set belong to the driver.</summary>
    private sealed class RunSession
    {
        private readonly ExperimentRunner _runner;
        private readonly RunDefinition _run;
        private readonly IScheduler _scheduler;
        private readonly ITrainableFactory _factory;
        private readonly Dictionary<int, MemberSlot> _slots = [];
        private readonly Lock _slotsGate = new();

        // Checkpoints written by workers whose results are not told yet (hash → count): live for collection.
        private readonly Dictionary<string, int> _untold = new(StringComparer.Ordinal);
        private readonly Lock _gcGate = new();

        private readonly SortedDictionary<int, TaskResult> _latest = [];
        private readonly Dictionary<int, CheckpointRef> _latestCheckpoint = [];
        private TaskResult? _best;
        private double _bestScore = double.NegativeInfinity;
        private int _results;
        private int _sinceCollect;
        private long _stepsTrained;
        private long _startTimestamp;
        private WorkerThreads? _threads;

        public RunSession(ExperimentRunner runner, RunDefinition run, IScheduler scheduler, ITrainableFactory factory)
        {
            _runner = runner;
            _run = run;
            _scheduler = scheduler;
            _factory = factory;
        }

        private RunnerOptions Options => _runner._options;

        private ILogger Logger => _runner._logger;

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
            using var threads = new WorkerThreads(Options.Workers, _run.Name);
            _threads = threads;
            var running = new Dictionary<(int Member, int Ordinal), InFlight>();
            var replayed = 0;
            RunStatus status;
            string? message = null;
            try
            {
                replayed = await ReplayAsync(cancellationToken).ConfigureAwait(false);
                ExperimentRunnerLog.RunStarting(Logger, _run.Name, _scheduler.Method, Options.Workers, replayed);
                _runner._observer.RunStarted(new RunStartedProgress(_run.Name, _scheduler.Method, Options.Workers, replayed));
                await DriveAsync(running, workers.Token, cancellationToken).ConfigureAwait(false);
                status = RunStatus.Completed;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                status = RunStatus.Cancelled;
                message = "Cancelled.";
                await DrainAsync(running).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                ExperimentRunnerLog.RunFailed(Logger, _run.Name, ex);
                await workers.CancelAsync().ConfigureAwait(false);
                await DrainAsync(running).ConfigureAwait(false);
                DisposeSlots();
                var wall = previousWall + Elapsed.TotalSeconds;
                await store.FinishRunAsync(_run.Name, RunStatus.Failed, ex.Message, wall, CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            DisposeSlots();
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

        private TimeSpan Elapsed => _runner._time.GetElapsedTime(_startTimestamp);

        private async Task DriveAsync(
            Dictionary<(int Member, int Ordinal), InFlight> running,
            CancellationToken workerToken,
            CancellationToken cancellationToken)
        {
            var completed = new Dictionary<(int Member, int Ordinal), TaskResult>();
            var completionOrder = new List<TaskResult>();
            var busyMembers = new HashSet<int>();

            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await TellReadyAsync(completed, completionOrder).ConfigureAwait(false);

                if (_scheduler.IsFinished && running.Count == 0)
                {
                    foreach (var leftover in completed.Values)
                    {
                        ReleaseUntold(leftover.Checkpoint);
                    }

                    return;
                }

                // Hand out pending tasks in their order, at most one per member, up to the pool size.
                foreach (var task in _scheduler.Pending)
                {
                    if (running.Count >= Options.Workers)
                    {
                        break;
                    }

                    var key = (task.Member, task.Ordinal);
                    if (running.ContainsKey(key) || completed.ContainsKey(key) || busyMembers.Contains(task.Member))
                    {
                        continue;
                    }

                    busyMembers.Add(task.Member);
                    _runner._observer.TaskStarted(new TaskStartedProgress(_run.Name, task));
                    running[key] = new InFlight(task, Task.Run(() => ExecuteAsync(task, workerToken), CancellationToken.None));
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

                var done = await Task.WhenAny(running.Values.Select(r => r.Work)).WaitAsync(cancellationToken).ConfigureAwait(false);
                var entry = running.First(kv => ReferenceEquals(kv.Value.Work, done));
                running.Remove(entry.Key);
                busyMembers.Remove(entry.Key.Member);
                var result = await done.ConfigureAwait(false); // throws OperationCanceledException on cancellation
                completed[entry.Key] = result;
                completionOrder.Add(result);
            }
        }

        /// <summary>Tells every completed result that may be told now, in the configured order.</summary>
        private async Task TellReadyAsync(
            Dictionary<(int Member, int Ordinal), TaskResult> completed,
            List<TaskResult> completionOrder)
        {
            if (Options.TellOrder == TellOrder.Completion)
            {
                foreach (var result in completionOrder)
                {
                    completed.Remove((result.Task.Member, result.Task.Ordinal));
                    if (IsPending(result.Task))
                    {
                        await TellAsync(result).ConfigureAwait(false);
                    }
                    else
                    {
                        ReleaseUntold(result.Checkpoint);
                    }
                }

                completionOrder.Clear();
                return;
            }

            while (true)
            {
                var pending = _scheduler.Pending;
                if (pending.Count == 0
                    || !completed.TryGetValue((pending[0].Member, pending[0].Ordinal), out var head)
                    || !head.Task.Equals(pending[0]))
                {
                    break;
                }

                completed.Remove((head.Task.Member, head.Task.Ordinal));
                await TellAsync(head).ConfigureAwait(false);
            }

            completionOrder.Clear();

            // A result whose task the scheduler no longer lists (it withdrew or re-issued it) is discarded.
            if (completed.Count > 0)
            {
                var pending = _scheduler.Pending;
                foreach (var (key, result) in completed.ToList())
                {
                    if (!pending.Contains(result.Task))
                    {
                        completed.Remove(key);
                        ReleaseUntold(result.Checkpoint);
                    }
                }
            }
        }

        private bool IsPending(TrainTask task) => _scheduler.Pending.Contains(task);

        private async Task TellAsync(TaskResult result)
        {
            var events = _scheduler.Tell(result);

            // Not cancellable: a told result is stored whole, with its decisions, so the store stays consistent.
            var appended = await _runner._store.AppendAsync(_run.Name, result, events, CancellationToken.None).ConfigureAwait(false);
            if (!appended)
            {
                ExperimentRunnerLog.AlreadyRecorded(Logger, _run.Name, result.Task.Member, result.Task.Ordinal);
            }

            Track(result);
            ReleaseUntold(result.Checkpoint);

            var score = _run.Objective.Score(result);
            _runner._observer.TaskFinished(new TaskFinishedProgress(
                _run.Name, result, score, _best?.Task.Member, _bestScore, _results, _stepsTrained, Elapsed));

            if (Options.CollectEvery > 0 && ++_sinceCollect >= Options.CollectEvery)
            {
                _sinceCollect = 0;
                Collect();
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
            if (result.Checkpoint is not null)
            {
                _latestCheckpoint[result.Task.Member] = result.Checkpoint;
            }

            var score = _run.Objective.Score(result);
            if (score > _bestScore)
            {
                _bestScore = score;
                _best = result;
            }
        }

        /// <summary>
        /// Deletes every checkpoint nothing may still need: kept are each member's latest checkpoint, every pending
        /// task's start checkpoint, and every checkpoint written by a task whose result is not told yet.
        /// </summary>
        private void Collect()
        {
            var live = new HashSet<string>(StringComparer.Ordinal);
            foreach (var c in _latestCheckpoint.Values)
            {
                live.Add(c.Hash);
            }

            foreach (var task in _scheduler.Pending)
            {
                if (task.From is not null)
                {
                    live.Add(task.From.Hash);
                }

                if (task.OptimizerStateFrom is not null)
                {
                    live.Add(task.OptimizerStateFrom.Hash);
                }
            }

            lock (_gcGate)
            {
                live.UnionWith(_untold.Keys);
                var collected = _runner._checkpoints.Collect(live);
                if (collected > 0)
                {
                    ExperimentRunnerLog.Collected(Logger, _run.Name, collected, live.Count);
                }
            }
        }

        private void ReleaseUntold(CheckpointRef? checkpoint)
        {
            if (checkpoint is null)
            {
                return;
            }

            lock (_gcGate)
            {
                if (_untold.TryGetValue(checkpoint.Hash, out var n))
                {
                    if (n <= 1)
                    {
                        _untold.Remove(checkpoint.Hash);
                    }
                    else
                    {
                        _untold[checkpoint.Hash] = n - 1;
                    }
                }
            }
        }

        /// <summary>Runs one task with retries and the timeout; only throws <see cref="OperationCanceledException"/>.</summary>
        private async Task<TaskResult> ExecuteAsync(TrainTask task, CancellationToken cancellationToken)
        {
            var attempts = Options.Retries + 1;
            string? lastError = null;
            for (var attempt = 1; attempt <= attempts; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var state = new Attempt();
                var token = attemptCts.Token;
                var work = _threads!.Run(() => ExecuteOnce(task, state, token));
                try
                {
                    return Options.TaskTimeout is { } timeout
                        ? await work.WaitAsync(timeout, _runner._time, CancellationToken.None).ConfigureAwait(false)
                        : await work.ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    Abandon(task.Member, state, work);
                    _threads!.AddThread(); // the abandoned attempt may keep its thread: keep the pool at strength
                    await attemptCts.CancelAsync().ConfigureAwait(false);
                    lastError = string.Create(
                        CultureInfo.InvariantCulture,
                        $"timed out after {Options.TaskTimeout!.Value.TotalSeconds:0.###} s");
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (WeightExchangeException ex)
                {
                    ExperimentRunnerLog.TaskFailed(Logger, _run.Name, ex.Message);
                    return Failed(task, ex.Message);
                }
                catch (Exception ex)
                {
                    lastError = $"{ex.GetType().Name}: {ex.Message}";
                }

                if (attempt < attempts)
                {
                    ExperimentRunnerLog.AttemptFailed(Logger, _run.Name, task.Member, task.Ordinal, attempt, lastError);
                }
            }

            var failure = Failed(task, string.Create(
                CultureInfo.InvariantCulture,
                $"Member {task.Member} task {task.Ordinal} (steps {task.StartStep}..{task.EndStep}) failed after {attempts} attempt(s): {lastError}"));
            ExperimentRunnerLog.TaskFailed(Logger, _run.Name, failure.Message!);
            return failure;
        }

        private static TaskResult Failed(TrainTask task, string message) =>
            new(task, TaskOutcome.Failed, TaskExecution.EmptyMetrics, TaskExecution.EmptyMetrics, null, message);

        /// <summary>Marks a timed-out attempt abandoned: whatever it does when it returns is discarded.</summary>
        private void Abandon(int member, Attempt state, Task<TaskResult> work)
        {
            var slot = Slot(member);
            lock (slot.Gate)
            {
                state.Abandoned = true;
            }

            _ = work.ContinueWith(
                static t => _ = t.Exception, // observe the fault of an abandoned attempt
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        /// <summary>One attempt: prepare the member's trainable, train, evaluate, save. Runs on a worker thread.</summary>
        private TaskResult ExecuteOnce(TrainTask task, Attempt attempt, CancellationToken cancellationToken)
        {
            var slot = Slot(task.Member);
            ITrainable? trainable;
            string? liveHash;
            lock (slot.Gate)
            {
                if (attempt.Abandoned)
                {
                    // Started only after its timeout (a starved thread): leave the member's trainable to the retry.
                    throw new TimeoutException("The attempt was abandoned before it started.");
                }

                // Take the member's trainable out of its slot: while it trains it is nobody's donor.
                trainable = slot.Trainable;
                liveHash = slot.Hash;
                slot.Trainable = null;
                slot.Hash = null;
            }

            try
            {
                trainable = Prepare(task, trainable, liveHash);
                var (validation, test, diverged) = TaskExecution.TrainAndEvaluate(
                    trainable, task, _run.Objective.Metric, TaskExecution.EvaluatesTest(task, _factory.HasTestSet, Options.TestEvaluation, Options.StepsPerMember), cancellationToken);
                if (diverged is not null)
                {
                    // A diverged state is nobody's donor and is not stored.
                    trainable.Dispose();
                    trainable = null;
                    return new TaskResult(task, TaskOutcome.Diverged, validation, test, null, diverged);
                }

                var bytes = TaskExecution.SaveBytes(trainable);
                CheckpointRef checkpoint;
                lock (_gcGate)
                {
                    if (attempt.Abandoned)
                    {
                        throw new TimeoutException("The attempt was abandoned after its timeout.");
                    }

                    checkpoint = _runner._checkpoints.Put(bytes, trainable.Step);
                    _untold[checkpoint.Hash] = _untold.GetValueOrDefault(checkpoint.Hash) + 1;
                }

                lock (slot.Gate)
                {
                    if (!attempt.Abandoned)
                    {
                        slot.Trainable?.Dispose();
                        slot.Trainable = trainable;
                        slot.Hash = checkpoint.Hash;
                        trainable = null;
                    }
                }

                trainable?.Dispose();
                return new TaskResult(task, TaskOutcome.Completed, validation, test, checkpoint);
            }
            catch
            {
                trainable?.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Gives the trainable the task starts from: fresh for a first task; the member's own live one when it holds
        /// exactly <see cref="TrainTask.From"/>; else a copy of a live donor holding it; else a load from the store.
        /// </summary>
        private ITrainable Prepare(TrainTask task, ITrainable? own, string? ownHash)
        {
            ITrainable trainable;
            if (task.From is null)
            {
                own?.Dispose();
                trainable = _factory.Create(Randomness.Seeds.Derive(_run.Seed, (ulong)task.Member, InitPurpose));
            }
            else if (task.OptimizerStateFrom is { } stateFrom)
            {
                trainable = PrepareWeightsOnly(task, task.From, stateFrom, own, ownHash);
            }
            else if (own is not null && string.Equals(ownHash, task.From.Hash, StringComparison.Ordinal))
            {
                trainable = own;
            }
            else
            {
                trainable = own ?? _factory.Create(Randomness.Seeds.Derive(_run.Seed, (ulong)task.Member, InitPurpose));
                try
                {
                    var source = TryCopyFromLiveDonor(task.Member, task.From.Hash, trainable);
                    if (source is null)
                    {
                        using var stream = new MemoryStream(_runner._checkpoints.Read(task.From), writable: false);
                        trainable.Load(stream);
                        source = "the checkpoint store";
                    }

                    ExperimentRunnerLog.WeightsTaken(Logger, _run.Name, task.Member, task.Ordinal, task.From.Hash, source);
                    if (Options.VerifyWeightExchange)
                    {
                        var actual = Hashing.Sha256Hex(TaskExecution.SaveBytes(trainable));
                        if (!string.Equals(actual, task.From.Hash, StringComparison.Ordinal))
                        {
                            throw new WeightExchangeException(
                                $"Member {task.Member} task {task.Ordinal}: after taking checkpoint {task.From.Hash} from {source}, its state hashes to {actual}; the weights were not exchanged correctly.");
                        }
                    }
                }
                catch
                {
                    trainable.Dispose();
                    throw;
                }
            }

            if (trainable.Step != task.StartStep)
            {
                var step = trainable.Step;
                trainable.Dispose();
                throw new InvalidOperationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Member {task.Member} task {task.Ordinal} should start at step {task.StartStep} but its state is at step {step}."));
            }

            return trainable;
        }

        /// <summary>
        /// An exploit that takes only the donor's weights (<see cref="TrainTask.OptimizerStateFrom"/>): the member's own
        /// state at <paramref name="stateFrom"/> (live, or loaded), then the weights of <paramref name="from"/> from a live
        /// donor or the store. The result hashes to neither checkpoint, so there is no hash check.
        /// </summary>
        private ITrainable PrepareWeightsOnly(TrainTask task, CheckpointRef from, CheckpointRef stateFrom, ITrainable? own, string? ownHash)
        {
            ITrainable trainable;
            if (own is not null && string.Equals(ownHash, stateFrom.Hash, StringComparison.Ordinal))
            {
                trainable = own;
            }
            else
            {
                trainable = own ?? _factory.Create(Randomness.Seeds.Derive(_run.Seed, (ulong)task.Member, InitPurpose));
                try
                {
                    using var stream = new MemoryStream(_runner._checkpoints.Read(stateFrom), writable: false);
                    trainable.Load(stream);
                }
                catch
                {
                    trainable.Dispose();
                    throw;
                }
            }

            try
            {
                if (trainable is not IWeightTransfer transfer)
                {
                    throw new InvalidOperationException(
                        $"Member {task.Member}: copy_optimizer_state false needs a trainable that can take weights alone ({trainable.GetType().Name} cannot).");
                }

                var source = TryCopyFromLiveDonor(task.Member, from.Hash, trainable, weightsOnly: true);
                if (source is null)
                {
                    using var stream = new MemoryStream(_runner._checkpoints.Read(from), writable: false);
                    transfer.LoadWeights(stream);
                    source = "the checkpoint store";
                }

                ExperimentRunnerLog.WeightsTaken(Logger, _run.Name, task.Member, task.Ordinal, from.Hash, source + " (weights only)");
                return trainable;
            }
            catch
            {
                trainable.Dispose();
                throw;
            }
        }

        /// <summary>Copies in memory from another member whose idle live trainable holds <paramref name="hash"/>; returns a description of the donor, or null.</summary>
        private string? TryCopyFromLiveDonor(int receiver, string hash, ITrainable trainable, bool weightsOnly = false)
        {
            MemberSlot[] slots;
            lock (_slotsGate)
            {
                slots = _slots.Where(kv => kv.Key != receiver).OrderBy(kv => kv.Key).Select(kv => kv.Value).ToArray();
            }

            foreach (var slot in slots)
            {
                lock (slot.Gate)
                {
                    if (slot.Trainable is not null && string.Equals(slot.Hash, hash, StringComparison.Ordinal))
                    {
                        if (weightsOnly)
                        {
                            ((IWeightTransfer)trainable).CopyWeightsFrom(slot.Trainable);
                        }
                        else
                        {
                            trainable.CopyFrom(slot.Trainable);
                        }

                        return string.Create(CultureInfo.InvariantCulture, $"member {slot.Member} in memory");
                    }
                }
            }

            return null;
        }

        private MemberSlot Slot(int member)
        {
            lock (_slotsGate)
            {
                if (!_slots.TryGetValue(member, out var slot))
                {
                    slot = new MemberSlot(member);
                    _slots[member] = slot;
                }

                return slot;
            }
        }

        private void DisposeSlots()
        {
            lock (_slotsGate)
            {
                foreach (var slot in _slots.Values)
                {
                    lock (slot.Gate)
                    {
                        slot.Trainable?.Dispose();
                        slot.Trainable = null;
                        slot.Hash = null;
                    }
                }
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

        private static readonly ulong InitPurpose = Randomness.Seeds.Purpose("init");
    }

    private sealed record InFlight(TrainTask Task, Task<TaskResult> Work);

    private sealed class Attempt
    {
        public volatile bool Abandoned;
    }

    private sealed class MemberSlot(int member)
    {
        public readonly Lock Gate = new();

        public int Member { get; } = member;

        /// <summary>The member's live trainable; null while a task uses it or before its first task.</summary>
        public ITrainable? Trainable;

        /// <summary>The hash of <see cref="Trainable"/>'s state: it was saved as this checkpoint and not changed since.</summary>
        public string? Hash;
    }
}
