using System.Globalization;
using Cohort.Core.Execution;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Strategies;

namespace Cohort.Core.Tests.Execution;

public sealed class ExperimentRunnerTests
{
    private static readonly Objective Score = new("score", ObjectiveMode.Maximize);
    private static readonly double[] FourXs = [1.0, 2.0, 3.0, 4.0];

    private static RunDefinition Run(string name = "r") => new(name, 42, Score);

    private static async Task<(RunOutcome Outcome, InMemoryExperimentStore Store, InMemoryCheckpointStore Checkpoints)> RunAsync(
        IScheduler scheduler,
        CountingFactory factory,
        RunnerOptions options,
        IProgressObserver? observer = null,
        InMemoryExperimentStore? store = null,
        InMemoryCheckpointStore? checkpoints = null,
        CancellationToken cancellationToken = default)
    {
        store ??= new InMemoryExperimentStore();
        checkpoints ??= new InMemoryCheckpointStore();
        var runner = new ExperimentRunner(checkpoints, store, options, observer);
        var outcome = await runner.RunAsync(Run(), scheduler, factory, cancellationToken);
        return (outcome, store, checkpoints);
    }

    /// <summary>Synchronous PBT of 8 members, 24 steps, ready every 3, the worst quarter exploiting: a fresh one per call.</summary>
    private static IScheduler SmallPbt() => SchedulerFactory.Create(
        new PbtOptions { ReadyInterval = 3, Exploit = new TruncationSelection(0.25, TruncationRule.Count) },
        new SearchSpace([new FloatParameter("x", 0.5, 4)]),
        Score,
        24,
        8,
        42);

    private static string Fingerprint(TaskResult r) => string.Create(
        CultureInfo.InvariantCulture,
        $"{r.Task.Member}/{r.Task.Ordinal} g{r.Task.Generation} from={r.Task.From?.Hash[..12]} {r.Task.Hyperparameters} -> {r.Outcome} {r.Checkpoint?.Hash[..12]} {r.Validation.GetValueOrDefault("score").ToString("R", CultureInfo.InvariantCulture)}");

    private static async Task<List<string>> StoredResultsAsync(IExperimentStore store) =>
        (await store.ReadResultsAsync("r", CancellationToken.None)).Select(Fingerprint).ToList();

    private static async Task<List<RunEvent>> StoredEventsAsync(IExperimentStore store) =>
        (await store.ReadEventsAsync("r", CancellationToken.None)).Select(e => e.Event).ToList();

    [Fact]
    public async Task Should_RunEveryTaskExactlyOnce_When_SchedulerRunsToCompletion()
    {
        // Given four members, three generations of 5 steps, two workers
        var scheduler = new SyncTestScheduler(FourXs, generations: 3, steps: 5);

        // When
        var (outcome, store, _) = await RunAsync(scheduler, new CountingFactory(), new RunnerOptions { Workers = 2 });

        // Then every (member, ordinal) is stored once and every member reached the final step
        var results = await store.ReadResultsAsync("r", CancellationToken.None);
        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.Equal(12, results.Count);
        Assert.Equal(12, results.Select(r => (r.Task.Member, r.Task.Ordinal)).Distinct().Count());
        Assert.All(results, r => Assert.Equal(TaskOutcome.Completed, r.Outcome));
        Assert.Equal([15L, 15L, 15L, 15L], outcome.Latest.Select(r => r.Task.EndStep));
        Assert.Equal(60, outcome.StepsTrained);
        Assert.Equal(12, outcome.Results);
        Assert.Equal(RunStatus.Completed, (await store.GetRunsAsync(CancellationToken.None)).Single().Status);
        Assert.Equal(outcome.Best!.Validation["score"], results.Max(r => r.Validation["score"]));
    }

    [Fact]
    public async Task Should_TrainFromTheDonorsWeights_When_TaskExploits()
    {
        // Given a run in which the worst member copies the best one's checkpoint at each barrier
        var factory = new CountingFactory();
        var scheduler = new SyncTestScheduler(FourXs, generations: 3, steps: 4);
        var checkpoints = new RetainingCheckpointStore();
        var store = new InMemoryExperimentStore();
        var options = new RunnerOptions { Workers = 3, CommitBatchSize = 1, CheckpointInterval = TimeSpan.Zero }; // every exploit's checkpoint stored
        _ = await new ExperimentRunner(checkpoints, store, options).RunAsync(Run(), scheduler, factory, CancellationToken.None);
        var results = await store.ReadResultsAsync("r", CancellationToken.None);
        var exploits = (await StoredEventsAsync(store)).OfType<Exploited>().ToList();
        Assert.Equal(2, exploits.Count);

        foreach (var exploit in exploits)
        {
            // Then the receiver's task starts from exactly the donor's checkpoint...
            var task = results.Single(r => r.Task.Member == exploit.Member && r.Task.From == exploit.Checkpoint).Task;
            var donorResult = results.Single(r => r.Task.Member == exploit.Donor && r.Checkpoint == exploit.Checkpoint);
            Assert.Equal(donorResult.Task.EndStep, task.StartStep);

            // ...and its result equals training the donor's stored weights independently with the receiver's task.
            var replica = (CountingTrainable)new CountingFactory().Create(0);
            using (var s = new MemoryStream(checkpoints.Read("r", exploit.Checkpoint)))
            {
                replica.Load(s);
            }

            replica.Apply(task.Hyperparameters);
            replica.Train(task.Steps, task.Seed, CancellationToken.None);
            var result = results.Single(r => r.Task == task);
            Assert.Equal(replica.Value, result.Validation["score"]);
            Assert.Equal(CheckpointWriter.Capture(replica.Save, replica.Step).Checkpoint, result.Checkpoint);
        }

        Assert.True(factory.Behaviour.Copies + factory.Behaviour.Loads >= 2);
    }

