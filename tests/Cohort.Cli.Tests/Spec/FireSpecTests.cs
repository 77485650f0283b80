using System.Text.Json;
using Cohort.Cli.Experiments;
using Cohort.Cli.Spec;
using Cohort.Core.Scheduling;
using Cohort.Core.Strategies;

namespace Cohort.Cli.Tests.Spec;

public sealed class FireSpecTests
{
    private const string Fire = """
        version: 1
        experiment: fire-small
        seed: 2
        objective: {metric: loss, mode: minimize}
        trainable: {kind: noisy_quadratic, dimensions: 20, curvature_power: 1.5, batch_size: 50, noise: expected}
        hyperparameters:
          lr: {type: float, scale: log, min: 0.01, max: 1.5}
        steps: 400
        ready: {every: 40}
        runs:
          - name: fire
            method: fire
            population: 11
            sub_populations: 2
            eval_every: 10
            p_stat: 0.05
            max_eval_steps: 120
            min_steps_before_eval: 20
          - name: fire-defaults
            method: fire
            population: 22
          - name: pbt
            method: pbt
            population: 11
            init: random
        """;

    [Fact]
    public void Parse_Should_ReadTheFireKeysAndTheNoisyQuadratic_When_MethodIsFire()
    {
        var spec = SpecLoader.Parse(Fire, "fire.yaml");

        Assert.Equal(new TrainableSpec(TrainableKind.NoisyQuadratic, null, null, new NoisyQuadraticSpec(20, 1.5, 50, true)), spec.Trainable);
        var fire = spec.Runs[0].Fire!;
        Assert.Equal(RunMethod.Fire, spec.Runs[0].Method);
        Assert.Equal(11, spec.Runs[0].Population);
        Assert.Equal((2, 4, 3), (fire.SubPopulations, fire.SubPopulationSize, fire.Evaluators));
        Assert.Equal(10, fire.EvalEvery);
        Assert.Equal(0.05, fire.PStat);
        Assert.Equal(120, fire.MaxEvalSteps);
        Assert.Equal([20L], fire.MinStepsBeforeEval);

        // Defaults: the paper's 22-worker split, p_stat 0.01, eval every ready interval, max_eval_steps 3 ready intervals,
        // truncation 25% and perturb by {0.5, 0.8, 1.25, 2.0}.
        var defaults = spec.Runs[1].Fire!;
        Assert.Equal((2, 8, 6), (defaults.SubPopulations, defaults.SubPopulationSize, defaults.Evaluators));
        Assert.Equal((40, 0.01, 120L), (defaults.EvalEvery, defaults.PStat, defaults.MaxEvalSteps));
        Assert.Equal(0.25, defaults.Exploit.Fraction);
        Assert.Equal([0.5, 0.8, 1.25, 2.0], defaults.Explore.Factors);
        Assert.Null(spec.Runs[2].Fire);
    }

    [Fact]
    public void Serialize_Should_ParseBackToAnEqualSpec_When_TheSpecHasFireRuns()
    {
        var spec = SpecLoader.Parse(Fire, "fire.yaml");

        var json = SpecJson.Serialize(spec);

        Assert.Equal(spec, SpecLoader.Parse(json, "stored.json"));
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

        var errors = Assert.Throws<SpecException>(() => SpecLoader.Parse(text, "fire.yaml")).Errors;

        Assert.Equal(
            ["runs[0].eval_every", "runs[0].p_stat", "runs[1].mode", "runs[2].sub_populations", "trainable.noise"],
            errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Parse_Should_RejectTheSplit_When_EvaluatorsLeaveUnequalSubPopulations()
    {
        var text = Fire.Replace("    sub_populations: 2\n", "    sub_populations: 2\n    evaluators: 4\n", StringComparison.Ordinal);

        var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.Parse(text, "fire.yaml")).Errors);

        Assert.Equal("runs[0].population", error.Path);
        Assert.Contains("multiple of 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scheduler_Should_BeAFireSchedulerWithTheSpecOptions_When_MethodIsFire()
    {
        var spec = SpecLoader.Parse(Fire, "fire.yaml");

        var scheduler = Assert.IsType<FireScheduler>(SpecMapping.Scheduler(spec, spec.Runs[0]));

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

    [Fact]
    public async Task Run_Should_RecordFireEventsSummaryAndReplay_When_TheSpecRunsEndToEnd()
    {
        var dir = TestPaths.NewDirectory();
        var spec = Path.Combine(dir, "fire.yaml");
        await File.WriteAllTextAsync(spec, Fire.Replace("population: 22", "population: 11", StringComparison.Ordinal));
        var output = Path.Combine(dir, "out");

        var result = await Cli.RunAsync("run", spec, "--out", output, "--workers", "2");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        using (var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "summary.json"))))
        {
            var fire = summary.RootElement.GetProperty("runs").EnumerateArray().First(r => r.GetProperty("name").GetString() == "fire");
            Assert.Equal("fire", fire.GetProperty("method").GetString());
            Assert.Equal(11, fire.GetProperty("population").GetInt32());
            Assert.True(fire.GetProperty("best").GetProperty("member").GetInt32() < 8, "the best member is a sub-population member, not an evaluator");
        }

        var events = await File.ReadAllLinesAsync(Path.Combine(output, "events.csv"));
        Assert.Contains(events, line => line.StartsWith("fire,sub-population,8,", StringComparison.Ordinal) && line.EndsWith(",evaluator", StringComparison.Ordinal));
        Assert.Contains(events, line => line.StartsWith("fire,evaluator-started,", StringComparison.Ordinal));
        Assert.Contains(events, line => line.StartsWith("fire,evaluator-stopped,", StringComparison.Ordinal));
        Assert.Contains("FIRE", await File.ReadAllTextAsync(Path.Combine(output, "report.html")), StringComparison.Ordinal);

        var replay = await Cli.RunAsync("replay", output, "--run", "fire");
        Assert.True(replay.ExitCode == 0, replay.Output + replay.Error);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "replay-fire.json")));
        var replayed = doc.RootElement.GetProperty("score").GetDouble();
        var original = doc.RootElement.GetProperty("original_score").GetDouble();
        // The expected-dynamics quadratic is deterministic: replaying the schedule from scratch reproduces the score.
        Assert.Equal(original, replayed, 9);
    }
}
