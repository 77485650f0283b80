using System.Buffers.Binary;
using System.Collections.Concurrent;
using Cohort.Core.Execution;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Trainables;

namespace Cohort.Core.Tests.Execution;

/// <summary>What the counting trainables of one factory do wrong, and what they count.</summary>
internal sealed class Behaviour
{
    private int _failuresLeft;

    /// <summary>Throw from Train on the first this many calls (across all instances).</summary>
    public int FailFirstTrains
    {
        init => _failuresLeft = value;
    }

    public bool AlwaysFail { get; init; }

    /// <summary>Block in Train until <see cref="Release"/> is set; when <see cref="HangHonoursToken"/>, the token also ends it.</summary>
    public bool Hang { get; init; }

    public bool HangHonoursToken { get; init; } = true;

    public ManualResetEventSlim Release { get; } = new(false);

    /// <summary>CopyFrom copies only the step, not the value: an exploit that silently keeps its own weights.</summary>
    public bool BrokenCopy { get; init; }

    /// <summary>Load reads the value but then perturbs it.</summary>
    public bool BrokenLoad { get; init; }

    /// <summary>Sleep per step for this member (to shuffle completion order across workers).</summary>
    public Func<double, int>? SleepMsForX { get; init; }

    /// <summary>Report NaN when x is at least this.</summary>
    public double DivergeAtX { get; init; } = double.PositiveInfinity;

    public bool HasTestSet { get; init; }

    /// <summary>Added to the value at every step: a trainable that no longer trains as it did (not deterministic across versions).</summary>
    public double Offset { get; init; }

    public int Creates;
    public int Trains;
    public int Loads;
    public int Copies;

    public bool ShouldFail() => AlwaysFail || Interlocked.Decrement(ref _failuresLeft) >= 0;
}

/// <summary>
/// A tiny trainable whose state is (step, value): each step adds x·(1 + noise) where the noise comes from the task
/// seed and the step, so tasks are pure and different hyperparameters give different scores. Metric: <c>score</c>.
/// </summary>
internal sealed class CountingTrainable(Behaviour behaviour, ulong seed) : ITrainable
{
    private double _x = double.NaN;

    public double Value { get; private set; } = (seed % 1000) / 1000.0;

    public long Step { get; private set; }

    public void Apply(HyperparameterSet hyperparameters) => _x = hyperparameters.GetNumber("x");

    public void Train(int steps, ulong seed, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref behaviour.Trains);
        if (behaviour.ShouldFail())
        {
            throw new InvalidOperationException("flaky trainable");
        }

        if (behaviour.Hang)
        {
            if (behaviour.HangHonoursToken)
            {
                behaviour.Release.Wait(cancellationToken);
            }
            else
            {
                behaviour.Release.Wait(CancellationToken.None);
            }
        }

        var sleep = behaviour.SleepMsForX?.Invoke(_x) ?? 0;
        for (var i = 0; i < steps; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (sleep > 0)
            {
                Thread.Sleep(sleep);
            }

            var rng = new Rng(Seeds.Derive(seed, (ulong)Step));
            Value += (_x * (1.0 + (0.1 * rng.NextDouble()))) + behaviour.Offset;
            Step++;
        }
    }

    public IReadOnlyDictionary<string, double> Evaluate(DataSplit split)
    {
        var v = _x >= behaviour.DivergeAtX ? double.NaN : Value;
        return new Dictionary<string, double> { ["score"] = split == DataSplit.Test ? v - 1 : v };
    }

    public void Save(Stream destination)
    {
        Span<byte> b = stackalloc byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(b, Step);
        BinaryPrimitives.WriteDoubleLittleEndian(b[8..], Value);
        destination.Write(b);
    }

    public void Load(Stream source)
    {
        Interlocked.Increment(ref behaviour.Loads);
        Span<byte> b = stackalloc byte[16];
        source.ReadExactly(b);
        Step = BinaryPrimitives.ReadInt64LittleEndian(b);
        Value = BinaryPrimitives.ReadDoubleLittleEndian(b[8..]) + (behaviour.BrokenLoad ? 1e-9 : 0);
    }

    public void CopyFrom(ITrainable other)
    {
        Interlocked.Increment(ref behaviour.Copies);
        var o = (CountingTrainable)other;
        Step = o.Step;
        if (!behaviour.BrokenCopy)
        {
            Value = o.Value;
        }
    }

    public void Dispose()
    {
    }
}

internal sealed class CountingFactory(Behaviour? behaviour = null) : ITrainableFactory
{
    public Behaviour Behaviour { get; } = behaviour ?? new Behaviour();

    public IReadOnlyList<string> Metrics => ["score"];

    public bool HasTestSet => Behaviour.HasTestSet;

    public ITrainable Create(ulong seed)
    {
        Interlocked.Increment(ref Behaviour.Creates);
        return new CountingTrainable(Behaviour, seed);
    }
}

