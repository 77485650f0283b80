using Cohort.Core.Execution;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Strategies;
using Cohort.Training.Reinforcement;

namespace Cohort.Training.Tests.Reinforcement;

/// <summary>Deep Double Sarsa members through the <see cref="ExperimentRunner"/>: PBT exploits verify and replay exactly.</summary>
public sealed class DeepDoubleSarsaRunnerTests
{
    private static readonly Objective Return = new(DeepDoubleSarsaTrainable.MetricReturn, ObjectiveMode.Maximize);

    private static async Task<(RunOutcome Outcome, IReadOnlyList<TaskResult> Results, IReadOnlyList<StoredEvent> Events)> RunAsync(int workers)
    {
        var factory = new DeepDoubleSarsaTrainableFactory(new DeepDoubleSarsaOptions
        {
            Hidden = [16], BatchSize = 8, ReplayCapacity = 300, EvaluationEpisodes = 2,
        });
        var space = new SearchSpace(
            new FloatParameter(SarsaHyperparameters.LearningRate, 1e-4, 1e-2, ParameterScale.Log),
            new IntegerParameter(SarsaHyperparameters.TargetSync, 20, 500, ParameterScale.Log));
        var scheduler = SchedulerFactory.Create(
            new PbtOptions { ReadyInterval = 150, Exploit = new TruncationSelection(0.25), Explore = new PerturbExplore() },
            space, Return, stepsPerMember: 600, population: 4, runSeed: 9);
        var store = new InMemoryExperimentStore();
        var runner = new ExperimentRunner(new InMemoryCheckpointStore(), store, new RunnerOptions { Workers = workers, StepsPerMember = 600 });
        var outcome = await runner.RunAsync(new RunDefinition("sarsa", 9, Return), scheduler, factory, CancellationToken.None);
        return (outcome, await store.ReadResultsAsync("sarsa", CancellationToken.None), await store.ReadEventsAsync("sarsa", CancellationToken.None));
    }

    [Fact]
    public async Task Should_ExploitWithVerifiedCheckpoints_And_GiveTheSameRun_When_WorkerCountsDiffer()
    {
        // Given a 4-member PBT run on CartPole (ready every 150 environment steps, mid-episode), with the runner checking
        // that every receiver's saved state hashes to the donor's checkpoint
        var (one, a, eventsOne) = await RunAsync(workers: 1);
        var (two, b, _) = await RunAsync(workers: 2);

        // Then it completes with exploits, its compute is its environment steps, and it does not depend on the workers
        Assert.Equal(RunStatus.Completed, one.Status);
        Assert.Equal(RunStatus.Completed, two.Status);
        Assert.Contains(eventsOne, e => e.Event is Exploited);
        Assert.Equal(4 * 600, one.StepsTrained);
        Assert.All(a, r => Assert.Equal(r.Task.EndStep, r.Validation[DeepDoubleSarsaTrainable.MetricEnvironmentSteps]));
        Assert.Equal(a.Select(r => (r.Task, r.Checkpoint)), b.Select(r => (r.Task, r.Checkpoint)));
    }
}
