using System.Text.Json;
using Cohort.Cli.Experiments;
using Cohort.Core.Scheduling;
using Cohort.Spec;
using Cohort.Spec.Methods;
using Cohort.Training.Networks;

namespace Cohort.Cli.Tests;

public sealed class GaTopologyCliTests
{
    private const string Spec = """
        version: 1
        experiment: ga-topology-tiny
        seed: 2
        objective: {metric: accuracy, mode: maximize}
        trainable:
          kind: network
          dataset: mnist
          model: {kind: convnet, dropout: true}
          optimizer: adam
          batch_size: 16
          validation_fraction: 0.2
          eval_samples: 200
        hyperparameters:
          conv_filters1: {type: int, min: 2, max: 4}
          dense_sz: {type: int, scale: log, min: 8, max: 32}
          learning_rate: {type: float, scale: log, min: 1.0e-3, max: 1.0e-2}
        constants: {conv_filters2: 4, conv_kernel_sz1: 3, conv_kernel_sz2: 3, dropout: 0.1}
        steps: 30
        ready: {every: 10}
        runs:
          - name: topology
            method: ga
            mode: topology
            population: 3
            generations: 2
            target: 0.5
            time: cost
            demes: 3
            deme_layout: ring
            migration_rate: 0.5
        """;

    [Fact]
    public void Parse_Should_ReadTopologyModeAndDemes_When_GaRunSetsThem()
    {
        var catalog = CohortCatalog.Instance;
        var spec = catalog.Parse(Spec, "topology.yaml");

        Assert.Equal(NetworkModelKind.Convnet, ((NetworkSettings)spec.Trainable.Settings).Model.Kind);
        Assert.Equal(new GaSettings(0.33, 0.05, WeightsParentChoice.FitnessProportional, GaMode.Topology, 2, 0.5, TimeMeasure.Cost, 3, DemeLayout.Ring, 0.5), spec.Runs[0].Settings);
        var json = catalog.ToJson(spec);
        Assert.Equal(spec, catalog.Parse(json, "stored.json"));
        using var document = JsonDocument.Parse(json);
        Assert.Equal("topology", document.RootElement.GetProperty("runs")[0].GetProperty("mode").GetString());
    }

    [Fact]
    public void Parse_Should_RejectATargetOrGenerations_When_ModeIsPbt()
    {
        var text = Spec.Replace("    mode: topology\n", "", StringComparison.Ordinal).Replace("demes: 3", "demes: 9", StringComparison.Ordinal);

        var errors = Assert.Throws<SpecException>(() => CohortCatalog.Instance.Parse(text, "bad.yaml")).Errors;

        Assert.Contains(errors, e => e.Path.EndsWith("target", StringComparison.Ordinal) && e.Message.Contains("topology", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path.EndsWith("demes", StringComparison.Ordinal) && e.Message.Contains("more demes than members", StringComparison.Ordinal));
    }

    [SharedDataFact]
    public async Task Run_Should_TrainIndividualsFromScratchAndSummariseTheBestTopology_When_ModeIsTopology()
    {
        var data = SharedData.Root!;

        var dir = TestPaths.NewDirectory();
        var specPath = Path.Combine(dir, "topology.yaml");
        await File.WriteAllTextAsync(specPath, Spec);

        var result = await Cli.RunAsync("run", specPath, "--out", Path.Combine(dir, "out"), "--data-dir", data, "--workers", "2");

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "out", "summary.json")));
        var run = summary.RootElement.GetProperty("runs")[0];
        Assert.Equal("ga", run.GetProperty("method").GetString());
        var topology = run.GetProperty("topology");
        Assert.Equal("cost", topology.GetProperty("time").GetString());
        Assert.True(topology.GetProperty("individuals").GetInt32() >= 3);
        var best = topology.GetProperty("best");
        Assert.InRange(best.GetProperty("hyperparameters").GetProperty("conv_filters1").GetDouble(), 2, 4);
        var events = await File.ReadAllTextAsync(Path.Combine(dir, "out", "events.csv"));
        Assert.Contains(",bred,", events, StringComparison.Ordinal);
        var report = await File.ReadAllTextAsync(Path.Combine(dir, "out", "report.html"));
        Assert.Contains("class=\"family-tree\"", report, StringComparison.Ordinal);
    }
}