    [Fact]
    public async Task Should_ReuseEachMembersLiveTrainable_When_TasksContinueFromTheirOwnCheckpoint()
    {
        // Given no exploits: every task continues from the member's own last checkpoint
        var factory = new CountingFactory();

        // When
        var (outcome, _, _) = await RunAsync(new SyncTestScheduler(FourXs, 5, 2, exploit: false), factory, new RunnerOptions { Workers = 2 });

        // Then nothing is loaded or copied: one trainable per member is created and kept in memory
        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.Equal(4, factory.Behaviour.Creates);
        Assert.Equal(0, factory.Behaviour.Loads);
        Assert.Equal(0, factory.Behaviour.Copies);
    }

    [Fact]
    public async Task Should_FailTheTaskLoudly_When_CopyFromKeepsTheReceiversOwnWeights()
    {
        // Given a trainable whose CopyFrom silently keeps its own value, and one worker so the receiver (member 0,
        // the worst) runs first while the donor (member 3) is idle in memory: the fast path is taken
        var factory = new CountingFactory(new Behaviour { BrokenCopy = true });
        var scheduler = new SyncTestScheduler(FourXs, generations: 2, steps: 3);

        // When
        var (outcome, store, _) = await RunAsync(scheduler, factory, new RunnerOptions { Workers = 1, Retries = 3 });

        // Then the exploit is reported as failed with the hash mismatch, without retries, and the run still ends,
        // saying that a member failed
        var failed = (await store.ReadResultsAsync("r", CancellationToken.None)).Single(r => r.Outcome == TaskOutcome.Failed);
        Assert.Equal(0, failed.Task.Member);
        Assert.Contains("not exchanged correctly", failed.Message, StringComparison.Ordinal);
        Assert.Contains("member 3 in memory", failed.Message, StringComparison.Ordinal);
        Assert.Equal(1, factory.Behaviour.Copies);
        Assert.Equal(RunStatus.CompletedWithFailures, outcome.Status);
        Assert.Contains("1 of 4 members failed and were excluded: member 0", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("not exchanged correctly", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_FailTheTaskLoudly_When_LoadDoesNotRestoreTheCheckpoint()
    {
        // Given a trainable whose Load perturbs the weights, and a second exploit that takes the winner's checkpoint of
        // the generation before (nobody's live state: the receiver must load it from the store; the first exploit
        // copies the winner's live trainable, as receivers run before their donors move on)
        var factory = new CountingFactory(new Behaviour { BrokenLoad = true });
        var scheduler = new SyncTestScheduler([4.0, 3.0, 2.0, 1.0], generations: 3, steps: 3, exploitFromPreviousGeneration: true);

        // When
        var (_, store, _) = await RunAsync(scheduler, factory, new RunnerOptions { Workers = 1 });

        // Then
        var failed = (await store.ReadResultsAsync("r", CancellationToken.None)).Single(r => r.Outcome == TaskOutcome.Failed);
        Assert.Equal(2, failed.Task.Generation);
        Assert.Contains("the checkpoint store", failed.Message, StringComparison.Ordinal);
        Assert.Equal(1, factory.Behaviour.Copies);
    }

    [Fact]
    public async Task Should_Succeed_When_TheFirstAttemptOfATaskThrows()
    {
        // Given a trainable that throws on its first Train call only
        var factory = new CountingFactory(new Behaviour { FailFirstTrains = 1 });
        var scheduler = new SyncTestScheduler(FourXs, generations: 2, steps: 3);

        // When
        var (outcome, store, _) = await RunAsync(scheduler, factory, new RunnerOptions { Workers = 2, Retries = 1 });

        // Then every task completes, one of them on its second attempt, with the same result as a clean run
        var results = await store.ReadResultsAsync("r", CancellationToken.None);
        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.All(results, r => Assert.Equal(TaskOutcome.Completed, r.Outcome));
        Assert.Equal(9, factory.Behaviour.Trains);
        var (_, cleanStore, _) = await RunAsync(new SyncTestScheduler(FourXs, 2, 3), new CountingFactory(), new RunnerOptions { Workers = 1 });
        Assert.Equal(await StoredResultsAsync(cleanStore), await StoredResultsAsync(store));
    }

    [Fact]
    public async Task Should_ReportEveryRetryAndExclusionAndEndFailed_When_EveryTaskThrows()
    {
        // Given a trainable that always throws and one retry
        var factory = new CountingFactory(new Behaviour { AlwaysFail = true });
        var scheduler = new SyncTestScheduler(FourXs, generations: 3, steps: 3);
        var observer = new RecordingObserver();

        // When
        var (outcome, store, _) = await RunAsync(scheduler, factory, new RunnerOptions { Workers = 2, Retries = 1 }, observer);

        // Then each member's first task fails after two attempts, the scheduler excludes it, the observer hears of the
        // retry and the exclusion with the cause, and the run ends failed, saying why
        Assert.Equal(4, observer.Retried.Count);
        Assert.All(observer.Retried, r =>
        {
            Assert.Equal((1, 2), (r.Attempt, r.Attempts));
            Assert.Equal("InvalidOperationException: flaky trainable", r.Error);
        });
        Assert.Equal([0, 1, 2, 3], observer.Excluded.Select(e => e.Member).Order());
        Assert.All(observer.Excluded, e => Assert.Contains("flaky trainable", e.Cause, StringComparison.Ordinal));
        Assert.Equal(RunStatus.Failed, outcome.Status);
        Assert.StartsWith("Every member failed (4 of 4): member ", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("flaky trainable", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Failed, (await store.GetRunsAsync(CancellationToken.None)).Single().Status);
        var results = await store.ReadResultsAsync("r", CancellationToken.None);
        Assert.Equal(4, results.Count);
        Assert.All(results, r =>
        {
            Assert.Equal(TaskOutcome.Failed, r.Outcome);
            Assert.Null(r.Checkpoint);
            Assert.Contains("failed after 2 attempt(s): InvalidOperationException: flaky trainable", r.Message, StringComparison.Ordinal);
        });
        Assert.Equal(8, factory.Behaviour.Trains);
        Assert.Equal(4, (await StoredEventsAsync(store)).OfType<MemberFinished>().Count(e => e.Reason == MemberStopReason.Failed));
        Assert.Null(outcome.Best);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Should_RetryThenFail_When_ATaskHangsPastTheTimeout(bool honoursToken)
    {
        // Given a trainable that hangs (honouring the token or not) and a 150 ms timeout
        // (under fr-FR, so the message must still format invariantly)
        var behaviour = new Behaviour { Hang = true, HangHonoursToken = honoursToken };
        var scheduler = new SyncTestScheduler([1.0, 2.0], generations: 2, steps: 2);
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("fr-FR");
        try
        {
            // When
            var (outcome, store, _) = await RunAsync(
                scheduler,
                new CountingFactory(behaviour),
                new RunnerOptions { Workers = 2, Retries = 1, TaskTimeout = TimeSpan.FromMilliseconds(150) });

            // Then both members are reported failed with the timeout and the run ends failed
            var results = await store.ReadResultsAsync("r", CancellationToken.None);
            Assert.Equal(RunStatus.Failed, outcome.Status);
            Assert.Contains("timed out after 0.15 s", outcome.Message, StringComparison.Ordinal);
            Assert.Equal(2, results.Count);
            Assert.All(results, r => Assert.Contains("timed out after 0.15 s", r.Message, StringComparison.Ordinal));
            // (an attempt starved past its timeout before reaching Train may not have counted yet)
            Assert.InRange(behaviour.Trains, 2, 4);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
            behaviour.Release.Set();
        }
    }

    [Fact]
    public async Task Should_StoreIdenticalResultsAndEvents_When_RunWithOneOrThreeWorkers()
    {
        // Given members whose steps take different times, so completion order differs from pending order
        static CountingFactory Slow() => new(new Behaviour { SleepMsForX = x => x < 2 ? 6 : (x < 3 ? 1 : 0) });

        // When
        var (_, one, _) = await RunAsync(new SyncTestScheduler(FourXs, 4, 3), Slow(), new RunnerOptions { Workers = 1 });
        var (_, three, _) = await RunAsync(new SyncTestScheduler(FourXs, 4, 3), Slow(), new RunnerOptions { Workers = 3 });
        var (_, completionOrder, _) = await RunAsync(
            new SyncTestScheduler(FourXs, 4, 3),
            Slow(),
            new RunnerOptions { Workers = 3, TellOrder = TellOrder.Completion });

        // Then the stored logs are identical in order; told in completion order, the synchronous scheduler still
        // reaches the same results and decisions (only their interleaving within a generation may differ)
        Assert.Equal(await StoredResultsAsync(one), await StoredResultsAsync(three));
        Assert.Equal(await StoredEventsAsync(one), await StoredEventsAsync(three));
        Assert.Equal((await StoredResultsAsync(one)).Order(StringComparer.Ordinal), (await StoredResultsAsync(completionOrder)).Order(StringComparer.Ordinal));
        Assert.Equal(
            (await StoredEventsAsync(one)).Select(e => e.ToString()).Order(StringComparer.Ordinal),
            (await StoredEventsAsync(completionOrder)).Select(e => e.ToString()).Order(StringComparer.Ordinal));
        Assert.Contains((await StoredEventsAsync(one)), e => e is Exploited);
    }

    [Fact]
    public async Task Should_ResumeToTheSameResults_When_TheStoredCheckpointsCarrySha256NamesFromBefore()
    {
        // Given a complete synchronous PBT run (every checkpoint it wrote kept; stored at every commit, as builds before
        // XXH128 names did), and the first half of it stored again as such a build would have stored it: every checkpoint
        // named by the SHA-256 of its bytes
        var kept = new KeepingCheckpointStore();
        var whole = new InMemoryExperimentStore();
        var complete = await new ExperimentRunner(kept, whole, new RunnerOptions { Workers = 2, CommitBatchSize = 1, CheckpointInterval = TimeSpan.Zero }).RunAsync(Run(), SmallPbt(), new CountingFactory(), CancellationToken.None);
        Assert.Equal(RunStatus.Completed, complete.Status);
        var results = await whole.ReadResultsAsync("r", CancellationToken.None);
        var legacy = new Dictionary<string, CheckpointRef>(StringComparer.Ordinal);
        // A checkpoint that was never stored (it died in memory) is never read again: any 64-digit name will do.
        CheckpointRef? Rename(CheckpointRef? c) => c is null ? null : legacy.TryGetValue(c.Hash, out var named)
            ? named
            : legacy[c.Hash] = c with
            {
                Hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
                    kept.Bytes.TryGetValue(c.Hash, out var bytes) ? bytes : System.Text.Encoding.UTF8.GetBytes("dead " + c.Hash))),
            };
        var old = new InMemoryExperimentStore();
        var oldCheckpoints = new InMemoryCheckpointStore();
        await old.CreateRunAsync(new RunRecord("r", "pbt", "{}"), CancellationToken.None);
        var replay = SmallPbt();
        foreach (var r in results.Take(results.Count / 2))
        {
            var events = replay.Tell(r).Select(e => e is Exploited x ? x with { Checkpoint = Rename(x.Checkpoint)! } : e).ToList();
            var renamed = r with { Task = r.Task with { From = Rename(r.Task.From) }, Checkpoint = Rename(r.Checkpoint) };
            await old.AppendBatchAsync("r", [new ToldResult(renamed, events)], CancellationToken.None);
        }

        oldCheckpoints.Put("r", legacy.Where(kv => kept.Bytes.ContainsKey(kv.Key)).Select(kv => new CheckpointBytes(kv.Value, kept.Bytes[kv.Key])).ToList());

        // When it is resumed
        var (resumed, _, _) = await RunAsync(SmallPbt(), new CountingFactory(), new RunnerOptions { Workers = 2 }, store: old, checkpoints: oldCheckpoints);

        // Then it completes, its stored checkpoints verified by their SHA-256 names, with the scores of the complete run
        Assert.Equal(RunStatus.Completed, resumed.Status);
        static string Scored(TaskResult r) => string.Create(
            CultureInfo.InvariantCulture, $"{r.Task.Member}/{r.Task.Ordinal} {r.Outcome} {r.Validation.GetValueOrDefault("score"):R} {r.Task.Hyperparameters}");
        Assert.Equal(results.Select(Scored), (await old.ReadResultsAsync("r", CancellationToken.None)).Select(Scored));
        Assert.Contains(await old.ReadEventsAsync("r", CancellationToken.None), e => e.Event is Exploited x && x.Checkpoint.Hash.Length == ContentHash.LegacyLength);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_RecomputeTheCheckpointsNotStoredBeforeACrash_When_Resumed(bool storedOnesDamaged)
    {
        // Given a complete synchronous PBT run (every checkpoint it wrote kept)
        var kept = new KeepingCheckpointStore();
        var whole = new InMemoryExperimentStore();
        var options = new RunnerOptions { Workers = 2, CommitBatchSize = 1, CheckpointInterval = TimeSpan.Zero };
        var complete = await new ExperimentRunner(kept, whole, options).RunAsync(Run(), SmallPbt(), new CountingFactory(), CancellationToken.None);
        Assert.Equal(RunStatus.Completed, complete.Status);
        var results = await whole.ReadResultsAsync("r", CancellationToken.None);

        // ...and the state a crash leaves between two commits that store checkpoints: results committed up to the 44th,
        // but checkpoints only as the commit after the 20th stored them (those the run referenced then)
        var store = new InMemoryExperimentStore();
        await store.CreateRunAsync(new RunRecord("r", "pbt", "{}"), CancellationToken.None);
        var replay = SmallPbt();
        var live = new LiveCheckpoints();
        var checkpoints = new InMemoryCheckpointStore();
        for (var i = 0; i < 44; i++)
        {
            await store.AppendBatchAsync("r", [new ToldResult(results[i], replay.Tell(results[i]))], CancellationToken.None);
            live.Told(results[i]);
            if (i == 19)
            {
                checkpoints.Put("r", live.References(replay).Select(c => new CheckpointBytes(c, Damaged(kept.Bytes[c.Hash]))).ToList());
            }
        }

        var unstored = live.References(replay).Where(c => !checkpoints.Contains("r", c)).ToList();
        Assert.NotEmpty(unstored);
        byte[] Damaged(byte[] bytes)
        {
            var copy = bytes.ToArray();
            if (storedOnesDamaged)
            {
                copy[^1] ^= 1;
            }

            return copy;
        }

        // When it is resumed
        var observer = new RecordingObserver();
        var (resumed, _, _) = await RunAsync(SmallPbt(), new CountingFactory(), new RunnerOptions { Workers = 2 }, observer, store, checkpoints);

        // Then the checkpoints the run needed and lacked were recomputed from the tasks that wrote them, before anything
        // ran (not found missing by the tasks: no repair of theirs is reported; a damaged stored one on the way is), and
        // the run ends exactly as the uninterrupted one
        Assert.Equal(RunStatus.Completed, resumed.Status);
        Assert.Equal(44, observer.Replayed);
        if (storedOnesDamaged)
        {
            Assert.NotEmpty(observer.Repaired);
            Assert.All(observer.Repaired, r => Assert.Contains("is corrupt", r.Problem, StringComparison.Ordinal));
        }
        else
        {
            Assert.Empty(observer.Repaired);
        }

        Assert.Equal(await StoredResultsAsync(whole), await StoredResultsAsync(store));
        Assert.Equal(await StoredEventsAsync(whole), await StoredEventsAsync(store));
        Assert.Equal(Fingerprint(complete.Best!), Fingerprint(resumed.Best!));
        Assert.Equal(resumed.Latest.Select(r => r.Checkpoint!.Hash).Order(), checkpoints.List("r").Order());
    }

    /// <summary>The in-memory store, keeping a copy of every checkpoint's bytes even after it is deleted.</summary>
    private sealed class KeepingCheckpointStore : ICheckpointStore
    {
        private readonly InMemoryCheckpointStore _inner = new();

        public Dictionary<string, byte[]> Bytes { get; } = new(StringComparer.Ordinal);

        public void Put(string run, IReadOnlyList<CheckpointBytes> checkpoints)
        {
            lock (Bytes)
            {
                foreach (var c in checkpoints)
                {
                    Bytes[c.Checkpoint.Hash] = c.Bytes.ToArray();
                }
            }

            _inner.Put(run, checkpoints);
        }

        public byte[] Read(string run, CheckpointRef checkpoint) => _inner.Read(run, checkpoint);

        public bool Contains(string run, CheckpointRef checkpoint) => _inner.Contains(run, checkpoint);

        public void Delete(string run, IReadOnlyCollection<string> hashes) => _inner.Delete(run, hashes);

        public IReadOnlyCollection<string> List(string run) => _inner.List(run);

        public string Describe(string run, CheckpointRef checkpoint) => _inner.Describe(run, checkpoint);
    }

    [Fact]
    public async Task Should_StoreIdenticalLogs_When_AnAsynchronousSchedulerRunsWithOneOrThreeWorkers()
    {
        // Given an asynchronous scheduler (decisions at each result against the latest scores) and uneven step times
        static CountingFactory Slow() => new(new Behaviour { SleepMsForX = x => x < 2 ? 5 : 0 });

        // When
        var (_, one, _) = await RunAsync(new AsyncTestScheduler(FourXs, 5, 2), Slow(), new RunnerOptions { Workers = 1 });
        var (_, three, _) = await RunAsync(new AsyncTestScheduler(FourXs, 5, 2), Slow(), new RunnerOptions { Workers = 3 });

        // Then telling in pending order makes the three-worker run take exactly the one-worker run's decisions
        Assert.Equal(await StoredResultsAsync(one), await StoredResultsAsync(three));
        Assert.Equal(await StoredEventsAsync(one), await StoredEventsAsync(three));
        Assert.Contains(await StoredEventsAsync(one), e => e is Exploited);
        Assert.Equal(20, (await StoredResultsAsync(three)).Count);
    }

    [Fact]
    public async Task Should_RecordCancelledWithoutPartialResults_When_CancelledWhileTasksTrain()
    {
        // Given trainables that block until cancelled
        var behaviour = new Behaviour { Hang = true };
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        // When
        var (outcome, store, _) = await RunAsync(
            new SyncTestScheduler(FourXs, 2, 2), new CountingFactory(behaviour), new RunnerOptions { Workers = 4 }, cancellationToken: cts.Token);

        // Then
        Assert.Equal(RunStatus.Cancelled, outcome.Status);
        Assert.Empty(await store.ReadResultsAsync("r", CancellationToken.None));
        Assert.Equal(RunStatus.Cancelled, (await store.GetRunsAsync(CancellationToken.None)).Single().Status);
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(3, 6)]
    public async Task Should_EndLikeAnUninterruptedRun_When_ResumedAfterCancellation(int workers, int cancelAt)
    {
        // Given an uninterrupted run
        var options = new RunnerOptions { Workers = workers };
        var (expected, expectedStore, _) = await RunAsync(new SyncTestScheduler(FourXs, 4, 3), new CountingFactory(), options);

        // When a run is cancelled after some results and then resumed with a fresh scheduler on the same stores
        var store = new InMemoryExperimentStore();
        var checkpoints = new InMemoryCheckpointStore();
        using var cts = new CancellationTokenSource();
        var first = await RunAsync(
            new SyncTestScheduler(FourXs, 4, 3),
            new CountingFactory(),
            options,
            new RecordingObserver(cts, cancelAt),
            store,
            checkpoints,
            cts.Token);
        var afterCancel = await store.ReadResultsAsync("r", CancellationToken.None);
        var cancelledRecord = (await store.GetRunsAsync(CancellationToken.None)).Single();

        var observer = new RecordingObserver();
        var resumed = await RunAsync(new SyncTestScheduler(FourXs, 4, 3), new CountingFactory(), options, observer, store, checkpoints);

        // Then the first session was recorded cancelled with whole results only, and the resumed run ends identical
        Assert.Equal(RunStatus.Cancelled, first.Outcome.Status);
        Assert.Equal(RunStatus.Cancelled, cancelledRecord.Status);
        Assert.InRange(afterCancel.Count, cancelAt, 15);
        Assert.Equal(afterCancel.Count, observer.Replayed);
        Assert.Equal(RunStatus.Completed, resumed.Outcome.Status);
        Assert.Equal(await StoredResultsAsync(expectedStore), await StoredResultsAsync(store));
        Assert.Equal(await StoredEventsAsync(expectedStore), await StoredEventsAsync(store));
        Assert.Equal(Fingerprint(expected.Best!), Fingerprint(resumed.Outcome.Best!));
        Assert.Equal(16, resumed.Outcome.Results);
    }

    [Fact]
    public async Task Should_RecomputeCorruptCheckpointsAndEndLikeAnUninterruptedRun_When_ResumedAfterCancellation()
    {
        // Given an uninterrupted run, and the same run cancelled half-way
        var options = new RunnerOptions { Workers = 2 };
        var (expected, expectedStore, _) = await RunAsync(new SyncTestScheduler(FourXs, 4, 3), new CountingFactory(), options);
        var store = new InMemoryExperimentStore();
        var checkpoints = new InMemoryCheckpointStore();
        using var cts = new CancellationTokenSource();
        _ = await RunAsync(new SyncTestScheduler(FourXs, 4, 3), new CountingFactory(), options, new RecordingObserver(cts, 9), store, checkpoints, cts.Token);

        // When every stored checkpoint is damaged (one byte flipped) before the run is resumed
        var stored = checkpoints.List("r");
        Assert.NotEmpty(stored);
        foreach (var hash in stored)
        {
            var result = (await store.ReadResultsAsync("r", CancellationToken.None)).First(r => r.Checkpoint?.Hash == hash);
            var bytes = checkpoints.Read("r", result.Checkpoint!).ToArray();
            bytes[^1] ^= 1;
            checkpoints.Delete("r", [hash]);
            checkpoints.Put("r", [new CheckpointBytes(result.Checkpoint!, bytes)]);
        }

        var observer = new RecordingObserver();
        var resumed = await RunAsync(new SyncTestScheduler(FourXs, 4, 3), new CountingFactory(), options, observer, store, checkpoints);

        // Then each damaged checkpoint the run needs is recomputed from its producing task (hash verified), reported,
        // and the run ends exactly as the uninterrupted one
        // (checkpoints no longer referenced were deleted when the run resumed: the chains behind them are re-run too)
        Assert.Contains(observer.Repaired, r => r.Problem.Contains("is corrupt", StringComparison.Ordinal));
        Assert.All(observer.Repaired, r => Assert.Matches("is corrupt|is missing", r.Problem));
        Assert.Equal(RunStatus.Completed, resumed.Outcome.Status);
        Assert.Equal(await StoredResultsAsync(expectedStore), await StoredResultsAsync(store));
        Assert.Equal(await StoredEventsAsync(expectedStore), await StoredEventsAsync(store));
        Assert.Equal(Fingerprint(expected.Best!), Fingerprint(resumed.Outcome.Best!));
    }

    [Fact]
    public async Task Should_FailNamingTheCheckpoint_When_ACorruptCheckpointCannotBeRecomputed()
    {
        // Given a run cancelled half-way whose stored checkpoints are then damaged, and a trainable that no longer
        // trains the same way (so recomputing gives other bytes)
        var options = new RunnerOptions { Workers = 1 };
        var store = new InMemoryExperimentStore();
        var checkpoints = new InMemoryCheckpointStore();
        using var cts = new CancellationTokenSource();
        _ = await RunAsync(new SyncTestScheduler(FourXs, 4, 3), new CountingFactory(), options, new RecordingObserver(cts, 9), store, checkpoints, cts.Token);
        foreach (var hash in checkpoints.List("r"))
        {
            var result = (await store.ReadResultsAsync("r", CancellationToken.None)).First(r => r.Checkpoint?.Hash == hash);
            checkpoints.Delete("r", [hash]);
            checkpoints.Put("r", [new CheckpointBytes(result.Checkpoint!, [1, 2, 3])]);
        }

        // When it is resumed
        var resumed = await RunAsync(
            new SyncTestScheduler(FourXs, 4, 3), new CountingFactory(new Behaviour { Offset = 0.5 }), options, store: store, checkpoints: checkpoints);

        // Then it does not end completed: the members that needed them fail, naming the checkpoint and the store
        Assert.True(resumed.Outcome.Status != RunStatus.Completed, resumed.Outcome.Message);
        Assert.Matches("Checkpoint [0-9a-f]{32} (is missing|in .* is corrupt)", resumed.Outcome.Message);
        Assert.Contains("cannot be repaired", resumed.Outcome.Message, StringComparison.Ordinal);
        Assert.Contains("the in-memory checkpoint store (run 'r')", resumed.Outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_RefuseToResume_When_TheRebuiltSchedulerDecidesDifferently()
    {
        // Given a cancelled run whose log holds exploit decisions
        var store = new InMemoryExperimentStore();
        var checkpoints = new InMemoryCheckpointStore();
        using var cts = new CancellationTokenSource();
        _ = await RunAsync(new SyncTestScheduler(FourXs, 4, 3), new CountingFactory(), new RunnerOptions { Workers = 1 },
            new RecordingObserver(cts, 9), store, checkpoints, cts.Token);
        Assert.Contains(await StoredEventsAsync(store), e => e is Exploited);

        // When it is resumed with a scheduler that issues the same tasks but logs a different decision
        var runner = new ExperimentRunner(checkpoints, store, new RunnerOptions { Workers = 1 });
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(
            Run(), new SyncTestScheduler(FourXs, 4, 3, explore: "resample"), new CountingFactory(), CancellationToken.None));

        // Then nothing is trained and the run is marked failed, naming the mismatch
        Assert.Contains("cannot be resumed", ex.Message, StringComparison.Ordinal);
        Assert.Contains("resample", ex.Message, StringComparison.Ordinal);
        Assert.Equal(9, (await store.ReadResultsAsync("r", CancellationToken.None)).Count);
        Assert.Equal(RunStatus.Failed, (await store.GetRunsAsync(CancellationToken.None)).Single().Status);

        // And a scheduler that rejects the stored results is reported the same way
        var rejected = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(
            Run(), new SyncTestScheduler(FourXs, 4, 3, exploit: false), new CountingFactory(), CancellationToken.None));
        Assert.Contains("rejected stored result", rejected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_RefuseToResume_When_TheSchedulerMethodDiffers()
    {
        var store = new InMemoryExperimentStore();
        _ = await store.CreateRunAsync(new RunRecord("r", "grid", "{}"), CancellationToken.None);
        var runner = new ExperimentRunner(new InMemoryCheckpointStore(), store);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(
            Run(), new SyncTestScheduler(FourXs, 2, 2), new CountingFactory(), CancellationToken.None));

        Assert.Contains("'grid'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_KeepACheckpointThatAPendingExploitNeeds_When_CommittingAfterEveryResult()
    {
        // Given exploits from the donor's previous-generation checkpoint (nobody's latest once the donor has moved on),
        // one worker so the donor's next task is told before the receiver runs, and a commit (which deletes what is no
        // longer referenced) after every result
        var factory = new CountingFactory();
        var scheduler = new SyncTestScheduler([4.0, 3.0, 2.0, 1.0], generations: 4, steps: 2, exploitFromPreviousGeneration: true);

        // When
        var (outcome, store, checkpoints) = await RunAsync(scheduler, factory, new RunnerOptions { Workers = 1, CommitBatchSize = 1, CheckpointInterval = TimeSpan.Zero });

        // Then every exploit loaded its (old) checkpoint from the store successfully...
        var results = await store.ReadResultsAsync("r", CancellationToken.None);
        var oldExploits = (await StoredEventsAsync(store)).OfType<Exploited>()
            .Where(e =>
            {
                var receiverTask = results.First(r => r.Task.Member == e.Member && r.Task.From == e.Checkpoint).Task;
                var donorResult = results.Single(r => r.Task.Member == e.Donor && r.Checkpoint == e.Checkpoint);
                return donorResult.Task.Generation < receiverTask.Generation - 1;
            })
            .ToList();
        Assert.NotEmpty(oldExploits);
        Assert.All(results, r => Assert.Equal(TaskOutcome.Completed, r.Outcome));
        Assert.True(factory.Behaviour.Loads >= oldExploits.Count);

        // ...and collection did run: only the members' latest checkpoints remain
        Assert.Equal(
            outcome.Latest.Select(r => r.Checkpoint!.Hash).Order(),
            checkpoints.List("r").Order());
    }

    [Fact]
    public async Task Should_ReportDiverged_When_TheObjectiveIsNotFinite()
    {
        // Given a member whose x makes its score NaN
        var scheduler = new SyncTestScheduler([1.0, 2.0, 9.0], generations: 2, steps: 2);

        // When
        var (outcome, store, _) = await RunAsync(scheduler, new CountingFactory(new Behaviour { DivergeAtX = 5 }), new RunnerOptions { Workers = 2 });

        // Then it is recorded as diverged, without a checkpoint, and excluded; the others complete
        var results = await store.ReadResultsAsync("r", CancellationToken.None);
        var diverged = Assert.Single(results, r => r.Outcome == TaskOutcome.Diverged);
        Assert.Equal(2, diverged.Task.Member);
        Assert.Null(diverged.Checkpoint);
        Assert.Contains("'score' is NaN", diverged.Message, StringComparison.Ordinal);
        Assert.Equal(4, results.Count(r => r.Outcome == TaskOutcome.Completed));
        Assert.NotEqual(2, outcome.Best!.Task.Member);
        Assert.True(double.IsFinite(outcome.BestScore));
    }

    [Theory]
    [InlineData(TestEvaluation.FinalTask, 1)]
    [InlineData(TestEvaluation.EveryTask, 3)]
    [InlineData(TestEvaluation.Never, 0)]
    public async Task Should_EvaluateTheTestSplit_When_ThePolicySaysSo(TestEvaluation policy, int perMember)
    {
        // Given three generations of 2 steps (6 steps per member) and a trainable with a test set
        var scheduler = new SyncTestScheduler([1.0, 2.0], generations: 3, steps: 2, exploit: false);
        var options = new RunnerOptions { Workers = 1, TestEvaluation = policy, StepsPerMember = 6 };

        // When
        var (_, store, _) = await RunAsync(scheduler, new CountingFactory(new Behaviour { HasTestSet = true }), options);

        // Then test metrics are present exactly where the policy asks
        var results = await store.ReadResultsAsync("r", CancellationToken.None);
        Assert.Equal(2 * perMember, results.Count(r => r.Test.Count > 0));
        if (policy == TestEvaluation.FinalTask)
        {
            Assert.All(results.Where(r => r.Test.Count > 0), r => Assert.Equal(6, r.Task.EndStep));
        }

        Assert.All(results.Where(r => r.Test.Count > 0), r => Assert.Equal(r.Validation["score"] - 1, r.Test["score"]));
    }

    [Fact]
    public async Task Should_NotifyTheObserver_When_TasksStartAndFinish()
    {
        var observer = new RecordingObserver();
        var (outcome, _, _) = await RunAsync(new SyncTestScheduler(FourXs, 2, 2), new CountingFactory(), new RunnerOptions { Workers = 2 }, observer);

        Assert.Equal(8, observer.Started.Count);
        Assert.Equal(8, observer.Finished.Count);
        Assert.Equal(Enumerable.Range(1, 8), observer.Finished.Select(f => f.Results));
        Assert.Equal(observer.Finished[^1].BestScore, outcome.BestScore);
        Assert.All(observer.Finished, f => Assert.True(f.BestScore >= f.Score));
        Assert.Same(outcome, observer.Outcome);
    }

    [Fact]
    public async Task Should_RecordFailedAndThrow_When_TheSchedulerIsStuck()
    {
        var store = new InMemoryExperimentStore();
        var runner = new ExperimentRunner(new InMemoryCheckpointStore(), store, new RunnerOptions { Workers = 1 });

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(
            () => runner.RunAsync(Run(), new StuckScheduler(), new CountingFactory(), CancellationToken.None));

        Assert.Contains("no pending task", ex.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Failed, (await store.GetRunsAsync(CancellationToken.None)).Single().Status);
    }

    [Fact]
    public async Task Should_Reject_When_TheObjectiveMetricIsNotReported()
    {
        var runner = new ExperimentRunner(new InMemoryCheckpointStore(), new InMemoryExperimentStore());
        var run = new RunDefinition("r", 1, new Objective("loss", ObjectiveMode.Minimize));

        var ex = await Assert.ThrowsAsync<ArgumentException>(
            () => runner.RunAsync(run, new StuckScheduler(), new CountingFactory(), CancellationToken.None));

        Assert.Contains("'loss'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Throw_When_OptionsAreInvalid()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExperimentRunner(
            new InMemoryCheckpointStore(), new InMemoryExperimentStore(), new RunnerOptions { Workers = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExperimentRunner(
            new InMemoryCheckpointStore(), new InMemoryExperimentStore(), new RunnerOptions { TaskTimeout = TimeSpan.Zero }));
    }

    private sealed class StuckScheduler : IScheduler
    {
        public string Method => "stuck";

        public IReadOnlyList<TrainTask> Pending => [];

        public bool IsFinished => false;

        public IReadOnlyList<RunEvent> Tell(TaskResult result) => throw new InvalidOperationException("nothing pending");
    }
}
