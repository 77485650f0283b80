using Cohort.Core.Execution;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Storage.Serialization;
using Cohort.Core.Trainables;
using Cohort.Training.Toy;

namespace Cohort.Storage.Postgres.Tests;

/// <summary>
/// <see cref="DistributedWorker"/>s in one process (each with its own store connection pool) against PostgreSQL:
/// the log they write together equals that of a one-process <see cref="ExperimentRunner"/>.
/// </summary>
public sealed class DistributedWorkerTests
{
    private static CancellationToken None => CancellationToken.None;

    [PostgresFact]
    public async Task Should_WriteTheSameLogAsOneProcessAndKeepOnlyLiveCheckpoints_When_ThreeWorkersRunSynchronousPbt()
    {
        await AssertSameAsOneProcessAsync("synchronous", workers: 3, sharedDirectory: false);
    }

    [PostgresFact]
    public async Task Should_WriteTheSameLogAsOneProcessAndKeepOnlyLiveCheckpoints_When_ThreeWorkersShareACheckpointDirectory()
    {
        await AssertSameAsOneProcessAsync("asynchronous", workers: 3, sharedDirectory: true);
    }

    [PostgresFact]
    public async Task Should_KeepEachMembersTrainableWarm_When_OneWorkerRunsEveryTask()
    {
        // Given one worker on a synchronous run of 4 members x 8 tasks
        var spec = ToySpecs.Spec("warm", population: 4, steps: 40, ready: 5, mode: "synchronous");
        var experiment = PostgresTestDatabase.NewExperiment("warm");
        await using var store = await PostgresExperimentStore.OpenAsync(PostgresTestDatabase.Require(), experiment, null, None);
        var factory = new ToyFactoryDouble();

        // When it runs the experiment
        var outcome = await new DistributedWorker(store, new PostgresCheckpointStore(store.DataSource, experiment), new DistributedWorkerOptions { Owner = "w", StepsPerMember = spec.Steps })
            .RunAsync(ToySpecs.Run(spec), () => ToySpecs.Scheduler(spec), factory, None).WaitAsync(TimeSpan.FromSeconds(60));

        // Then it built one trainable per member, not one per task: members continue from their live trainables
        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.Equal(32, outcome.Results);
        Assert.Equal(4, factory.Created);
    }

    [PostgresFact]
    public async Task Should_RetryATaskThatHangs_When_ATaskTimeoutIsSet()
    {
        // Given a run whose first task hangs (ignoring its cancellation) on its first attempt, and a 300 ms task timeout
        var spec = ToySpecs.Spec("timeout", population: 2, steps: 20, ready: 5, mode: "synchronous");
        var run = ToySpecs.Run(spec);
        var reference = new InMemoryExperimentStore();
        await new ExperimentRunner(new InMemoryCheckpointStore(), reference, new RunnerOptions { Workers = 1, StepsPerMember = spec.Steps })
            .RunAsync(run, ToySpecs.Scheduler(spec), new ToyTrainableFactory(), None);
        var experiment = PostgresTestDatabase.NewExperiment("timeout");
        await using var store = await PostgresExperimentStore.OpenAsync(PostgresTestDatabase.Require(), experiment, null, None);
        var factory = new ToyFactoryDouble { HangFirstTrain = TimeSpan.FromSeconds(20) };

        // When a worker with the timeout runs it
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var outcome = await new DistributedWorker(
                store,
                new PostgresCheckpointStore(store.DataSource, experiment),
                new DistributedWorkerOptions { Owner = "w", StepsPerMember = spec.Steps, TaskTimeout = TimeSpan.FromMilliseconds(300) })
            .RunAsync(run, () => ToySpecs.Scheduler(spec), factory, None).WaitAsync(TimeSpan.FromSeconds(60));

        // Then the hung attempt is abandoned after the timeout and retried: the run ends as one that never hung
        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        Assert.Equal(
            (await reference.ReadResultsAsync(run.Name, None)).Select(CohortJson.Serialize),
            (await store.ReadResultsAsync(run.Name, None)).Select(CohortJson.Serialize));
    }

