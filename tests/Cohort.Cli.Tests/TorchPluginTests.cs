using System.Diagnostics;

namespace Cohort.Cli.Tests;

/// <summary>
/// <c>examples/torch-plugin</c>: a user's own TorchSharp model run by the plain <c>cohort</c> command (which does not
/// reference TorchSharp): as <c>kind: plugin</c>, and the built-in <c>torch</c> kind the assembly registers under
/// <c>plugins:</c>. LibTorch comes from the plugin's own output (patched there on Debian 12). Built once per test run.
/// </summary>
public sealed class TorchPluginTests
{
    private static readonly Lazy<Task<string>> s_assembly = new(() => ExampleProjects.BuildAsync("torch-plugin", "Cohort.Examples.TorchPlugin"));

    private static string Data() => SharedData.Root ?? throw new InvalidOperationException(SharedData.SkipReason);

    private static async Task<string> SpecAsync(string trainable, string hyperparameters, string plugins = "")
    {
        var dll = await s_assembly.Value;
        var path = Path.Combine(TestPaths.NewDirectory(), "torch-plugin.yaml");
        await File.WriteAllTextAsync(path, $$"""
            version: 1
            experiment: torch-plugin
            seed: 3
            {{plugins.Replace("DLL", dll, StringComparison.Ordinal)}}
            objective: {metric: mse, mode: minimize}
            trainable: {{trainable.Replace("DLL", dll, StringComparison.Ordinal).Replace("DATA", Data(), StringComparison.Ordinal)}}
            hyperparameters:
              learning_rate: {type: float, scale: log, min: 1.0e-3, max: 1.0e-2}
              {{hyperparameters}}
            steps: 40
            ready: {every: 20}
            runs:
              - {name: pbt, method: pbt, population: 3, init: random}
            """);
        return path;
    }

    private const string ResidualMlp = "{kind: plugin, assembly: DLL, type: Cohort.Examples.TorchPlugin.ResidualMlpFactory, options: {width: 16, blocks: 1, data: DATA}}";

    [SharedDataFact]
    public async Task Run_Should_TrainTheUsersTorchSharpModel_When_TheSpecNamesThePlugin()
    {
        // Given the plugin's residual MLP, searching its own module setting residual_scale
        var spec = await SpecAsync(ResidualMlp, "residual_scale: {type: float, min: 0.1, max: 1.5}");
        var dir = Path.Combine(Path.GetDirectoryName(spec)!, "out");

        // When cohort validates and runs it, and validates a misspelt setting
        var validate = await Cli.RunAsync("validate", spec);
        var result = await Cli.RunAsync("run", spec, "--out", dir, "--workers", "2");
        var typo = await Cli.RunAsync("validate", await SpecAsync(ResidualMlp, "residual_scal: {type: float, min: 0.1, max: 1.5}"));

        // Then the run trains (a finite validation MSE of Boston prices) and the typo is named against the declaration
        Assert.True(validate.ExitCode == 0, validate.Error);
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.All(CohortAppTests.BestScores(dir).Values, s => Assert.True(double.IsFinite(s) && s > 0 && s < 200, $"mse {s}"));
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("hyperparameters.residual_scal: trainable 'residual-mlp-13-16x1-1' has no hyperparameter 'residual_scal' (did you mean 'residual_scale'?)", typo.Error, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public async Task Run_Should_UseTheTorchKind_When_ThePluginIsListedUnderPlugins()
    {
        // Given the torch kind, registered by the plugin assembly
        var spec = await SpecAsync("{kind: torch, model: mlp, dataset: boston, hidden: [16], standardize_targets: true}", "l2: {type: float, scale: log, min: 1.0e-6, max: 1.0e-2}", "plugins: [DLL]");
        var dir = Path.Combine(Path.GetDirectoryName(spec)!, "out");

        // When cohort runs it
        var result = await Cli.RunAsync("run", spec, "--out", dir, "--data-dir", Data(), "--workers", "2");

        // Then it trains
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.All(CohortAppTests.BestScores(dir).Values, s => Assert.True(double.IsFinite(s) && s > 0 && s < 200, $"mse {s}"));
    }

    [SharedDataFact]
    public async Task Run_Should_ExitWith2SayingWhatToReference_When_LibTorchIsMissing()
    {
        // Given the plugin's managed assemblies without LibTorch (no native backend beside them, none in a NuGet cache)
        var dll = await s_assembly.Value;
        var bare = TestPaths.NewDirectory();
        foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(dll)!).Where(f => f.EndsWith(".dll", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(bare, Path.GetFileName(file)));
        }

        var spec = await SpecAsync("{kind: torch, model: mlp, dataset: boston, hidden: [8]}", "", "plugins: [" + Path.Combine(bare, Path.GetFileName(dll)) + "]");

        // When a fresh cohort process runs it (LibTorch is process-wide: this process may have loaded it already)
        var cohort = Path.Combine(AppContext.BaseDirectory, "cohort.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { cohort, "run", spec, "--out", Path.Combine(bare, "out"), "--data-dir", Data() })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["NUGET_PACKAGES"] = TestPaths.NewDirectory(); // TorchSharp's fallback copies backends out of the cache
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        // Then it exits 2 (a problem of this system, not an internal error) with one line saying what to reference
        Assert.True(process.ExitCode == 2, $"exit {process.ExitCode}\n{await output}\n{await error}");
        Assert.Contains("cohort: TorchSharp's native backend did not load. An application using Cohort.TorchSharp must reference a backend package", await error, StringComparison.Ordinal);
        Assert.DoesNotContain("completed", await output, StringComparison.Ordinal);
    }
}
