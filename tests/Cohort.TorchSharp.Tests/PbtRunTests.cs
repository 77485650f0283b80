using Cohort.Core.Execution;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Strategies;

namespace Cohort.TorchSharp.Tests;

/// <summary>A TorchSharp population through Core's <see cref="ExperimentRunner"/>: the schedulers never know which engine trains.</summary>
public sealed class PbtRunTests
{
    [SharedDataFact]
    public async Task Should_CompleteWithVerifiedExploits_When_PbtTunesATorchSharpMlp()
    {
        // Given 6 Boston MLPs (paper 000's 13-64-1) with learning rates and l2 penalties from a wide range
        var factory = TorchTrainableFactory.Builtin("mlp", SharedData.Boston);
        var space = new SearchSpace(
            new FloatParameter("learning_rate", 1e-4, 0.1, ParameterScale.Log),
            new FloatParameter("l2", 1e-6, 1, ParameterScale.Log));
        var points = new[] { (1e-4, 0.5), (3e-3, 1e-5), (0.03, 0.1), (1e-3, 1e-3), (0.01, 0.2), (3e-4, 1e-4) }
            .Select(p => HyperparameterSet.Empty.With("learning_rate", p.Item1).With("l2", p.Item2)).ToArray();
        var objective = new Objective("mse", ObjectiveMode.Minimize);
        var options = new PbtOptions { ReadyInterval = 50, Exploit = new TruncationSelection(0.2), Explore = new PerturbExplore([0.8, 1.2]) };

        async Task<(RunOutcome Outcome, IReadOnlyList<StoredEvent> Events)> Run(int workers)
        {
            var store = new InMemoryExperimentStore();
            var runner = new ExperimentRunner(new InMemoryCheckpointStore(), store, new RunnerOptions { Workers = workers, StepsPerMember = 200 });
            var outcome = await runner.RunAsync(new RunDefinition("torch-pbt", 7, objective), new PbtScheduler(options, space, points, objective, 200, 7), factory, CancellationToken.None);
            return (outcome, await store.ReadEventsAsync("torch-pbt", CancellationToken.None));
        }

        // When PBT runs 200 steps, ready every 50, on 2 workers and again on 1
        var (outcome, events) = await Run(2);
        var (single, singleEvents) = await Run(1);

        // Then it completes, exploits (the runner verified every copied state's hash), and the run does not depend on
        // the worker count: the same decisions and the same final checkpoints
        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.All(outcome.Latest, r => Assert.Equal(200, r.Task.EndStep));
        Assert.NotEmpty(events.Select(e => e.Event).OfType<Exploited>());
        Assert.Equal(singleEvents.Select(e => e.Event.ToString()), events.Select(e => e.Event.ToString()));
        Assert.Equal(single.Latest.Select(r => r.Checkpoint!.Hash), outcome.Latest.Select(r => r.Checkpoint!.Hash));
        Assert.True(outcome.Best!.Validation["mse"] < 40, $"best validation MSE {outcome.Best.Validation["mse"]}");
    }
}
