using System.Text.Json.Nodes;
using Cohort.Core.Execution;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Spec.Results;
using Cohort.Spec.Sections;

namespace Cohort.Spec.Tests.Results;

/// <summary>The summary's time to <c>objective.target</c>: read from the spec, computed from the stored results.</summary>
public sealed class ExperimentSummaryTests
{
    private static async Task<(ExperimentSpec Spec, InMemoryExperimentStore Store)> RunToyAsync(string objective)
    {
        var spec = TestCatalog.Parse(
            SpecCatalogTests.Toy.Replace("{metric: q, mode: maximize}", objective, StringComparison.Ordinal).Replace("steps: 40", "steps: 200", StringComparison.Ordinal),
            "toy.yaml");
        var store = new InMemoryExperimentStore();
        var factory = await TestCatalog.WithLab.CreateFactoryAsync(spec, TrainableContext.Quiet(spec.Seed), CancellationToken.None);
        foreach (var run in spec.Runs.Take(2))
        {
            var runner = new ExperimentRunner(new InMemoryCheckpointStore(), store, new RunnerOptions { Workers = 1, StepsPerMember = spec.Steps });
            await runner.RunAsync(new RunDefinition(run.Name, SpecMapping.RunSeed(spec, run), spec.Objective), TestCatalog.WithLab.CreateScheduler(spec, run), factory, CancellationToken.None);
        }

        return (spec, store);
    }

    [Fact]
    public async Task Summary_Should_GiveEachRunsTimeToTheTarget_When_TheObjectiveHasOne()
    {
        // Given the toy for 200 steps (Q rises to about 0.39) and the target Q ≥ 0.3
        var (spec, store) = await RunToyAsync("{metric: q, mode: maximize, target: 0.3}");

        // When the summary is read
        var runs = await ExperimentSummary.ReadAsync(store, spec, CancellationToken.None);
        var json = ExperimentSummary.ToJson(spec, runs);

        // Then each run's time is Core's projection of its results, and the JSON carries it
        Assert.Equal(0.3, spec.Target);
        for (var i = 0; i < 2; i++)
        {
            var expected = TargetTimes.Of(await store.ReadResultsAsync(runs[i].Name, CancellationToken.None), spec.Objective, 0.3);
            Assert.Equal(expected, runs[i].TimeToTarget);
            Assert.NotNull(expected.Sustained);
            var times = json["runs"]![i]!["time_to_target"]!;
            Assert.Equal(0.3, times["target"]!.GetValue<double>());
            Assert.Equal(expected.Sustained!.TotalSteps, times["sustained"]!["total_steps"]!.GetValue<long>());
            Assert.Equal(expected.First!.Step, times["first"]!["step"]!.GetValue<long>());
        }
    }

    [Fact]
    public async Task Summary_Should_SayNever_When_NoRunReachesTheTarget()
    {
        var (spec, store) = await RunToyAsync("{metric: q, mode: maximize, target: 2}");

        var runs = await ExperimentSummary.ReadAsync(store, spec, CancellationToken.None);
        var json = ExperimentSummary.ToJson(spec, runs);

        Assert.All(runs, r => Assert.Equal(new TargetTimes(2, null, null, null, null), r.TimeToTarget));
        Assert.Null(json["runs"]![0]!["time_to_target"]!["first"]);
    }

    [Fact]
    public async Task Summary_Should_LeaveTheTimeOut_When_TheObjectiveHasNoTarget()
    {
        var (spec, store) = await RunToyAsync("{metric: q, mode: maximize}");

        var runs = await ExperimentSummary.ReadAsync(store, spec, CancellationToken.None);

        Assert.Null(spec.Target);
        Assert.All(runs, r => Assert.Null(r.TimeToTarget));
        Assert.False(((JsonObject)ExperimentSummary.ToJson(spec, runs)["runs"]![0]!).ContainsKey("time_to_target"));
    }

    [Theory]
    [InlineData("{metric: q, mode: maximize, target: high}", "objective.target")]
    [InlineData("{metric: q, mode: maximize, target: .nan}", "objective.target")]
    public void Parse_Should_RejectTheTarget_When_ItIsNotAFiniteNumber(string objective, string path)
    {
        var error = Assert.Single(TestCatalog.Errors(SpecCatalogTests.Toy.Replace("{metric: q, mode: maximize}", objective, StringComparison.Ordinal)));

        Assert.Equal(path, error.Path);
    }

    [Fact]
    public void Serialize_Should_StoreTheTarget_When_TheSpecHasOne()
    {
        var spec = TestCatalog.Parse(SpecCatalogTests.Toy.Replace("{metric: q, mode: maximize}", "{metric: q, mode: maximize, target: 1.15}", StringComparison.Ordinal));

        var json = TestCatalog.WithLab.ToJson(spec);

        Assert.Contains("\"target\": 1.15", json, StringComparison.Ordinal);
        Assert.Equal(spec, TestCatalog.Parse(json, "stored.json"));
        Assert.NotEqual(spec, spec with { Target = null });
    }
}
