using System.Globalization;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Trainables;
using Microsoft.Extensions.Logging;

namespace Cohort.Core.Execution;

/// <summary>How a <see cref="TaskExecutor"/> runs tasks: the options both drivers share.</summary>
/// <param name="Concurrency">How many tasks run at once (worker threads).</param>
/// <param name="Retries">Re-runs of an attempt that threw or timed out (same inputs) before the task is reported failed.</param>
/// <param name="TaskTimeout">Wall-clock limit of one attempt; null for none.</param>
/// <param name="VerifyWeightExchange">After a copy or load, check the receiver's state hashes to the checkpoint's hash.</param>
/// <param name="TestEvaluation">When the test split is evaluated.</param>
/// <param name="StepsPerMember">A member's budget, for <see cref="TestEvaluation.FinalTask"/>.</param>
internal sealed record TaskExecutorOptions(
    int Concurrency,
    int Retries,
    TimeSpan? TaskTimeout,
    bool VerifyWeightExchange,
    TestEvaluation TestEvaluation,
    long? StepsPerMember);

/// <summary>How a <see cref="TaskExecutor"/> reads the checkpoints tasks start from and hands over those they write.</summary>
internal interface ITaskCheckpoints
{
    /// <summary>The bytes of <paramref name="checkpoint"/>, hash verified; throws <see cref="CheckpointCorruptException"/>.</summary>
    byte[] Read(CheckpointRef checkpoint);

    /// <summary>
    /// A task wrote <paramref name="checkpoint"/>; called on the worker thread before its result is returned (the
    /// one-process runner keeps it in memory until a group commit; a distributed worker stores it durably).
    /// </summary>
    void Written(CheckpointBytes checkpoint);

    /// <summary>A spare buffer of exactly <paramref name="length"/> bytes to save the next checkpoint into, or null.</summary>
    byte[]? Spare(int length);

    /// <summary>
    /// A stored checkpoint was found corrupt or missing and <paramref name="checkpoint"/> holds its bytes recomputed (and
    /// verified against its hash): replace the stored copy (at once, or with the next commit).
    /// </summary>
    void Repaired(CheckpointBytes checkpoint);
}

/// <summary>
/// Runs tasks for one run, for both drivers (<see cref="ExperimentRunner"/>, <see cref="DistributedWorker"/>): worker
/// threads, members' trainables kept warm, weight exchange with its hash check, retries and the per-task timeout.
/// <list type="bullet">
/// <item>Tasks are queued (<see cref="ExecuteAsync"/>) and run in queue order by <see cref="Concurrency"/> long-lived
/// threads, which take the next task as soon as one ends: a driver that queues every runnable task never makes a
/// worker wait for it, however short the tasks. A finished task is announced on the worker thread
/// (<c>completed</c>) before its returned task completes.</item>
/// <item>Every member that ran here keeps its <see cref="ITrainable"/> in memory. A task starting from the member's own
/// last checkpoint reuses it; one starting from a checkpoint another member holds live copies it in memory
/// (<see cref="ITrainable.CopyFrom"/>); otherwise it is loaded through <see cref="ITaskCheckpoints"/>. After a copy or
/// load the receiver's state is hashed (not kept) and compared with the checkpoint's hash.</item>
/// <item>A task's new state is saved once, hashed while it is written (<see cref="CheckpointWriter"/>).</item>
/// <item>An attempt that throws is retried at once with the same inputs. One that outlives the timeout is cancelled
/// through its token and abandoned: its thread is replaced (and leaves when the attempt finally returns, its work
/// discarded) and the task is queued again. A task that keeps failing ends <see cref="TaskOutcome.Failed"/> with the
/// last error; a non-finite objective ends <see cref="TaskOutcome.Diverged"/>. Only the caller's cancellation ends a
/// task otherwise (its returned task is cancelled).</item>
/// </list>
/// </summary>
internal sealed class TaskExecutor : IDisposable
{
    private static readonly ulong InitPurpose = Randomness.Seeds.Purpose("init");

