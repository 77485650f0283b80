using Cohort.Core.Hyperparameters;
using Cohort.Core.Pb2;
using Cohort.Core.Scheduling;
using Cohort.Core.Strategies;
using Cohort.Spec.Methods;

namespace Cohort.Spec.Tests.Methods;

public sealed class Pb2SectionTests
{
    private const string Spec = """
        version: 1
        experiment: pb2-small
        seed: 3
        objective: {metric: loss, mode: minimize}
        trainable: {kind: noisy_quadratic, dimensions: 20, noise: expected}
        hyperparameters:
          lr: {type: float, scale: log, min: 0.01, max: 1.5, grid: 4}
        steps: 400
        ready: {every: 40}
        runs:
          - name: pb2
            method: pb2
            population: 4
            mode: asynchronous
            init: random
            exploit: {strategy: truncation, fraction: 0.5}
            explore: {window: 24, fit_window: 12, candidates: 8, local_searches: 2, beta_scale: 0.5, category_forgetting: 0}
          - name: pb2-defaults
            method: pb2
            population: 3
        """;

    [Fact]
    public void Parse_Should_ReadEveryKeyAndTheDefaults_When_MethodIsPb2()
    {
        var spec = TestCatalog.Parse(Spec);

        var given = Assert.IsType<Pb2Settings>(spec.Runs[0].Settings);
        Assert.Equal(PbtMode.Asynchronous, given.Mode);
        Assert.Equal(InitializationKind.Random, given.Init);
        Assert.Equal(new TruncationExploit(0.5), given.Exploit);
        Assert.Equal(new Pb2ExploreOptions { Window = 24, FitWindow = 12, Candidates = 8, LocalSearches = 2, BetaScale = 0.5, CategoryForgetting = 0 }, given.Explore);

        // Defaults: synchronous, the grid sub-sampled (every hyperparameter has a grid), truncation 25% (the authors' code)
        var defaults = Assert.IsType<Pb2Settings>(spec.Runs[1].Settings);
        Assert.Equal(new Pb2Settings(PbtMode.Synchronous, InitializationKind.SubsampledGrid, new TruncationExploit(0.25), new Pb2ExploreOptions()), defaults);
        Assert.Equal(3, spec.Runs[1].Population);
    }

    [Fact]
    public void Serialize_Should_ParseBackToAnEqualSpec_When_TheSpecHasPb2Runs()
    {
        var spec = TestCatalog.Parse(Spec);

        var json = TestCatalog.WithLab.ToJson(spec);

        Assert.Equal(spec, TestCatalog.Parse(json, "stored.json"));
        Assert.Contains("\"fit_window\": 12", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Scheduler_Should_BeAPb2SchedulerWithTheSpecOptions_When_MethodIsPb2()
    {
        var spec = TestCatalog.Parse(Spec);

        var scheduler = Assert.IsType<Pb2Scheduler>(TestCatalog.WithLab.CreateScheduler(spec, spec.Runs[0]));

        Assert.Equal(4, scheduler.Population);
        Assert.Equal(40, scheduler.Options.ReadyInterval);
        Assert.Equal(PbtMode.Asynchronous, scheduler.Options.Mode);
        Assert.Equal(0.5, Assert.IsType<TruncationSelection>(scheduler.Options.Exploit).Fraction);
        Assert.Equal(8, scheduler.Options.Explore.Candidates);
        Assert.Equal(4, scheduler.Pending.Count);
    }

    [Fact]
    public void Parse_Should_ReportEachBadKeyWithItsValue_When_Pb2KeysAreMisused()
    {
        var text = Spec
            .Replace("window: 24,", "window: 0,", StringComparison.Ordinal)
            .Replace("beta_scale: 0.5", "beta_scale: -1", StringComparison.Ordinal)
            .Replace("mode: asynchronous", "mode: eventually", StringComparison.Ordinal)
            .Replace("    population: 3", "    population: 1\n    explore: {strategy: perturb, candidates: 4, local_searches: 9}", StringComparison.Ordinal);

        var errors = TestCatalog.Errors(text);

        Assert.Equal(
            ["runs[0].explore.beta_scale", "runs[0].explore.window", "runs[0].mode", "runs[1].explore.local_searches", "runs[1].explore.strategy", "runs[1].population"],
            errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Contains(errors, e => e.Path == "runs[0].explore.window" && e.Message.Contains("[1, 100000]", StringComparison.Ordinal) && e.Value == "0");
        Assert.Contains(errors, e => e.Path == "runs[1].explore.local_searches" && e.Message.Contains("candidates + 1 = 5", StringComparison.Ordinal) && e.Value == "9");
        Assert.Contains(errors, e => e.Path == "runs[1].population" && e.Message.Contains("pb2 run needs a population of at least 2", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_Should_RejectPbtKeys_When_MethodIsPb2()
    {
        var text = Spec.Replace("    population: 3", "    population: 3\n    boundary: reflect", StringComparison.Ordinal);

        var error = Assert.Single(TestCatalog.Errors(text));

        Assert.Equal("runs[1].boundary", error.Path);
    }
}
