using System.Text.Json;
using Cohort.Core.Scheduling;
using Cohort.Core.Strategies;
using Cohort.Spec.Methods;
using Cohort.Training.Networks;

namespace Cohort.Spec.Tests.Methods;

/// <summary>The spec keys of paper 000's Keras protocol (split, features, batch order, penalty in loss, weights-only exploit, percentile truncation).</summary>
public sealed class KerasProtocolSpecTests
{
    private const string Keras = """
        version: 1
        experiment: keras
        objective: {metric: loss, mode: minimize}
        trainable:
          kind: network
          dataset: boston
          split: keras
          split_seed: 7
          test_fraction: 0.2
          validation_fraction: 0.3
          standardize_features: false
          batch_order: sequential
          loss_includes_penalty: true
        hyperparameters:
          l1_0: {type: float, scale: log, min: 1.0e-7, max: 1.0}
          l1_1: {type: float, scale: log, min: 1.0e-7, max: 1.0}
        steps: 100
        ready: {every: 50}
        runs:
          - name: pbt
            method: pbt
            init: points
            exploit: {strategy: truncation, fraction: 0.2, rule: percentile}
            copy_optimizer_state: false
            points:
              - {l1_0: 0.01, l1_1: 0.01}
              - {l1_0: 0.1, l1_1: 0.1}
          - name: pbt-default
            method: pbt
            population: 2
            init: random
        """;

    [Fact]
    public void Parse_Should_ReadEveryKerasKey_When_Given()
    {
        var spec = TestCatalog.Parse(Keras, "keras.yaml");

        var n = (NetworkSettings)spec.Trainable.Settings;
        Assert.Equal(DataSplitKind.Keras, n.Split);
        Assert.Equal(7u, n.SplitSeed);
        Assert.False(n.StandardizeFeatures);
        Assert.Equal(BatchOrder.Sequential, n.BatchOrder);
        Assert.True(n.LossIncludesPenalty);
        Assert.Equal(new TruncationExploit(0.2, TruncationRule.Percentile), Pbt(spec, 0).Exploit);
        Assert.False(Pbt(spec, 0).CopyOptimizerState);
        Assert.Equal(new TruncationExploit(0.2, TruncationRule.Count), Pbt(spec, 1).Exploit);
        Assert.True(Pbt(spec, 1).CopyOptimizerState);
    }

    [Fact]
    public void Parse_Should_KeepCohortsDefaults_When_TheKeysAreAbsent()
    {
        var spec = TestCatalog.Parse(DefaultKerasText(), "default.yaml");

        var n = (NetworkSettings)spec.Trainable.Settings;
        Assert.Equal(DataSplitKind.Seeded, n.Split);
        Assert.True(n.StandardizeFeatures);
        Assert.Equal(BatchOrder.Shuffled, n.BatchOrder);
        Assert.False(n.LossIncludesPenalty);
    }

    [Fact]
    public void Serialize_Should_ParseBackToAnEqualSpec_When_KerasKeysAreSet()
    {
        var spec = TestCatalog.Parse(Keras, "keras.yaml");

        var json = TestCatalog.WithLab.ToJson(spec);

        Assert.Equal(spec, TestCatalog.Parse(json, "stored.json"));
        using var document = JsonDocument.Parse(json);
        Assert.Equal("sequential", document.RootElement.GetProperty("trainable").GetProperty("batch_order").GetString());
        Assert.Equal("percentile", document.RootElement.GetProperty("runs")[0].GetProperty("exploit").GetProperty("rule").GetString());
    }

    [Fact]
    public void Scheduler_Should_CarryPercentileRuleAndWeightsOnlyExploit_When_Mapped()
    {
        var spec = TestCatalog.Parse(Keras, "keras.yaml");

        var options = Assert.IsType<PbtOptions>(TestCatalog.WithLab.CreateOptions(spec, spec.Runs[0]));

        Assert.False(options.CopyOptimizerState);
        var truncation = Assert.IsType<TruncationSelection>(options.Exploit);
        Assert.Equal(TruncationRule.Percentile, truncation.Rule);
        Assert.Equal(TruncationRule.Count, Assert.IsType<TruncationSelection>(((PbtOptions)TestCatalog.WithLab.CreateOptions(spec, spec.Runs[1])).Exploit).Rule);
    }