    private readonly string _run;
    private readonly ulong _seed;
    private readonly string _metric;
    private readonly ITrainableFactory _factory;
    private readonly TaskExecutorOptions _options;
    private readonly ITaskCheckpoints _checkpoints;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<TaskResult>? _completed;
    private readonly Action<TaskRetriedProgress>? _retried;
    private readonly Func<string, TrainTask?>? _producer;
    private readonly Action<CheckpointRepairedProgress>? _repaired;
    private readonly WorkQueue _queue = new();
    private readonly Dictionary<int, MemberSlot> _slots = [];
    private readonly Lock _slotsGate = new();
    private int _threads;
    private int _expectedSize;

    /// <param name="run">The run: its name, seed (members' initial weights) and objective (divergence).</param>
    /// <param name="factory">Builds the trainables.</param>
    /// <param name="options">Concurrency, retries, timeout, checks.</param>
    /// <param name="checkpoints">Where start checkpoints are read and new ones handed over.</param>
    /// <param name="time">Clock of the timeout.</param>
    /// <param name="logger">Retries, failures and weight exchanges.</param>
    /// <param name="completed">Called on the worker thread with every result, before the task returned by <see cref="ExecuteAsync"/> completes.</param>
    /// <param name="retried">Called (on a worker or timer thread) when an attempt failed and the task will run again.</param>
    /// <param name="producer">
    /// The told task whose result is the checkpoint with this hash (null when none is known): what recomputes a corrupt
    /// or missing checkpoint. Called from worker threads.
    /// </param>
    /// <param name="repaired">Called (on a worker thread) when a corrupt or missing checkpoint was recomputed.</param>
    public TaskExecutor(
        RunDefinition run,
        ITrainableFactory factory,
        TaskExecutorOptions options,
        ITaskCheckpoints checkpoints,
        TimeProvider time,
        ILogger logger,
        Action<TaskResult>? completed = null,
        Action<TaskRetriedProgress>? retried = null,
        Func<string, TrainTask?>? producer = null,
        Action<CheckpointRepairedProgress>? repaired = null)
    {
        _retried = retried;
        _producer = producer;
        _repaired = repaired;
        _run = run.Name;
        _seed = run.Seed;
        _metric = run.Objective.Metric;
        _factory = factory;
        _options = options;
        _checkpoints = checkpoints;
        _time = time;
        _logger = logger;
        _completed = completed;
        for (var i = 0; i < options.Concurrency; i++)
        {
            StartThread();
        }
    }

    /// <summary>How many tasks run at once.</summary>
    public int Concurrency => _options.Concurrency;

    /// <summary>
    /// Queues <paramref name="task"/>; the returned task completes with its result (after retries), or is cancelled
    /// when <paramref name="cancellationToken"/> fires first. At most one task per member may be queued at a time.
    /// </summary>
    public Task<TaskResult> ExecuteAsync(TrainTask task, CancellationToken cancellationToken)
    {
        var item = new WorkItem(task, new TaskCompletionSource<TaskResult>(TaskCreationOptions.RunContinuationsAsynchronously), cancellationToken);
        _queue.Add(item);
        return item.Completion.Task;
    }

    /// <summary>The loop of one worker thread: run queued tasks until the executor is disposed or this thread is abandoned.</summary>
    private void Loop()
    {
        while (_queue.Take() is { } item)
        {
            if (!Run(item))
            {
                return; // an abandoned attempt returned: a replacement thread already took this one's place
            }
        }
    }