    [PostgresFact]
    public async Task Should_TakeOverTheTask_When_ItsClaimantDiesHoldingIt()
    {
        // Given a run whose first task is claimed by a worker that then vanishes (never renews, never reports)
        var spec = ToySpecs.Spec("takeover", population: 4, steps: 40, ready: 10, mode: "synchronous");
        var experiment = PostgresTestDatabase.NewExperiment("takeover");
        await using var store = await PostgresExperimentStore.OpenAsync(PostgresTestDatabase.Require(), experiment, null, None);
        var run = ToySpecs.Run(spec);
        var scheduler = ToySpecs.Scheduler(spec);
        await store.CreateRunAsync(new RunRecord(run.Name, scheduler.Method, run.SpecJson), None);
        var first = TaskKey.Of(scheduler.Pending[0]);
        Assert.Equal(0, await store.TryClaimAsync(run.Name, [first], "dead-worker", TimeSpan.FromSeconds(1), None));

        // When a live worker runs the experiment
        var worker = new DistributedWorker(
            store,
            new PostgresCheckpointStore(store.DataSource, experiment),
            new DistributedWorkerOptions { Owner = "live", Lease = TimeSpan.FromSeconds(2), Heartbeat = TimeSpan.FromMilliseconds(500), PollInterval = TimeSpan.FromMilliseconds(50), StepsPerMember = spec.Steps });
        var outcome = await worker.RunAsync(run, () => ToySpecs.Scheduler(spec), new ToyTrainableFactory(), None).WaitAsync(TimeSpan.FromSeconds(60));

        // Then it takes the dead worker's task over once its lease expired, and finishes every member exactly once
        Assert.Equal(RunStatus.Completed, outcome.Status);
        var results = await store.ReadResultsAsync(run.Name, None);
        Assert.Equal(4, results.Count(r => r.Task.EndStep == spec.Steps));
        Assert.Equal(results.Count, results.Select(r => (r.Task.Member, r.Task.Ordinal)).Distinct().Count());
        var claims = await store.ReadClaimCountsAsync(run.Name, None);
        Assert.Equal(2, claims[first]);
        Assert.Equal(RunStatus.Completed, (await store.GetRunsAsync(None)).Single().Status);
    }

    [PostgresFact]
    public async Task Should_ReturnCancelledAndReleaseTheClaim_When_TheWorkerIsCancelled()
    {
        var spec = ToySpecs.Spec("cancel", population: 2, steps: 4000, ready: 4, mode: "synchronous");
        var experiment = PostgresTestDatabase.NewExperiment("cancel");
        await using var store = await PostgresExperimentStore.OpenAsync(PostgresTestDatabase.Require(), experiment, null, None);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(800));
        var worker = new DistributedWorker(store, new InMemoryCheckpointStore(), new DistributedWorkerOptions { Owner = "w" });

        var outcome = await worker.RunAsync(ToySpecs.Run(spec), () => ToySpecs.Scheduler(spec), new ToyTrainableFactory(), cts.Token);

