using Cohort.Core.Execution;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Trainables;
using Cohort.Training.Toy;

namespace Cohort.Training.Tests.Toy;

/// <summary>The toy through the <see cref="ExperimentRunner"/>: weight exchange is what lifts Q above 0.39.</summary>
public sealed class ToyRunnerTests
{
    private static readonly Objective Q = new("q", ObjectiveMode.Maximize);

    private static async Task<(RunOutcome Outcome, InMemoryExperimentStore Store, KeepEveryCheckpoint Checkpoints)> RunAsync(
        bool exchange, int workers)
    {
        var store = new InMemoryExperimentStore();
        var checkpoints = new KeepEveryCheckpoint();

        // A commit after every result, each storing the checkpoints the run references, stores every checkpoint that is
        // ever referenced, the exploited ones included.
        var runner = new ExperimentRunner(checkpoints, store, new RunnerOptions { Workers = workers, CommitBatchSize = 1, CheckpointInterval = TimeSpan.Zero });
        var outcome = await runner.RunAsync(
            new RunDefinition("toy", 1, Q),
            new ToyScheduler(exchange, readyEvery: 4, stepsPerMember: 300),
            new ToyTrainableFactory(),
            CancellationToken.None);
        return (outcome, store, checkpoints);
    }

    [Fact]
    public async Task Should_StallAtPointThreeNine_When_MembersNeverExchangeWeights()
    {
        // Given h = (1, 0) and (0, 1) trained independently (grid search), 300 steps each
        var (outcome, _, _) = await RunAsync(exchange: false, workers: 2);

        // Then neither gets past 1.2 − 0.81
        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.InRange(outcome.BestScore, 0.38, 0.39);
        Assert.Equal(600, outcome.StepsTrained);
    }

    [Fact]
    public async Task Should_ReachOnePointTwo_When_TheWorseMemberTakesTheBettersWeights()
    {
        // Given the same members, where at every ready point (4 steps) the worse one continues from the better one's
        // checkpoint with its own h: only a correct weight exchange combines progress on both coordinates
        var (outcome, store, checkpoints) = await RunAsync(exchange: true, workers: 2);

        // Then Q approaches 1.2, and every exploit started from exactly the donor's stored weights
        Assert.True(outcome.BestScore > 1.19, $"best Q = {outcome.BestScore}");
        var results = await store.ReadResultsAsync("toy", CancellationToken.None);
        var exploits = (await store.ReadEventsAsync("toy", CancellationToken.None)).Select(e => e.Event).OfType<Exploited>().ToList();
        Assert.NotEmpty(exploits);
        foreach (var exploit in exploits)
        {
            var task = results.Single(r => r.Task.Member == exploit.Member && r.Task.From == exploit.Checkpoint).Task;
            var replica = new ToyTrainable(0, 0);
            replica.Load(new MemoryStream(checkpoints.Read("toy", exploit.Checkpoint)));
            replica.Apply(task.Hyperparameters);
            replica.Train(task.Steps, task.Seed, CancellationToken.None);
            Assert.Equal(replica.Q, results.Single(r => r.Task == task).Validation["q"]);
        }
    }

    [Fact]
    public async Task Should_GiveTheSameRun_When_WorkerCountsDiffer()
    {
        var (_, one, _) = await RunAsync(exchange: true, workers: 1);
        var (_, two, _) = await RunAsync(exchange: true, workers: 2);

        var a = await one.ReadResultsAsync("toy", CancellationToken.None);
        var b = await two.ReadResultsAsync("toy", CancellationToken.None);
        Assert.Equal(a.Select(r => (r.Task, r.Checkpoint)), b.Select(r => (r.Task, r.Checkpoint)));
    }

    /// <summary>
    /// Two toy members, h = (1, 0) and (0, 1), synchronous generations of <c>readyEvery</c> steps. With
    /// <c>exchange</c>, at each barrier the member with the lower Q continues from the other's checkpoint (ties: the
    /// higher id copies), keeping its own h.
    /// </summary>
    private sealed class ToyScheduler : IScheduler
    {
        private readonly bool _exchange;
        private readonly int _readyEvery;
        private readonly int _stepsPerMember;
        private readonly HyperparameterSet[] _h =
        [
            HyperparameterSet.Empty.With("h0", 1.0).With("h1", 0.0),
            HyperparameterSet.Empty.With("h0", 0.0).With("h1", 1.0),
        ];

        private readonly TaskResult?[] _last = new TaskResult?[2];
        private readonly SortedDictionary<int, TrainTask> _pending = [];
        private int _generation;

        public ToyScheduler(bool exchange, int readyEvery, int stepsPerMember)
        {
            _exchange = exchange;
            _readyEvery = readyEvery;
            _stepsPerMember = stepsPerMember;
            Issue(0, null, 0);
            Issue(1, null, 0);
        }

        public string Method => _exchange ? "toy-exchange" : "toy-grid";

        public IReadOnlyList<TrainTask> Pending => _pending.Values.ToList();

        public bool IsFinished => _pending.Count == 0;

        public IReadOnlyList<RunEvent> Tell(TaskResult result)
        {
            var m = result.Task.Member;
            _pending.Remove(m);
            _last[m] = result;
            if (_pending.Count > 0 || result.Task.EndStep >= _stepsPerMember)
            {
                return [];
            }

            _generation++;
            var events = new List<RunEvent>();
            var q0 = _last[0]!.Validation["q"];
            var q1 = _last[1]!.Validation["q"];
            var loser = q0 < q1 ? 0 : 1;
            for (var i = 0; i < 2; i++)
            {
                var source = _last[i]!;
                if (_exchange && i == loser)
                {
                    source = _last[1 - i]!;
                    events.Add(new Exploited(i, source.Task.EndStep, 1 - i, source.Checkpoint!, _h[i], _h[i]));
                }

                Issue(i, source.Checkpoint, source.Task.EndStep);
            }

            return events;
        }

        private void Issue(int member, CheckpointRef? from, long start) =>
            _pending[member] = new TrainTask(
                member, _generation, _generation, from, _h[member], start, _readyEvery, Seeds.Derive(3, (ulong)member, (ulong)start));
    }

    /// <summary>Stores checkpoints in memory and never deletes one, so the test can read every exploited checkpoint.</summary>
    private sealed class KeepEveryCheckpoint : ICheckpointStore
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
}