/// <summary>
/// A synchronous-PBT-like test scheduler: generation g issues one task per member (in member order); when all are told,
/// the member with the lowest score copies the checkpoint (and hyperparameters, times 1.5) of the one with the highest,
/// everyone else continues from its own checkpoint. A failed or diverged member is excluded. Deterministic.
/// </summary>
internal sealed class SyncTestScheduler : IScheduler
{
    private readonly int _generations;
    private readonly int _steps;
    private readonly ulong _seed;
    private readonly bool _exploit;
    private readonly bool _exploitFromPreviousGeneration;
    private readonly string _explore;
    private readonly HyperparameterSet[] _h;
    private readonly TaskResult?[] _last;
    private readonly TaskResult?[] _previous;
    private readonly bool[] _excluded;
    private readonly SortedDictionary<int, TrainTask> _pending = [];
    private readonly int[] _ordinal;
    private int _generation;
    private int _toldInGeneration;

    /// <param name="xs">Initial x per member (the population).</param>
    /// <param name="exploitFromPreviousGeneration">The loser copies the winner's checkpoint from one generation earlier (an old checkpoint that is nobody's latest).</param>
    public SyncTestScheduler(double[] xs, int generations, int steps, ulong seed = 7, bool exploit = true, bool exploitFromPreviousGeneration = false, string explore = "perturb*1.5")
    {
        _explore = explore;
        _generations = generations;
        _steps = steps;
        _seed = seed;
        _exploit = exploit;
        _exploitFromPreviousGeneration = exploitFromPreviousGeneration;
        _h = xs.Select(x => HyperparameterSet.Empty.With("x", x)).ToArray();
        _last = new TaskResult?[xs.Length];
        _previous = new TaskResult?[xs.Length];
        _excluded = new bool[xs.Length];
        _ordinal = new int[xs.Length];
        for (var m = 0; m < xs.Length; m++)
        {
            Issue(m, null, 0);
        }
    }

    public string Method => "test-sync";

    public IReadOnlyList<TrainTask> Pending => _pending.Values.ToList();

    public bool IsFinished => _pending.Count == 0;

    public List<TaskResult> Told { get; } = [];

    public IReadOnlyList<RunEvent> Tell(TaskResult result)
    {
        var m = result.Task.Member;
        if (!_pending.TryGetValue(m, out var task) || !task.Equals(result.Task))
        {
            throw new InvalidOperationException($"Task {m}/{result.Task.Ordinal} is not pending.");
        }

        Told.Add(result);
        _pending.Remove(m);
        _previous[m] = _last[m];
        _last[m] = result;
        var events = new List<RunEvent>();
        if (result.Outcome != TaskOutcome.Completed)
        {
            _excluded[m] = true;
            events.Add(new MemberFinished(m, result.Task.StartStep, result.Outcome == TaskOutcome.Diverged ? MemberStopReason.Diverged : MemberStopReason.Failed, result.Message));
        }

        _toldInGeneration++;
        if (_pending.Count > 0)
        {
            return events;
        }

        // Generation barrier.
        _generation++;
        _toldInGeneration = 0;
        var alive = Enumerable.Range(0, _h.Length).Where(i => !_excluded[i]).ToList();
        if (_generation >= _generations)
        {
            foreach (var i in alive)
            {
                events.Add(new MemberFinished(i, _last[i]!.Task.EndStep, MemberStopReason.Completed, null));
            }

            return events;
        }

        int? loser = null, winner = null;
        if (_exploit && alive.Count >= 2)
        {
            var ordered = alive.OrderBy(i => _last[i]!.Validation["score"]).ThenBy(i => i).ToList();
            loser = ordered[0];
            winner = ordered[^1];
        }

        foreach (var i in alive)
        {
            if (i == loser && winner is { } w)
            {
                var source = _exploitFromPreviousGeneration && _previous[w] is { } p ? p : _last[w]!;
                var before = _h[i];
                var after = _h[w].With("x", _h[w].GetNumber("x") * 1.5);
                _h[i] = after;
                events.Add(new Exploited(i, source.Task.EndStep, w, source.Checkpoint!, before, _h[w]));
                events.Add(new Explored(i, source.Task.EndStep, _h[w], after, _explore));
                Issue(i, source.Checkpoint, source.Task.EndStep);
            }
            else
            {
                Issue(i, _last[i]!.Checkpoint, _last[i]!.Task.EndStep);
            }
        }

        return events;
    }

    private void Issue(int member, CheckpointRef? from, long startStep)
    {
        var seed = Seeds.Derive(_seed, (ulong)member, (ulong)startStep);
        _pending[member] = new TrainTask(member, _ordinal[member]++, _generation, from, _h[member], startStep, _steps, seed);
    }
}

/// <summary>Records progress and can cancel after a number of told results.</summary>
internal sealed class RecordingObserver(CancellationTokenSource? cancelAfter = null, int cancelAt = int.MaxValue) : IProgressObserver
{
    public ConcurrentQueue<TrainTask> Started { get; } = new();

    public List<TaskFinishedProgress> Finished { get; } = [];

    public RunOutcome? Outcome { get; private set; }

