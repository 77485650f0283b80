using System.Text.Json;
using Cohort.Core.Scheduling;
using Cohort.Spec.Methods;
using Cohort.Training.Synthetic;

namespace Cohort.Spec.Tests.Methods;

public sealed class GaSectionTests
{
    internal static readonly string Ga = File.ReadAllText(TestPaths.TestSpec("ga-small.yaml"));
    [Fact]
    public void Parse_Should_ReadTheGaKeysAndTheSyntheticTrainable_When_MethodIsGa()
    {
        var spec = TestCatalog.Parse(Ga, "ga.yaml");

        Assert.Equal(new TrainableSpec("synthetic", new SyntheticSettings(8, 0.01)), spec.Trainable);
        Assert.Equal("ga", spec.Runs[0].Method);
        Assert.Equal(6, spec.Runs[0].Population);
        Assert.Equal(new GaSettings(0.5, 0.1, WeightsParentChoice.BestOfHyperparameterParents), spec.Runs[0].Settings);
        Assert.Equal(new GaSettings(0.33, 0.05, WeightsParentChoice.FitnessProportional), spec.Runs[1].Settings);
    }

    [Fact]
    public void Serialize_Should_ParseBackToAnEqualSpec_When_TheSpecHasGaRuns()
    {
        var spec = TestCatalog.Parse(Ga, "ga.yaml");

        var json = TestCatalog.WithLab.ToJson(spec);

        Assert.Equal(spec, TestCatalog.Parse(json, "stored.json"));
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

        var errors = TestCatalog.Errors(text, "ga.yaml");

        Assert.Equal(["runs[0].crossover_rate", "runs[0].weights_parent", "runs[1].exploit"], errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Scheduler_Should_BeAGaSchedulerWithTheSpecRates_When_MethodIsGa()
    {
        var spec = TestCatalog.Parse(Ga, "ga.yaml");

        var scheduler = Assert.IsType<GaScheduler>(TestCatalog.WithLab.CreateScheduler(spec, spec.Runs[0]));

        Assert.Equal(6, scheduler.Population);
        Assert.Equal(0.5, scheduler.Options.CrossoverRate);
        Assert.Equal(0.1, scheduler.Options.MutationRate);
        Assert.Equal(WeightsParentChoice.BestOfHyperparameterParents, scheduler.Options.WeightsParent);
        Assert.Equal(10, scheduler.Options.ReadyInterval);
    }

    [Fact]
    public void Parse_Should_NameTheMissingHyperparameters_When_TheSyntheticProblemHasMoreDimensions()
    {
        var error = Assert.Single(TestCatalog.Errors(Ga.Replace("dimensions: 8", "dimensions: 10", StringComparison.Ordinal), "ga.yaml"));

        // The synthetic trainable declares h0 … h{D−1} required: the declaration, not a special case, finds them missing.
        Assert.Equal("hyperparameters", error.Path);
        Assert.Contains("needs hyperparameters h8, h9", error.Message, StringComparison.Ordinal);
    }
}
