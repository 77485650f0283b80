using Cohort.Core.Execution;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Tests.Execution;
using Cohort.Core.Trainables;

namespace Cohort.Core.Tests.Trainables;

/// <summary>The runner refuses, before anything trains, a run that its trainable's declaration rejects.</summary>
public sealed class DeclaredRunTests
{
    private sealed class DeclaredFactory(CountingFactory inner, TrainableDeclaration declaration) : ITrainableFactory
    {
        public IReadOnlyList<string> Metrics => declaration.Metrics;

        public TrainableDeclaration Declaration => declaration;

        public bool HasTestSet => inner.HasTestSet;

        public ITrainable Create(ulong seed) => inner.Create(seed);
    }

    private static readonly TrainableDeclaration s_xInUnit = new("unit", [HyperparameterDeclaration.Real("x", ValueRange.Closed(0, 1))], ["score"]);

    private static (CountingFactory Inner, Func<Task<RunOutcome>> Run) SetUp(double[] xs, string metric)
    {
        var inner = new CountingFactory();
        var runner = new ExperimentRunner(new InMemoryCheckpointStore(), new InMemoryExperimentStore(), new RunnerOptions { Workers = 1 });
        var definition = new RunDefinition("r", 7, new Objective(metric, ObjectiveMode.Maximize), "{}");
        return (inner, () => runner.RunAsync(definition, new SyncTestScheduler(xs, generations: 2, steps: 3), new DeclaredFactory(inner, s_xInUnit), CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_Should_ThrowBeforeTraining_When_AnInitialPointLeavesTheDeclaredRange()
    {
        var (inner, run) = SetUp([0.5, 2.0], "score");

        var e = await Assert.ThrowsAsync<ArgumentException>(run);

        Assert.Contains("'x' in [0, 1] (got '2')", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, inner.Behaviour.Creates);
    }

    [Fact]
    public async Task RunAsync_Should_ThrowBeforeTraining_When_TheObjectiveMetricIsNotReported()
    {
        var (inner, run) = SetUp([0.5], "loss");

        var e = await Assert.ThrowsAsync<ArgumentException>(run);

        Assert.Contains("reports no metric 'loss'", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, inner.Behaviour.Creates);
    }

    [Fact]
    public async Task RunAsync_Should_Complete_When_TheRunFitsTheDeclaration()
    {
        var (_, run) = SetUp([0.25, 0.75], "score");

        var outcome = await run();

        Assert.Equal(RunStatus.Completed, outcome.Status);
    }
}
