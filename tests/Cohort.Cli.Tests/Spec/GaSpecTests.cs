using System.Text.Json;
using Cohort.Cli.Experiments;
using Cohort.Cli.Spec;
using Cohort.Core.Scheduling;

namespace Cohort.Cli.Tests.Spec;

public sealed class GaSpecTests
{
    private const string Ga = """
        version: 1
        experiment: ga-small
        seed: 3
        objective: {metric: score, mode: maximize}
        trainable: {kind: synthetic, dimensions: 8, noise: 0.01}
        hyperparameters:
          h0: {type: float, min: 0, max: 1}
          h1: {type: float, min: 0, max: 1}
          h2: {type: float, min: 0, max: 1}
          h3: {type: float, min: 0, max: 1}
          h4: {type: float, min: 0, max: 1}
          h5: {type: float, min: 0, max: 1}
          h6: {type: float, min: 0, max: 1}
          h7: {type: float, min: 0, max: 1}
        steps: 60
        ready: {every: 10}
        runs:
          - name: ga
            method: ga
            population: 6
            crossover_rate: 0.5
            mutation_rate: 0.1
            weights_parent: best
          - name: ga-defaults
            method: ga
            population: 4
        """;

    [Fact]
    public void Parse_Should_ReadTheGaKeysAndTheSyntheticTrainable_When_MethodIsGa()
    {
        var spec = SpecLoader.Parse(Ga, "ga.yaml");

        Assert.Equal(new TrainableSpec(TrainableKind.Synthetic, null, new SyntheticSpec(8, 0.01)), spec.Trainable);
        Assert.Equal(RunMethod.Ga, spec.Runs[0].Method);
        Assert.Equal(6, spec.Runs[0].Population);
        Assert.Equal(new GaSpec(0.5, 0.1, GaWeightsParent.Best), spec.Runs[0].Ga);
        Assert.Null(spec.Runs[0].Pbt);
        Assert.Equal(new GaSpec(0.33, 0.05, GaWeightsParent.Fitness), spec.Runs[1].Ga);
    }

    [Fact]
    public void Serialize_Should_ParseBackToAnEqualSpec_When_TheSpecHasGaRuns()
    {
        var spec = SpecLoader.Parse(Ga, "ga.yaml");

        var json = SpecJson.Serialize(spec);

        Assert.Equal(spec, SpecLoader.Parse(json, "stored.json"));
        using var document = JsonDocument.Parse(json);
        Assert.Equal("best", document.RootElement.GetProperty("runs")[0].GetProperty("weights_parent").GetString());
    }

    [Fact]
    public void Parse_Should_ReportEachBadKey_When_GaKeysAreMisused()
    {
        var text = Ga
            .Replace("crossover_rate: 0.5", "crossover_rate: 1.5", StringComparison.Ordinal)
            .Replace("weights_parent: best", "weights_parent: worst", StringComparison.Ordinal)
            .Replace("    population: 4", "    population: 4\n    exploit: {strategy: truncation}", StringComparison.Ordinal);

        var errors = Assert.Throws<SpecException>(() => SpecLoader.Parse(text, "ga.yaml")).Errors;

        Assert.Equal(["runs[0].crossover_rate", "runs[0].weights_parent", "runs[1].exploit"], errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Scheduler_Should_BeAGaSchedulerWithTheSpecRates_When_MethodIsGa()
    {
        var spec = SpecLoader.Parse(Ga, "ga.yaml");

        var scheduler = Assert.IsType<GaScheduler>(SpecMapping.Scheduler(spec, spec.Runs[0]));

        Assert.Equal(6, scheduler.Population);
        Assert.Equal(0.5, scheduler.Options.CrossoverRate);
        Assert.Equal(0.1, scheduler.Options.MutationRate);
        Assert.Equal(WeightsParentChoice.BestOfHyperparameterParents, scheduler.Options.WeightsParent);
        Assert.Equal(10, scheduler.Options.ReadyInterval);
    }

    [Fact]
    public async Task Run_Should_RecordBredEventsAndTheGaMethod_When_TheSpecRunsEndToEnd()
    {
        var dir = TestPaths.NewDirectory();
        var spec = Path.Combine(dir, "ga.yaml");
        await File.WriteAllTextAsync(spec, Ga);

        var result = await Cli.RunAsync("run", spec, "--out", Path.Combine(dir, "out"), "--workers", "1");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        var scores = CohortAppTests.BestScores(Path.Combine(dir, "out"));
        Assert.InRange(scores["ga"], 0.05, 1.1);
        var events = await File.ReadAllLinesAsync(Path.Combine(dir, "out", "events.csv"));
        Assert.Contains(events, line => line.StartsWith("ga,bred,", StringComparison.Ordinal) && line.Contains("hyperparameter parents", StringComparison.Ordinal));
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "out", "summary.json")));
        Assert.Contains(summary.RootElement.GetProperty("runs").EnumerateArray(), r => r.GetProperty("method").GetString() == "ga");
    }

    [Fact]
    public void Parse_Should_NameTheMissingHyperparameters_When_TheSyntheticProblemHasMoreDimensions()
    {
        var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.Parse(Ga.Replace("dimensions: 8", "dimensions: 10", StringComparison.Ordinal), "ga.yaml")).Errors);

        Assert.Equal("trainable.dimensions", error.Path);
        Assert.Contains("h8, h9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Should_WriteTheSameSummary_When_RunWithOneAndTwoWorkers()
    {
        var dir = TestPaths.NewDirectory();
        var spec = Path.Combine(dir, "ga.yaml");
        await File.WriteAllTextAsync(spec, Ga);

        var one = await Cli.RunAsync("run", spec, "--out", Path.Combine(dir, "one"), "--workers", "1");
        var two = await Cli.RunAsync("run", spec, "--out", Path.Combine(dir, "two"), "--workers", "2");

        Assert.True(one.ExitCode == 0 && two.ExitCode == 0, one.Error + two.Error);
        Assert.Equal(CohortAppTests.SummaryWithoutTimes(Path.Combine(dir, "one")), CohortAppTests.SummaryWithoutTimes(Path.Combine(dir, "two")));
    }
}
