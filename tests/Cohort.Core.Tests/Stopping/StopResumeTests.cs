using Cohort.Core.Execution;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Scheduling;
using Cohort.Core.Stopping;
using Cohort.Core.Storage;
using Cohort.Core.Tests.Execution;
using Cohort.Core.Trainables;

namespace Cohort.Core.Tests.Stopping;

/// <summary>A run with stop conditions, cancelled and resumed through the runner, ends as an uninterrupted one.</summary>
public sealed class StopResumeTests
{
    private static readonly Objective Loss = new("loss", ObjectiveMode.Minimize);
    private static readonly SearchSpace Space = new(new FloatParameter("lr", 1e-3, 0.5, ParameterScale.Log));

    /// <summary>Gradient descent on x² with noise; reports the seconds it "took" as a function of lr (slow when lr is small).</summary>
    private sealed class Descent : StateTrainable
    {
        private readonly double[] _x;
        private double _lr;
        private int _lastSteps;

        public Descent(ulong seed) => _x = Weights("x", [1 + new Rng(seed).NextDouble()]);

        public override void Apply(HyperparameterSet hyperparameters) => _lr = hyperparameters.GetNumber("lr");

        public override IReadOnlyDictionary<string, double> Evaluate(DataSplit split) => new Dictionary<string, double>
        {
            ["loss"] = _x[0] * _x[0],
            [TimeToTarget.SecondsMetric] = _lastSteps * 0.002 / _lr,
        };

        protected override void TrainSteps(int steps, Rng random, CancellationToken cancellationToken)
        {
            for (var s = 0; s < steps; s++)
            {
                _x[0] -= _lr * ((2 * _x[0]) + (0.05 * random.NextGaussian()));
            }

            _lastSteps = steps;
        }
    }

    private static readonly TrainableFactory Factory = new(
        new TrainableDeclaration("descent", [HyperparameterDeclaration.Real("lr", ValueRange.Above(0), "step size")], ["loss", TimeToTarget.SecondsMetric]),
        seed => new Descent(seed));

    private static IScheduler Scheduler() => SchedulerFactory.Create(
        new PbtOptions
        {
            ReadyInterval = 5,
            Stop = new StopConditions(MetricThreshold.Below("loss", 1e-4), new Plateau(3, 1e-6), new TimeLimit(0.8)) { StoppedDonors = true },
        },
        Space,
        Loss,
        stepsPerMember: 60,
        population: 6,
        runSeed: 4);

    private static async Task<(RunOutcome Outcome, List<RunEvent> Events)> RunAsync(InMemoryExperimentStore store, InMemoryCheckpointStore checkpoints, IProgressObserver? observer, CancellationToken cancellationToken)
    {
        var runner = new ExperimentRunner(checkpoints, store, new RunnerOptions { Workers = 2 }, observer);
        var outcome = await runner.RunAsync(new RunDefinition("r", 4, Loss), Scheduler(), Factory, cancellationToken);
        var events = (await store.ReadEventsAsync("r", CancellationToken.None)).Select(e => e.Event).ToList();
        return (outcome, events);
    }

    [Fact]
    public async Task Should_EndLikeAnUninterruptedRun_When_ResumedAfterCancellation()
    {
        // Given an uninterrupted run in which members stop for several reasons
        var (expected, expectedEvents) = await RunAsync(new InMemoryExperimentStore(), new InMemoryCheckpointStore(), null, CancellationToken.None);
        var reasons = expectedEvents.OfType<MemberFinished>().Select(e => e.Reason).ToHashSet();
        Assert.True(reasons.Count >= 2, "members stop for several reasons: " + string.Join(", ", reasons));
        Assert.Contains(expectedEvents.OfType<MemberFinished>(), e => e.Reason != MemberStopReason.Completed);

        // When the same run is cancelled after some results and resumed (replay verified event for event)
        var store = new InMemoryExperimentStore();
        var checkpoints = new InMemoryCheckpointStore();
        using var cts = new CancellationTokenSource();
        var (first, _) = await RunAsync(store, checkpoints, new RecordingObserver(cts, 20), cts.Token);
        var (resumed, events) = await RunAsync(store, checkpoints, null, CancellationToken.None);

        // Then it takes the same stop decisions, with the same messages
        Assert.Equal(RunStatus.Cancelled, first.Status);
        Assert.Equal(RunStatus.Completed, resumed.Status);
        Assert.True(resumed.Replayed >= 20);
        Assert.Equal(expectedEvents, events);
        Assert.Equal(expected.Results, resumed.Results);
    }
}