    /// <summary>Runs the attempts of <paramref name="item"/>; false when this thread's attempt was abandoned.</summary>
    private bool Run(WorkItem item)
    {
        var task = item.Task;
        var attempts = _options.Retries + 1;
        for (; item.Attempt <= attempts; item.Attempt++)
        {
            if (item.Token.IsCancellationRequested)
            {
                item.Completion.TrySetCanceled(item.Token);
                return true;
            }

            // Only a timeout cancels an attempt on its own; without one the task's token is the attempt's.
            using var attemptCts = _options.TaskTimeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(item.Token);
            var state = new Attempt(item, attemptCts);
            using var timer = _options.TaskTimeout is { } timeout
                ? _time.CreateTimer(static s => ((TaskExecutor)((object[])s!)[0]).TimedOut((Attempt)((object[])s!)[1]), new object[] { this, state }, timeout, Timeout.InfiniteTimeSpan)
                : null;
            try
            {
                var result = ExecuteOnce(task, state, attemptCts?.Token ?? item.Token);
                Complete(item, result);
                return true;
            }
            catch (Exception) when (state.IsAbandoned)
            {
                return false; // the timeout queued the task again (or failed it); this thread's work is discarded
            }
            catch (OperationCanceledException) when (item.Token.IsCancellationRequested)
            {
                item.Completion.TrySetCanceled(item.Token);
                return true;
            }
            catch (WeightExchangeException ex)
            {
                ExperimentRunnerLog.TaskFailed(_logger, _run, ex.Message);
                Complete(item, Failed(task, ex.Message));
                return true;
            }
            catch (Exception ex)
            {
                item.LastError = $"{ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}";
                if (item.Attempt < attempts)
                {
                    Retrying(item);
                }
            }
        }

        CompleteFailed(item);
        return true;
    }

    /// <summary>
    /// The timer of an attempt fired: unless the attempt just finished, abandon it (cancel its token, replace its
    /// thread) and queue the task's next attempt, or fail the task when none is left.
    /// </summary>
    private void TimedOut(Attempt state)
    {
        if (!state.TryAbandon())
        {
            return;
        }

        try
        {
            state.Cancellation!.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt returned meanwhile; its result is discarded all the same.
        }

        StartThread(); // the abandoned attempt may keep its thread: keep the pool at strength
        var item = state.Item;
        item.LastError = string.Create(CultureInfo.InvariantCulture, $"timed out after {_options.TaskTimeout!.Value.TotalSeconds:0.###} s");
        if (item.Attempt < _options.Retries + 1)
        {
            Retrying(item);
            item.Attempt++;
            _queue.Add(item);
        }
        else
        {
            CompleteFailed(item);
        }
    }

    private void Retrying(WorkItem item)
    {
        var task = item.Task;
        ExperimentRunnerLog.AttemptFailed(_logger, _run, task.Member, task.Ordinal, item.Attempt, item.LastError!);
        _retried?.Invoke(new TaskRetriedProgress(_run, task, item.Attempt, _options.Retries + 1, item.LastError!));
    }

    private void CompleteFailed(WorkItem item)
    {
        var task = item.Task;
        var failure = Failed(task, string.Create(
            CultureInfo.InvariantCulture,
            $"Member {task.Member} task {task.Ordinal} (steps {task.StartStep}..{task.EndStep}) failed after {_options.Retries + 1} attempt(s): {item.LastError}"));
        ExperimentRunnerLog.TaskFailed(_logger, _run, failure.Message!);
        Complete(item, failure);
    }

    private void Complete(WorkItem item, TaskResult result)
    {
        _completed?.Invoke(result);
        item.Completion.TrySetResult(result);
    }

    private void StartThread()
    {
        var n = Interlocked.Increment(ref _threads);
        var thread = new Thread(Loop)
        {
            IsBackground = true,
            Name = string.Create(CultureInfo.InvariantCulture, $"{_run} worker {n}"),
        };
        thread.Start();
    }

    /// <summary>
    /// Disposes the warm trainables whose state is not in <paramref name="keep"/>: members that moved to another worker,
    /// or whose checkpoint nothing references any more. Trainables in use are left alone.
    /// </summary>
    public void Evict(IReadOnlySet<string> keep)
    {
        foreach (var slot in Slots())
        {
            lock (slot.Gate)
            {
                if (slot.Trainable is not null && (slot.Hash is null || !keep.Contains(slot.Hash)))
                {
                    slot.Trainable.Dispose();
                    slot.Trainable = null;
                    slot.Hash = null;
                }
            }
        }
    }

    /// <summary>Stops taking tasks (the threads finish what is queued and leave) and disposes every warm trainable.</summary>
    public void Dispose()
    {
        _queue.Complete();
        foreach (var slot in Slots())
        {
            lock (slot.Gate)
            {
                slot.Trainable?.Dispose();
                slot.Trainable = null;
                slot.Hash = null;
            }
        }
    }

