using System.Text.Json;
using Cohort.Core.Scheduling;
using Cohort.Core.Strategies;
using Cohort.Spec.Methods;
using Cohort.Training.NoisyQuadratic;

namespace Cohort.Spec.Tests.Methods;

public sealed class FireSectionTests
{
    internal static readonly string Fire = File.ReadAllText(TestPaths.TestSpec("fire-small.yaml"));
    [Fact]
    public void Parse_Should_ReadTheFireKeysAndTheNoisyQuadratic_When_MethodIsFire()
    {
        var spec = TestCatalog.Parse(Fire, "fire.yaml");

        Assert.Equal(new TrainableSpec("noisy_quadratic", new NoisyQuadraticSettings(20, 1.5, 50, true)), spec.Trainable);
        var fire = (FireSettings)spec.Runs[0].Settings;
        Assert.Equal("fire", spec.Runs[0].Method);
        Assert.Equal(11, spec.Runs[0].Population);
        Assert.Equal((2, 4, 3), (fire.SubPopulations, fire.SubPopulationSize, fire.Evaluators));
        Assert.Equal(10, fire.EvalEvery);
        Assert.Equal(0.05, fire.PStat);
        Assert.Equal(120, fire.MaxEvalSteps);
        Assert.Equal([20L], fire.MinStepsBeforeEval);

        // Defaults: the paper's 22-worker split, p_stat 0.01, eval every ready interval, max_eval_steps 3 ready intervals,
        // truncation 25% and perturb by {0.5, 0.8, 1.25, 2.0}.
        var defaults = (FireSettings)spec.Runs[1].Settings;
        Assert.Equal((2, 8, 6), (defaults.SubPopulations, defaults.SubPopulationSize, defaults.Evaluators));
        Assert.Equal((40, 0.01, 120L), (defaults.EvalEvery, defaults.PStat, defaults.MaxEvalSteps));
        Assert.Equal(new TruncationExploit(0.25), defaults.Exploit);
        Assert.Equal([0.5, 0.8, 1.25, 2.0], ((PerturbSettings)defaults.Explore).Factors);
        Assert.IsType<PbtSettings>(spec.Runs[2].Settings);
    }

    [Fact]
    public void Serialize_Should_ParseBackToAnEqualSpec_When_TheSpecHasFireRuns()
    {
        var spec = TestCatalog.Parse(Fire, "fire.yaml");

        var json = TestCatalog.WithLab.ToJson(spec);

        Assert.Equal(spec, TestCatalog.Parse(json, "stored.json"));
        using var document = JsonDocument.Parse(json);
        Assert.Equal("fire", document.RootElement.GetProperty("runs")[0].GetProperty("method").GetString());
        Assert.Equal("expected", document.RootElement.GetProperty("trainable").GetProperty("noise").GetString());
    }

    [Fact]
    public void Parse_Should_ReportEachBadKey_When_FireKeysAreMisused()
    {
        var text = Fire
            .Replace("eval_every: 10", "eval_every: 15", StringComparison.Ordinal)
            .Replace("p_stat: 0.05", "p_stat: 1.5", StringComparison.Ordinal)
            .Replace("    population: 22", "    population: 22\n    mode: asynchronous", StringComparison.Ordinal)
            .Replace("    init: random", "    init: random\n    sub_populations: 3", StringComparison.Ordinal)
            .Replace("noise: expected", "noise: loud", StringComparison.Ordinal);

        var errors = TestCatalog.Errors(text, "fire.yaml");

        Assert.Equal(
            ["runs[0].eval_every", "runs[0].p_stat", "runs[1].mode", "runs[2].sub_populations", "trainable.noise"],
            errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Parse_Should_RejectTheSplit_When_EvaluatorsLeaveUnequalSubPopulations()
    {
        var text = Fire.Replace("    sub_populations: 2\n", "    sub_populations: 2\n    evaluators: 4\n", StringComparison.Ordinal);

        var error = Assert.Single(TestCatalog.Errors(text, "fire.yaml"));

        Assert.Equal("runs[0].population", error.Path);
        Assert.Contains("multiple of 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scheduler_Should_BeAFireSchedulerWithTheSpecOptions_When_MethodIsFire()
    {
        var spec = TestCatalog.Parse(Fire, "fire.yaml");

        var scheduler = Assert.IsType<FireScheduler>(TestCatalog.WithLab.CreateScheduler(spec, spec.Runs[0]));

        Assert.Equal(11, scheduler.Population);
        Assert.Equal(4, scheduler.SubPopulationSize);
        Assert.Equal(3, scheduler.EvaluatorCount);
        Assert.Equal(40, scheduler.Options.ReadyInterval);
        Assert.Equal(10, scheduler.Options.EffectiveEvalInterval);
        Assert.Equal(0.05, scheduler.Options.PStat);
        Assert.Equal(120, scheduler.Options.EffectiveMaxEvalSteps);
        Assert.Equal(20, scheduler.Options.MinStepsBeforeEvalOf(2));
        Assert.Equal(0.25, Assert.IsType<TruncationSelection>(scheduler.Options.Exploit).Fraction);
        Assert.Equal(8, scheduler.Pending.Count);
        Assert.All(scheduler.Pending, t => Assert.Equal(10, t.Steps));
    }
}
