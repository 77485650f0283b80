using System.Text.Json;

namespace Cohort.Cli.Tests;

/// <summary>
/// <c>examples/plugin</c>, a trainable in an assembly of its own built outside src/, run by <c>cohort run</c>: as
/// <c>kind: plugin</c> and through the kind <c>bowl</c> it registers. The project is built once per test run.
/// </summary>
public sealed class PluginTests
{
    private static readonly Lazy<Task<string>> s_assembly = new(BuildAsync);

    private static Task<string> BuildAsync() => ExampleProjects.BuildAsync("plugin", "Cohort.Examples.Plugin");

    private static async Task<string> SpecAsync(string trainable, string hyperparameters = "learning_rate: {type: float, scale: log, min: 0.01, max: 1.9}", string metric = "log_loss", string plugins = "")
    {
        var dll = await s_assembly.Value;
        var path = Path.Combine(TestPaths.NewDirectory(), "plugin.yaml");
        await File.WriteAllTextAsync(path, $$"""
            version: 1
            experiment: plugin
            seed: 3
            {{plugins.Replace("DLL", dll, StringComparison.Ordinal)}}
            objective: {metric: {{metric}}}
            trainable: {{trainable.Replace("DLL", dll, StringComparison.Ordinal)}}
            hyperparameters:
              {{hyperparameters}}
              momentum: {type: float, min: 0, max: 0.9}
            steps: 40
            ready: {every: 10}
            runs:
              - {name: random, method: random, population: 3}
              - {name: pbt, method: pbt, population: 4, init: random}
            """);
        return path;
    }

    private const string PluginKind = "{kind: plugin, assembly: DLL, type: Cohort.Examples.Plugin.BowlFactory, options: {dimensions: 4, condition: 50}}";

    [Fact]
    public async Task Run_Should_TrainThePluginsTrainable_When_TheSpecNamesItsAssemblyAndType()
    {
        var spec = await SpecAsync(PluginKind);
        var dir = Path.Combine(Path.GetDirectoryName(spec)!, "out");

        var result = await Cli.RunAsync("run", spec, "--out", dir, "--workers", "2");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        var scores = CohortAppTests.BestScores(dir);
        Assert.Equal(["random", "pbt"], scores.Keys);
        Assert.All(scores.Values, s => Assert.True(s < 0, $"log_loss {s}: the bowl's loss starts near 1 and falls"));
        using var stored = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "summary.json")));
        Assert.Equal("plugin", stored.RootElement.GetProperty("experiment").GetString());

        // The stored spec (with the absolute assembly path) is enough to resume and to show the run.
        Assert.Equal(0, (await Cli.RunAsync("resume", dir)).ExitCode);
        Assert.Contains("pbt", (await Cli.RunAsync("show", dir)).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_Should_ExitWith2NamingTheKey_When_AHyperparameterOrMetricIsNotDeclared()
    {
        var unknownHyperparameter = await Cli.RunAsync("validate", await SpecAsync(PluginKind, hyperparameters: "lr: {type: float, scale: log, min: 0.01, max: 1.9}"));
        var unknownMetric = await Cli.RunAsync("validate", await SpecAsync(PluginKind, metric: "accuracy"));

        Assert.Equal(2, unknownHyperparameter.ExitCode);
        Assert.Contains("hyperparameters.lr: trainable 'bowl' has no hyperparameter 'lr' (did you mean 'learning_rate'?); it accepts learning_rate, momentum", unknownHyperparameter.Error, StringComparison.Ordinal);
        Assert.Equal(2, unknownMetric.ExitCode);
        Assert.Contains("objective.metric: trainable 'bowl' reports no metric 'accuracy'; it reports loss, log_loss", unknownMetric.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_Should_ExitWith2NamingTheFileTypeOrOption_When_ThePluginCannotBeUsed()
    {
        var missing = await Cli.RunAsync("validate", await SpecAsync(PluginKind.Replace("DLL", "/no/such/Plugin.dll", StringComparison.Ordinal)));
        var type = await Cli.RunAsync("validate", await SpecAsync(PluginKind.Replace("BowlFactory", "BowlFactry", StringComparison.Ordinal)));
        var option = await Cli.RunAsync("validate", await SpecAsync(PluginKind.Replace("condition: 50", "conditon: 50", StringComparison.Ordinal)));

        Assert.Equal((2, 2, 2), (missing.ExitCode, type.ExitCode, option.ExitCode));
        Assert.Contains("trainable.assembly: plugin assembly /no/such/Plugin.dll does not exist", missing.Error, StringComparison.Ordinal);
        Assert.Contains("trainable.type: Cohort.Examples.Plugin.dll has no public type 'Cohort.Examples.Plugin.BowlFactry' (did you mean 'Cohort.Examples.Plugin.BowlFactory'?)", type.Error, StringComparison.Ordinal);
        Assert.Contains("trainable.options: Cohort.Examples.Plugin.BowlFactory rejected its options: unknown option 'conditon'", option.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Should_UseTheKindThePluginRegisters_When_TheAssemblyIsListedUnderPlugins()
    {
        var spec = await SpecAsync("{kind: bowl, dimensions: 4, condition: 50}", plugins: "plugins: [DLL]");
        var dir = Path.Combine(Path.GetDirectoryName(spec)!, "out");

        var validate = await Cli.RunAsync("validate", spec);
        var typo = await Cli.RunAsync("validate", await SpecAsync("{kind: bowl, dimension: 4}", plugins: "plugins: [DLL]"));
        var result = await Cli.RunAsync("run", spec, "--out", dir, "--workers", "2");

        Assert.True(validate.ExitCode == 0, validate.Error);
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("trainable.dimension: unknown key (did you mean 'dimensions'?)", typo.Error, StringComparison.Ordinal);
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.All(CohortAppTests.BestScores(dir).Values, s => Assert.True(s < 0, $"log_loss {s}"));
    }
}