    private static TaskResult Failed(TrainTask task, string message) =>
        new(task, TaskOutcome.Failed, TaskExecution.EmptyMetrics, TaskExecution.EmptyMetrics, null, message);

    /// <summary>One attempt: prepare the member's trainable, train, evaluate, save. Runs on a worker thread.</summary>
    private TaskResult ExecuteOnce(TrainTask task, Attempt attempt, CancellationToken cancellationToken)
    {
        var slot = Slot(task.Member);
        ITrainable? trainable;
        string? liveHash;
        lock (slot.Gate)
        {
            // Take the member's trainable out of its slot: while it trains it is nobody's donor (and a retry after a
            // timeout starts from the checkpoint, not from whatever this attempt leaves behind).
            trainable = slot.Trainable;
            liveHash = slot.Hash;
            slot.Trainable = null;
            slot.Hash = null;
        }

        try
        {
            trainable = Prepare(task, trainable, liveHash);
            var evaluateTest = TaskExecution.EvaluatesTest(task, _factory.HasTestSet, _options.TestEvaluation, _options.StepsPerMember);
            var (validation, test, diverged) = TaskExecution.TrainAndEvaluate(trainable, task, _metric, evaluateTest, cancellationToken);
            if (diverged is not null)
            {
                // A diverged state is nobody's donor and is not stored.
                trainable.Dispose();
                trainable = null;
                return attempt.TryFinish()
                    ? new TaskResult(task, TaskOutcome.Diverged, validation, test, null, diverged)
                    : throw new TimeoutException("The attempt was abandoned after its timeout.");
            }

            var expected = Volatile.Read(ref _expectedSize);
            var written = _checkpoints.Spare(expected) is { } spare
                ? CheckpointWriter.Capture(trainable.Save, trainable.Step, spare)
                : CheckpointWriter.Capture(trainable.Save, trainable.Step, expected);
            Volatile.Write(ref _expectedSize, written.Bytes.Length);
            if (!attempt.TryFinish())
            {
                throw new TimeoutException("The attempt was abandoned after its timeout.");
            }

            _checkpoints.Written(written);
            lock (slot.Gate)
            {
                slot.Trainable?.Dispose();
                slot.Trainable = trainable;
                slot.Hash = written.Checkpoint.Hash;
                trainable = null;
            }

            return new TaskResult(task, TaskOutcome.Completed, validation, test, written.Checkpoint);
        }
        catch
        {
            trainable?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Gives the trainable the task starts from: fresh for a first task; the member's own live one when it holds
    /// exactly <see cref="TrainTask.From"/>; else a copy of a live donor holding it; else a load.
    /// </summary>
    private ITrainable Prepare(TrainTask task, ITrainable? own, string? ownHash)
    {
        ITrainable trainable;
        if (task.From is null)
        {
            own?.Dispose();
            trainable = Create(task.Member);
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
            trainable = own ?? Create(task.Member);
            try
            {
                var source = TryCopyFromLiveDonor(task.Member, task.From.Hash, trainable, weightsOnly: false);
                if (source is null)
                {
                    Load(trainable, task.From, weightsOnly: false);
                    source = "the checkpoint store";
                }

                ExperimentRunnerLog.WeightsTaken(_logger, _run, task.Member, task.Ordinal, task.From.Hash, source);
                // A checkpoint named before XXH128 names (64 digits) was written in an older format, which the state now
                // saves differently: its bytes were verified against its SHA-256 when read, and a re-save cannot match.
                if (_options.VerifyWeightExchange && task.From.Hash.Length == ContentHash.Length)
                {
                    var actual = CheckpointWriter.HashOf(trainable.Save);
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
    /// donor or a load. The result hashes to neither checkpoint, so there is no hash check.
    /// </summary>
    private ITrainable PrepareWeightsOnly(TrainTask task, CheckpointRef from, CheckpointRef stateFrom, ITrainable? own, string? ownHash)
    {
        var ownHoldsState = own is not null && string.Equals(ownHash, stateFrom.Hash, StringComparison.Ordinal);
        var trainable = own ?? Create(task.Member);
        try
        {
            if (!ownHoldsState)
            {
                Load(trainable, stateFrom, weightsOnly: false);
            }

            if (trainable is not IWeightTransfer)
            {
                throw new InvalidOperationException(
                    $"Member {task.Member}: copy_optimizer_state false needs a trainable that can take weights alone ({trainable.GetType().Name} cannot).");
            }

            var source = TryCopyFromLiveDonor(task.Member, from.Hash, trainable, weightsOnly: true);
            if (source is null)
            {
                Load(trainable, from, weightsOnly: true);
                source = "the checkpoint store";
            }

            ExperimentRunnerLog.WeightsTaken(_logger, _run, task.Member, task.Ordinal, from.Hash, source + " (weights only)");
            return trainable;
        }
        catch
        {
            trainable.Dispose();
            throw;
        }
    }

    private ITrainable Create(int member) => _factory.Create(Randomness.Seeds.Derive(_seed, (ulong)member, InitPurpose));

    /// <summary>
    /// The bytes of <paramref name="checkpoint"/>: read (hash verified), or, when the stored copy is corrupt or missing,
    /// recomputed. Tasks are pure, so the task that produced a checkpoint, run again from its own start checkpoints
    /// (read, or recomputed the same way, back to a fresh initialisation if need be), gives the same bytes; each is checked
    /// against its hash. The repaired checkpoint is handed over to replace the stored copy, and reported. When that is
    /// impossible (no told task produced a checkpoint of the chain, or recomputing gives other bytes) the task fails
    /// without retries (<see cref="WeightExchangeException"/>), naming the checkpoint and where it lives.
    /// </summary>
    private byte[] Obtain(CheckpointRef checkpoint)
    {
        try
        {
            return _checkpoints.Read(checkpoint);
        }
        catch (CheckpointCorruptException corrupt)
        {
            var (bytes, producer, rerun) = Recompute(checkpoint, corrupt);
            _checkpoints.Repaired(bytes);
            ExperimentRunnerLog.CheckpointRepaired(_logger, _run, checkpoint.Hash, rerun, corrupt.Message);
            _repaired?.Invoke(new CheckpointRepairedProgress(_run, checkpoint, producer, rerun, corrupt.Message));
            return bytes.Bytes;
        }
    }

    /// <summary>
    /// Resuming after a crash: recomputes <paramref name="missing"/>, referenced checkpoints that the crash left unstored
    /// (<see cref="RunnerOptions.CheckpointInterval"/>), as a corrupt one is (<see cref="Obtain"/>), sharing the
    /// checkpoints one needs with the next, and hands each over to be stored (<see cref="ITaskCheckpoints.Repaired"/>).
    /// A checkpoint on the way that <paramref name="stored"/> says is stored, yet does not read back intact, is damaged:
    /// it is recomputed as well, repaired and reported like one a task found (<see cref="Obtain"/>). Returns how many
    /// tasks were re-run. Throws <see cref="WeightExchangeException"/> when one cannot be recomputed.
    /// </summary>
    public int Restore(IReadOnlyList<CheckpointRef> missing, Func<string, bool> stored)
    {
        var known = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var damaged = new Dictionary<string, (CheckpointRef Checkpoint, string Problem)>(StringComparer.Ordinal);
        var rerun = 0;
        foreach (var checkpoint in missing)
        {
            var unstored = new CheckpointCorruptException(
                $"Checkpoint {checkpoint.Hash} of run '{_run}' was not stored before the run stopped.");
            var (bytes, _, tasks) = Recompute(checkpoint, unstored, known, (c, problem) =>
            {
                if (stored(c.Hash))
                {
                    damaged.TryAdd(c.Hash, (c, problem));
                }
            });
            rerun += tasks;
            _checkpoints.Repaired(bytes);
        }

        foreach (var (checkpoint, problem) in damaged.Values)
        {
            _checkpoints.Repaired(new CheckpointBytes(checkpoint, known[checkpoint.Hash]));
            ExperimentRunnerLog.CheckpointRepaired(_logger, _run, checkpoint.Hash, rerun, problem);
            _repaired?.Invoke(new CheckpointRepairedProgress(_run, checkpoint, _producer!(checkpoint.Hash)!, rerun, problem));
        }

        return rerun;
    }

    /// <summary>
    /// Recomputes <paramref name="target"/>: a depth-first walk back through the tasks that produced it and their start
    /// checkpoints, as far as a checkpoint that reads back intact (or a fresh initialisation), then those tasks re-run in
    /// order. Iterative, so a chain of thousands of tasks costs no stack.
    /// </summary>
    /// <param name="target">The checkpoint to recompute.</param>
    /// <param name="corrupt">What is wrong with it, for the messages of a failure.</param>
    /// <param name="known">Checkpoints already read or recomputed (shared by the walks of one restore).</param>
    /// <param name="unreadable">Told of each start checkpoint on the way that did not read back intact, and why.</param>
    private (CheckpointBytes Bytes, TrainTask Producer, int Rerun) Recompute(
        CheckpointRef target,
        CheckpointCorruptException corrupt,
        Dictionary<string, byte[]>? known = null,
        Action<CheckpointRef, string>? unreadable = null)
    {
        known ??= new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var work = new Stack<(CheckpointRef Checkpoint, bool Inputs)>();
        work.Push((target, false));
        CheckpointBytes? result = null;
        var rerun = 0;
        while (work.TryPop(out var item))
        {
            var (checkpoint, inputsReady) = item;
            if (known.ContainsKey(checkpoint.Hash))
            {
                continue;
            }

            var task = _producer?.Invoke(checkpoint.Hash)
                ?? throw new WeightExchangeException($"{corrupt.Message} It cannot be recomputed: no stored result produced checkpoint {checkpoint.Hash}.");
            if (!inputsReady)
            {
                if (!ReferenceEquals(checkpoint, target))
                {
                    if (TryRead(checkpoint, out var problem) is { } intact)
                    {
                        known[checkpoint.Hash] = intact;
                        continue;
                    }

                    unreadable?.Invoke(checkpoint, problem!);
                }

                work.Push((checkpoint, true));
                foreach (var input in new[] { task.From, task.OptimizerStateFrom })
                {
                    if (input is not null && !known.ContainsKey(input.Hash))
                    {
                        work.Push((input, false));
                    }
                }

                continue;
            }

            var bytes = Rerun(task, known);
            rerun++;
            if (!string.Equals(bytes.Checkpoint.Hash, checkpoint.Hash, StringComparison.Ordinal))
            {
                throw new WeightExchangeException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{corrupt.Message} Recomputing it, member {task.Member} task {task.Ordinal} (steps {task.StartStep}..{task.EndStep}) gave bytes that hash to {bytes.Checkpoint.Hash}, not {checkpoint.Hash}: the trainable is not deterministic, so the checkpoint cannot be repaired."));
            }

            known[checkpoint.Hash] = bytes.Bytes;
            if (ReferenceEquals(checkpoint, target))
            {
                result = bytes with { Checkpoint = target };
            }
        }

        // The target may have been recomputed already, as an ancestor of an earlier target sharing this walk's results.
        result ??= new CheckpointBytes(target, known[target.Hash]);
        return (result, _producer!(target.Hash)!, rerun);
    }

    /// <summary>The bytes of <paramref name="checkpoint"/> when it reads back intact; null when it is corrupt or missing (and why).</summary>
    private byte[]? TryRead(CheckpointRef checkpoint, out string? problem)
    {
        try
        {
            problem = null;
            return _checkpoints.Read(checkpoint);
        }
        catch (CheckpointCorruptException ex)
        {
            problem = ex.Message;
            return null;
        }
    }

    /// <summary>Runs <paramref name="task"/> again as it first ran, from start checkpoints in <paramref name="known"/>.</summary>
    private CheckpointBytes Rerun(TrainTask task, Dictionary<string, byte[]> known)
    {
        using var trainable = Create(task.Member);
        if (task.From is { } from)
        {
            using (var stream = new MemoryStream(known[(task.OptimizerStateFrom ?? from).Hash], writable: false))
            {
                trainable.Load(stream);
            }

            if (task.OptimizerStateFrom is not null)
            {
                using var weights = new MemoryStream(known[from.Hash], writable: false);
                ((IWeightTransfer)trainable).LoadWeights(weights);
            }
        }

        var evaluateTest = TaskExecution.EvaluatesTest(task, _factory.HasTestSet, _options.TestEvaluation, _options.StepsPerMember);
        _ = TaskExecution.TrainAndEvaluate(trainable, task, _metric, evaluateTest, CancellationToken.None);
        return CheckpointWriter.Capture(trainable.Save, trainable.Step);
    }

    private void Load(ITrainable trainable, CheckpointRef checkpoint, bool weightsOnly)
    {
        using var stream = new MemoryStream(Obtain(checkpoint), writable: false);
        if (weightsOnly)
        {
            ((IWeightTransfer)trainable).LoadWeights(stream);
        }
        else
        {
            trainable.Load(stream);
        }
    }

    /// <summary>Copies in memory from another member whose idle live trainable holds <paramref name="hash"/>; returns a description of the donor, or null.</summary>
    private string? TryCopyFromLiveDonor(int receiver, string hash, ITrainable trainable, bool weightsOnly)
    {
        foreach (var slot in Slots())
        {
            if (slot.Member == receiver)
            {
                continue;
            }

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

    private MemberSlot[] Slots()
    {
        lock (_slotsGate)
        {
            return _slots.OrderBy(kv => kv.Key).Select(kv => kv.Value).ToArray();
        }
    }

    /// <summary>
    /// The tasks waiting for a worker thread, first in first out. An idle thread blocks at once (no spinning: the
    /// driver may take a while to queue more, and on a machine with as many workers as cores a spinning thread takes
    /// CPU from the ones that train).
    /// </summary>
    private sealed class WorkQueue
    {
        private readonly Queue<WorkItem> _items = new();
        private bool _completed;

        public void Add(WorkItem item)
        {
            lock (_items)
            {
                if (_completed)
                {
                    item.Completion.TrySetCanceled();
                    return;
                }

                _items.Enqueue(item);
                Monitor.Pulse(_items);
            }
        }

        /// <summary>The next task; null once <see cref="Complete"/> was called and nothing is left.</summary>
        public WorkItem? Take()
        {
            lock (_items)
            {
                while (_items.Count == 0)
                {
                    if (_completed)
                    {
                        return null;
                    }

                    Monitor.Wait(_items);
                }

                return _items.Dequeue();
            }
        }

        /// <summary>Takes no more tasks; the threads finish what is queued and leave.</summary>
        public void Complete()
        {
            lock (_items)
            {
                _completed = true;
                Monitor.PulseAll(_items);
            }
        }
    }

    /// <summary>A queued task: its attempts so far and how it ends.</summary>
    private sealed class WorkItem(TrainTask task, TaskCompletionSource<TaskResult> completion, CancellationToken token)
    {
        public TrainTask Task { get; } = task;

        public CancellationToken Token { get; } = token;

        public TaskCompletionSource<TaskResult> Completion { get; } = completion;

        /// <summary>The attempt about to run or running (1-based).</summary>
        public int Attempt { get; set; } = 1;

        public string? LastError { get; set; }
    }

    /// <summary>One attempt: it either finishes or is abandoned by its timeout, whichever comes first.</summary>
    private sealed class Attempt(WorkItem item, CancellationTokenSource? cancellation)
    {
        private const int Running = 0, Finished = 1, Abandoned = 2;
        private int _state;

        public WorkItem Item { get; } = item;

        /// <summary>Cancels the attempt alone (its timeout); null when tasks have no timeout.</summary>
        public CancellationTokenSource? Cancellation { get; } = cancellation;

        public bool IsAbandoned => Volatile.Read(ref _state) == Abandoned;

        public bool TryFinish() => Interlocked.CompareExchange(ref _state, Finished, Running) == Running;

        public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Running) == Running;
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