    public ConcurrentQueue<CheckpointRepairedProgress> Repaired { get; } = new();

    public void CheckpointRepaired(CheckpointRepairedProgress progress) => Repaired.Enqueue(progress);

    public int Replayed { get; private set; } = -1;

    public void RunStarted(RunStartedProgress progress) => Replayed = progress.Replayed;

    public void TaskStarted(TaskStartedProgress progress) => Started.Enqueue(progress.Task);

    public void TaskFinished(TaskFinishedProgress progress)
    {
        Finished.Add(progress);
        if (Finished.Count >= cancelAt)
        {
            cancelAfter?.Cancel();
        }
    }

    public void RunFinished(RunOutcome outcome) => Outcome = outcome;

    public ConcurrentQueue<TaskRetriedProgress> Retried { get; } = new();

    public List<MemberExcludedProgress> Excluded { get; } = [];

    public void TaskRetried(TaskRetriedProgress progress) => Retried.Enqueue(progress);

    public void MemberExcluded(MemberExcludedProgress progress) => Excluded.Add(progress);
}

/// <summary>
/// An asynchronous-PBT-like test scheduler (paper 002, Algorithm 1): when a member's result is told, it decides at once
/// against the latest known scores of the others — the worst copies the best's latest checkpoint — and issues the
/// member's next task at the end of <see cref="Pending"/> (issue order).
/// </summary>
internal sealed class AsyncTestScheduler : IScheduler
{
    private readonly int _tasksPerMember;
    private readonly int _steps;
    private readonly HyperparameterSet[] _h;
    private readonly TaskResult?[] _last;
    private readonly List<TrainTask> _pending = [];

    public AsyncTestScheduler(double[] xs, int tasksPerMember, int steps)
    {
        _tasksPerMember = tasksPerMember;
        _steps = steps;
        _h = xs.Select(x => HyperparameterSet.Empty.With("x", x)).ToArray();
        _last = new TaskResult?[xs.Length];
        for (var m = 0; m < xs.Length; m++)
        {
            Issue(m, 0, null, 0);
        }
    }

    public string Method => "test-async";

    public IReadOnlyList<TrainTask> Pending => _pending.ToList();

    public bool IsFinished => _pending.Count == 0;

    public IReadOnlyList<RunEvent> Tell(TaskResult result)
    {
        var m = result.Task.Member;
        if (!_pending.Remove(result.Task))
        {
            throw new InvalidOperationException($"Task {m}/{result.Task.Ordinal} is not pending.");
        }

        _last[m] = result;
        if (result.Outcome != TaskOutcome.Completed || result.Task.Ordinal + 1 >= _tasksPerMember)
        {
            return [new MemberFinished(m, result.Task.EndStep, MemberStopReason.Completed, null)];
        }

        var known = Enumerable.Range(0, _h.Length).Where(i => _last[i] is { Outcome: TaskOutcome.Completed }).ToList();
        var worst = known.MinBy(i => _last[i]!.Validation["score"]);
        var best = known.MaxBy(i => _last[i]!.Validation["score"]);
        if (known.Count >= 2 && worst == m && best != m)
        {
            var donor = _last[best]!;
            var before = _h[m];
            _h[m] = _h[best].With("x", _h[best].GetNumber("x") * 1.5);
            Issue(m, result.Task.Ordinal + 1, donor.Checkpoint, donor.Task.EndStep);
            return
            [
                new Exploited(m, donor.Task.EndStep, best, donor.Checkpoint!, before, _h[best]),
                new Explored(m, donor.Task.EndStep, _h[best], _h[m], "perturb*1.5"),
            ];
        }

        Issue(m, result.Task.Ordinal + 1, result.Checkpoint, result.Task.EndStep);
        return [];
    }

    private void Issue(int member, int ordinal, CheckpointRef? from, long startStep) =>
        _pending.Add(new TrainTask(member, ordinal, ordinal, from, _h[member], startStep, _steps, Seeds.Derive(11, (ulong)member, (ulong)ordinal)));
}

/// <summary>
/// A checkpoint store that ignores deletions, so a test can read every checkpoint a run ever stored (with
/// <see cref="RunnerOptions.CommitBatchSize"/> 1, every checkpoint that was live at some commit, exploited ones included).
/// </summary>
internal sealed class RetainingCheckpointStore : ICheckpointStore
{
    private readonly InMemoryCheckpointStore _inner = new();

    public void Put(string run, IReadOnlyList<CheckpointBytes> checkpoints) => _inner.Put(run, checkpoints);

    public byte[] Read(string run, CheckpointRef checkpoint) => _inner.Read(run, checkpoint);

    public bool Contains(string run, CheckpointRef checkpoint) => _inner.Contains(run, checkpoint);

    public void Delete(string run, IReadOnlyCollection<string> hashes)
    {
    }

    public IReadOnlyCollection<string> List(string run) => _inner.List(run);

    public string Describe(string run, CheckpointRef checkpoint) => _inner.Describe(run, checkpoint);
}
