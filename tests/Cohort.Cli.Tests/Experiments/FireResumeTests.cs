using Cohort.Cli.Experiments;
using Cohort.Core.Execution;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Spec;
using Cohort.Training.NoisyQuadratic;

namespace Cohort.Cli.Tests.Experiments;

/// <summary>A FIRE run interrupted and resumed (its stored results replayed into a fresh scheduler) ends as if uninterrupted.</summary>
public sealed class FireResumeTests
{
    private const string Spec = """
        version: 1
        experiment: fire-resume
        seed: 4
        objective: {metric: loss, mode: minimize}
        trainable: {kind: noisy_quadratic, dimensions: 16, curvature_power: 1, batch_size: 20}
        hyperparameters:
          lr: {type: float, scale: log, min: 0.01, max: 1.5}
        steps: 240
        ready: {every: 40}
        runs:
          - name: fire
            method: fire
            population: 11
            eval_every: 10
            max_eval_steps: 80
        """;

    private sealed class CancelAfter(CancellationTokenSource cts, int count) : IProgressObserver
    {
        private int _finished;

        public void RunStarted(RunStartedProgress progress)
        {
        }

        public void TaskStarted(TaskStartedProgress progress)
        {
        }

        public void TaskFinished(TaskFinishedProgress progress)
        {
            if (++_finished == count)
            {
                cts.Cancel();
            }
        }

        public void RunFinished(RunOutcome outcome)
        {
        }
    }

    private static async Task<RunOutcome> RunAsync(ExperimentSpec spec, IExperimentStore store, ICheckpointStore checkpoints, int workers, IProgressObserver? observer = null, CancellationToken ct = default)
    {
        var run = spec.Runs[0];
        var runner = new ExperimentRunner(checkpoints, store, new RunnerOptions { Workers = workers, StepsPerMember = spec.Steps }, observer);
        return await runner.RunAsync(
            new RunDefinition(run.Name, SpecMapping.RunSeed(spec, run), spec.Objective, CohortCatalog.Instance.ToJson(spec, run)),
            CohortCatalog.Instance.CreateScheduler(spec, run),
            new NoisyQuadraticTrainableFactory(16, 1, 20),
            ct);
    }

    private static async Task<List<string>> ResultsAsync(IExperimentStore store) =>
        (await store.ReadResultsAsync("fire", CancellationToken.None))
            .Select(r => $"{r.Task.Member}/{r.Task.Ordinal} {r.Task.StartStep}+{r.Task.Steps} {r.Task.From?.Hash} {r.Validation["loss"]:R} {r.Checkpoint?.Hash}")
            .ToList();

    [Fact]
    public async Task Should_EndLikeAnUninterruptedRun_When_ResumedAfterCancellation()
    {
        var spec = CohortCatalog.Instance.Parse(Spec, "fire.yaml");
        var expectedStore = new InMemoryExperimentStore();
        var expected = await RunAsync(spec, expectedStore, new InMemoryCheckpointStore(), workers: 1);

        var store = new InMemoryExperimentStore();
        var checkpoints = new InMemoryCheckpointStore();
        using var cts = new CancellationTokenSource();
        var first = await RunAsync(spec, store, checkpoints, workers: 2, new CancelAfter(cts, 60), cts.Token);
        var resumed = await RunAsync(spec, store, checkpoints, workers: 2);

        Assert.Equal(RunStatus.Completed, expected.Status);
        Assert.Equal(RunStatus.Cancelled, first.Status);
        Assert.Equal(RunStatus.Completed, resumed.Status);
        Assert.True(resumed.Replayed >= 60, $"replayed {resumed.Replayed}");
        Assert.Equal(await ResultsAsync(expectedStore), await ResultsAsync(store));
        var events = (await store.ReadEventsAsync("fire", CancellationToken.None)).Select(e => e.Event).ToList();
        Assert.Equal((await expectedStore.ReadEventsAsync("fire", CancellationToken.None)).Select(e => e.Event), events);
        Assert.Contains(events, e => e is EvaluatorStarted);
    }
}
