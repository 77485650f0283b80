using System.Text.Json;
using Cohort.Core.Execution;
using Cohort.Core.Scheduling;
using Cohort.Core.Stopping;
using Cohort.Core.Storage;
using Cohort.Spec.Results;
using Cohort.Spec.Sections;

namespace Cohort.Spec.Tests;

/// <summary>A run's <c>stop:</c> key: read, checked against the trainable, written, mapped onto Core, and reported.</summary>
public sealed class StopSpecTests
{
    private const string Lab = """
        version: 1
        experiment: lab
        objective: {metric: loss}
        trainable: {kind: lab, target: 1}
        hyperparameters:
          learning_rate: {type: float, scale: log, min: 0.001, max: 0.5, grid: 4}
        steps: 40
        ready: {every: 5}
        runs:
          - name: grid
            method: grid
            stop: {threshold: {at_most: 0.01}, plateau: {patience: 3, min_delta: 0.0001}, steps: 30}
          - name: pbt
            method: pbt
            population: 4
            init: random
            stop:
              threshold: [{metric: loss, at_most: 0.001}]
              stopped_donors: true
        """;

    [Fact]
    public void Parse_Should_ReadTheConditions_When_ARunHasStop()
    {
        var spec = TestCatalog.Parse(Lab);

        var grid = spec.Runs[0].Stop;
        Assert.Equal([MetricThreshold.Below("loss", 0.01)], grid.Thresholds);
        Assert.Equal(new Plateau(3, 0.0001), grid.Plateau);
        Assert.Equal(new StepLimit(30), grid.Steps);
        Assert.Null(grid.Time);
        Assert.False(grid.StoppedDonors);
        Assert.True(spec.Runs[1].Stop.StoppedDonors);

        var options = TestCatalog.WithLab.CreateOptions(spec, spec.Runs[0]);
        Assert.Equal("loss ≤ 0.01; plateau: no improvement by more than 0.0001 in 3 evaluations; steps ≥ 30", options.Stop.ToString());
        Assert.Equal(30, options.Stop.StepLimit);
        Assert.True(TestCatalog.WithLab.CreateOptions(spec, spec.Runs[1]).Stop.StoppedDonors);
    }

    [Fact]
    public void ToJson_Should_WriteStopAndParseBackToAnEqualSpec()
    {
        var spec = TestCatalog.Parse(Lab);

        var json = TestCatalog.WithLab.ToJson(spec);
        var back = TestCatalog.Parse(json, "stored.json");

        Assert.Equal(spec, back);
        using var document = JsonDocument.Parse(json);
        var stop = document.RootElement.GetProperty("runs")[0].GetProperty("stop");
        Assert.Equal(0.01, stop.GetProperty("threshold")[0].GetProperty("at_most").GetDouble());
        Assert.Equal(30, stop.GetProperty("steps").GetInt64());
        Assert.Equal(StopSpec.None, TestCatalog.Parse(Lab.Replace("    stop: {threshold: {at_most: 0.01}, plateau: {patience: 3, min_delta: 0.0001}, steps: 30}\n", "", StringComparison.Ordinal)).Runs[0].Stop);
    }

    [Fact]
    public void Parse_Should_ReportEachBadStopKey_When_TheConditionsAreWrong()
    {
        var text = Lab
            .Replace("stop: {threshold: {at_most: 0.01}, plateau: {patience: 3, min_delta: 0.0001}, steps: 30}",
                "stop: {threshold: {metric: accuracy, at_least: 0.9}, plateau: {patience: 0}, steps: 40, seconds: 60, stoped_donors: true}", StringComparison.Ordinal)
            .Replace("threshold: [{metric: loss, at_most: 0.001}]", "threshold: [{metric: loss, at_most: 0.001, at_least: 0.5}]", StringComparison.Ordinal);

        var errors = TestCatalog.Errors(text);

        Assert.Equal(
            ["runs[0].stop.stoped_donors", "runs[0].stop.plateau.patience", "runs[0].stop.steps", "runs[1].stop.threshold[0]", "runs[0].stop.threshold.metric", "runs[0].stop.seconds"],
            errors.Select(e => e.Path));
        Assert.Contains("did you mean 'stopped_donors'", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("[1, steps = 40)", errors[2].Message, StringComparison.Ordinal);
        Assert.Contains("exactly one of at_least", errors[3].Message, StringComparison.Ordinal);
        Assert.Contains("trainable 'lab' reports no metric 'accuracy'", errors[4].Message, StringComparison.Ordinal);
        Assert.Contains("a time limit adds up the metric 'train_seconds'", errors[5].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_RejectStoppedDonors_When_TheMethodCannotKeepThem()
    {
        var text = Lab.Replace("init: random", "init: random\n    copy_optimizer_state: false", StringComparison.Ordinal);

        var error = Assert.Single(TestCatalog.Errors(text));

        Assert.Equal("runs[1]", error.Path);
        Assert.Contains("StoppedDonors", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summary_Should_SayWhyEachMemberStopped_When_TheRunEnds()
    {
        // Given the spec's grid run trained through the runner (learning rates 0.5 and 0.16 reach the threshold early)
        var catalog = TestCatalog.WithLab;
        var spec = catalog.Parse(Lab, "lab.yaml");
        var run = spec.Runs[0];
        var factory = await catalog.CreateFactoryAsync(spec, TrainableContext.Quiet(spec.Seed), CancellationToken.None);
        var store = new InMemoryExperimentStore();
        var runner = new ExperimentRunner(new InMemoryCheckpointStore(), store, new RunnerOptions { Workers = 1 });
        await runner.RunAsync(new RunDefinition(run.Name, SpecMapping.RunSeed(spec, run), spec.Objective, catalog.ToJson(spec, run)), catalog.CreateScheduler(spec, run), factory, CancellationToken.None);

        // When the summary is read from the store
        var summary = Assert.Single(await ExperimentSummary.ReadAsync(store, spec, CancellationToken.None));
        var json = ExperimentSummary.ToJson(spec, [summary]);
        var csv = await ExperimentSummary.EventsCsvAsync(store, spec, CancellationToken.None);

        // Then each member's reason and message are there
        Assert.Equal(4, summary.Finished.Count);
        Assert.Contains(summary.Finished, f => f.Reason == MemberStopReason.Threshold);
        Assert.Contains(summary.Finished, f => f.Reason == MemberStopReason.StepLimit);
        var members = json["runs"]![0]!["members"]!.AsArray();
        Assert.Equal(summary.Finished.Select(f => MemberStopReasons.Name(f.Reason)), members.Select(m => m!["reason"]!.GetValue<string>()));
        Assert.Equal(4, json["runs"]![0]!["stop_reasons"]!.AsObject().Sum(p => p.Value!.GetValue<int>()));
        Assert.Contains(",finished,", csv, StringComparison.Ordinal);
        Assert.Contains("step-limit", csv, StringComparison.Ordinal);
    }
}