        Assert.Equal(RunStatus.Cancelled, outcome.Status);
        Assert.Equal(RunStatus.Running, (await store.GetRunsAsync(None)).Single().Status);
        var pending = (await store.ReadResultsAsync("pbt", None)).Count;
        Assert.True(pending < 2000, $"{pending} results: the run should still be far from done");
    }

    [PostgresFact]
    public async Task Should_RejectTheRunBeforeStoringAnything_When_AnInitialPointHasAHyperparameterTheTrainableDoesNotDeclare()
    {
        // Given a PBT scheduler whose members start with `momentum`, which the toy does not declare
        var experiment = PostgresTestDatabase.NewExperiment("undeclared");
        await using var store = await PostgresExperimentStore.OpenAsync(PostgresTestDatabase.Require(), experiment, null, None);
        var space = new SearchSpace(
        [
            new FloatParameter("h0", 0, 1),
            new FloatParameter("h1", 0, 1),
            new FloatParameter("momentum", 0, 1),
        ]);
        IScheduler Scheduler() => SchedulerFactory.Create(new PbtOptions { ReadyInterval = 4 }, space, new Objective("q", ObjectiveMode.Maximize), 40, 2, 7);
        var worker = new DistributedWorker(store, new InMemoryCheckpointStore(), new DistributedWorkerOptions { Owner = "w" });

        // When a worker is asked to run it
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => worker.RunAsync(new RunDefinition("pbt", 7, new Objective("q", ObjectiveMode.Maximize)), Scheduler, new ToyTrainableFactory(), None));

        // Then it refuses naming the hyperparameter, as the one-process runner does, and nothing was stored
        Assert.Contains("momentum", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await store.GetRunsAsync(None));
    }

    private static async Task AssertSameAsOneProcessAsync(string mode, int workers, bool sharedDirectory)
    {
        // Given the reference: one process, embedded store
        var spec = ToySpecs.Spec("same-" + mode, population: 6, steps: 60, ready: 6, mode: mode);
        var run = ToySpecs.Run(spec);
        var reference = new InMemoryExperimentStore();
        await new ExperimentRunner(new InMemoryCheckpointStore(), reference, new RunnerOptions { Workers = 2, StepsPerMember = spec.Steps })
            .RunAsync(run, ToySpecs.Scheduler(spec), new ToyTrainableFactory(), None);

        // When several workers share one PostgreSQL experiment
        var experiment = PostgresTestDatabase.NewExperiment("same-" + mode);
        var stores = new List<PostgresExperimentStore>();
        for (var i = 0; i < workers; i++)
        {
            stores.Add(await PostgresExperimentStore.OpenAsync(PostgresTestDatabase.Require(), experiment, null, None));
        }

        var directory = Path.Combine(Path.GetTempPath(), "cohort-shared-" + Guid.NewGuid().ToString("N"));
        ICheckpointStore Checkpoints(PostgresExperimentStore s) =>
            sharedDirectory ? new FileCheckpointStore(directory) : new PostgresCheckpointStore(s.DataSource, experiment);

        try
        {
            var outcomes = await Task.WhenAll(stores.Select((s, i) => Task.Run(() => new DistributedWorker(
                    s,
                    Checkpoints(s),
                    new DistributedWorkerOptions { Owner = "w" + i, PollInterval = TimeSpan.FromMilliseconds(20), StepsPerMember = spec.Steps })
                .RunAsync(run, () => ToySpecs.Scheduler(spec), new ToyTrainableFactory(), None))))
                .WaitAsync(TimeSpan.FromSeconds(90));

            // Then the stored results and decisions are exactly the one-process ones, in the same order
            Assert.All(outcomes, o => Assert.Equal(RunStatus.Completed, o.Status));
            var expected = await reference.ReadResultsAsync(run.Name, None);
            var actual = await stores[0].ReadResultsAsync(run.Name, None);
            Assert.Equal(expected.Select(CohortJson.Serialize), actual.Select(CohortJson.Serialize));

            Assert.Equal(
                (await reference.ReadEventsAsync(run.Name, None)).Select(e => e.Event),
                (await stores[0].ReadEventsAsync(run.Name, None)).Select(e => e.Event));
            Assert.Contains((await stores[0].ReadEventsAsync(run.Name, None)), e => e.Event is Exploited);

            // And only the live checkpoints are left: each member's latest (nothing is pending any more)
            var live = actual.Where(r => r.Checkpoint is not null).GroupBy(r => r.Task.Member).Select(g => g.Last().Checkpoint!.Hash);
            Assert.Equal(live.Order(), Checkpoints(stores[0]).List(run.Name).Order());
            Assert.True(actual.Select(r => r.Checkpoint?.Hash).Distinct().Count() > 3 * spec.Runs[0].Population, "the run wrote many more checkpoints than it keeps");
        }
        finally
        {
            foreach (var s in stores)
            {
                await s.DisposeAsync();
            }

            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>Toy trainables that count how many were built and can hang on their first Train call.</summary>
    private sealed class ToyFactoryDouble : ITrainableFactory
    {
        private readonly ToyTrainableFactory _inner = new();
        private int _created;
        private int _trains;

        public TimeSpan HangFirstTrain { get; init; }

        public int Created => Volatile.Read(ref _created);

        public IReadOnlyList<string> Metrics => _inner.Metrics;

        public bool HasTestSet => _inner.HasTestSet;

        public ITrainable Create(ulong seed)
        {
            Interlocked.Increment(ref _created);
            return new Hanging(this, _inner.Create(seed));
        }

        private sealed class Hanging(ToyFactoryDouble owner, ITrainable inner) : ITrainable
        {
            public ITrainable Inner => inner;

            public long Step => inner.Step;

            public void Apply(HyperparameterSet hyperparameters) => inner.Apply(hyperparameters);

            public void Train(int steps, ulong seed, CancellationToken cancellationToken)
            {
                if (Interlocked.Increment(ref owner._trains) == 1 && owner.HangFirstTrain > TimeSpan.Zero)
                {
                    Thread.Sleep(owner.HangFirstTrain); // ignores the token, as a stuck native call would
                }

                inner.Train(steps, seed, cancellationToken);
            }

            public IReadOnlyDictionary<string, double> Evaluate(DataSplit split) => inner.Evaluate(split);

            public void Save(Stream destination) => inner.Save(destination);

            public void Load(Stream source) => inner.Load(source);

            public void CopyFrom(ITrainable other) => inner.CopyFrom(((Hanging)other).Inner);

            public void Dispose() => inner.Dispose();
        }
    }
}