    [Fact]
    public void Parse_Should_ReportEachMisusedKey_When_KerasKeysAreWrong()
    {
        var text = Keras
            .Replace("split: keras", "split: sklearn", StringComparison.Ordinal)
            .Replace("batch_order: sequential", "batch_order: random", StringComparison.Ordinal)
            .Replace("rule: percentile", "rule: median", StringComparison.Ordinal)
            .Replace("    init: random", "    init: random\n    mode: asynchronous\n    copy_optimizer_state: false\n    exploit: {strategy: tournament, rule: count}", StringComparison.Ordinal);

        var errors = TestCatalog.Errors(text, "keras.yaml");

        var paths = errors.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("trainable.split", paths);
        Assert.Contains("trainable.batch_order", paths);
        Assert.Contains("runs[0].exploit.rule", paths);
        Assert.Contains("runs[1].exploit.rule", paths);
    }

    [Fact]
    public void Parse_Should_RejectWeightsOnlyExploit_When_Asynchronous()
    {
        var text = Keras.Replace("    copy_optimizer_state: false", "    copy_optimizer_state: false\n    mode: asynchronous", StringComparison.Ordinal);

        var error = Assert.Single(TestCatalog.Errors(text, "keras.yaml"));

        Assert.Equal("runs[0].copy_optimizer_state", error.Path);
    }

    [Fact]
    public void Parse_Should_RejectSplitSeed_When_TheSplitIsSeeded()
    {
        var text = Keras.Replace("split: keras", "split: seeded", StringComparison.Ordinal);

        var error = Assert.Single(TestCatalog.Errors(text, "keras.yaml"));

        Assert.Equal("trainable.split_seed", error.Path);
    }

    [Fact]
    public void Example_Should_StartFromTheTiedPaperGrid_When_LoadingTheKerasBadGrid()
    {
        var spec = TestCatalog.WithLab.Load(TestPaths.Example("boston-bad-grid-keras.yaml"));

        var grid = spec.Runs[0];
        Assert.Equal(36, grid.Points.Count);
        Assert.All(grid.Points, p => Assert.Equal(p.GetNumber("l1_0"), p.GetNumber("l1_1")));
        Assert.All(grid.Points, p => Assert.Equal(p.GetNumber("l2_0"), p.GetNumber("l2_1")));
        Assert.Equal(36, grid.Points.Select(p => (p.GetNumber("l1_0"), p.GetNumber("l2_0"))).Distinct().Count());
        Assert.Equal(new[] { 6, 12, 18, 24, 30, 36 }, spec.Runs.Skip(1).Select(r => r.Population));
        Assert.All(spec.Runs.Skip(1), r => Assert.False(((PbtSettings)r.Settings).CopyOptimizerState));
        Assert.All(spec.Runs.Skip(1), r => Assert.Equal(new TruncationExploit(0.2, TruncationRule.Percentile), ((PbtSettings)r.Settings).Exploit));

        // Each population of 6k uses each l1 value and each l2 value k times, like init: grid-subsample.
        var pbt6 = spec.Runs[1].Points;
        Assert.Equal(6, pbt6.Select(p => p.GetNumber("l1_0")).Distinct().Count());
        Assert.Equal(6, pbt6.Select(p => p.GetNumber("l2_0")).Distinct().Count());
        Assert.All(spec.Runs.Skip(2), r => Assert.Equal(pbt6, r.Points.Take(6)));
        Assert.True(((NetworkSettings)spec.Trainable.Settings).LossIncludesPenalty);
        Assert.Equal(DataSplitKind.Keras, ((NetworkSettings)spec.Trainable.Settings).Split);
    }

    [Fact]
    public void Example_Should_TieLayerL1AndKeepDropout_When_LoadingTheKerasGoodGrid()
    {
        var spec = TestCatalog.WithLab.Load(TestPaths.Example("boston-good-grid-keras.yaml"));

        Assert.True(((NetworkSettings)spec.Trainable.Settings).Model.Dropout);
        Assert.Equal(36, spec.Runs[0].Points.Count);
        Assert.All(spec.Runs[0].Points, p => Assert.Equal(p.GetNumber("l1_0"), p.GetNumber("l1_1")));
        Assert.Equal(6, spec.Runs[0].Points.Select(p => p.GetNumber("dropout")).Distinct().Count());
        Assert.Equal(new[] { 6, 12, 18, 24, 30, 36 }, spec.Runs.Skip(1).Select(r => r.Population));
    }

    private static PbtSettings Pbt(ExperimentSpec spec, int run) => (PbtSettings)spec.Runs[run].Settings;

    private static string DefaultKerasText() => Keras
        .Replace("  split: keras\n", string.Empty, StringComparison.Ordinal)
        .Replace("  split_seed: 7\n", string.Empty, StringComparison.Ordinal)
        .Replace("  standardize_features: false\n", string.Empty, StringComparison.Ordinal)
        .Replace("  batch_order: sequential\n", string.Empty, StringComparison.Ordinal)
        .Replace("  loss_includes_penalty: true\n", string.Empty, StringComparison.Ordinal);
}
