using System.Text.Json;
using Cohort.Storage.Sqlite;

namespace Cohort.Cli.Tests.Experiments;

/// <summary>What <c>cohort run</c> and <c>cohort resume</c> do with their options: overrides, run selection, reuse of an output folder, the data directory.</summary>
public sealed class ExperimentHostTests
{
    /// <summary>A small network spec on Boston: two runs of two members, a few hundred steps.</summary>
    private const string BostonSpec = """
        version: 1
        experiment: boston-tiny
        seed: 3
        objective: {metric: mse, mode: minimize}
        trainable: {kind: network, dataset: boston, model: {kind: mlp, hidden: [8]}, batch_size: 32}
        hyperparameters:
          l2: {type: float, scale: log, min: 1.0e-5, max: 0.1, grid: 2}
        constants: {learning_rate: 0.01}
        steps: 200
        ready: {every: 50}
        runs:
          - {name: grid, method: grid}
          - {name: pbt, method: pbt, population: 2, exploit: {strategy: truncation, fraction: 0.5}}
        """;

    private static async Task<JsonElement> StoredSpecAsync(string dir)
    {
        await using var store = await SqliteExperimentStore.OpenAsync(Path.Combine(dir, "cohort.db"));
        var json = await store.GetMetadataAsync("spec", CancellationToken.None);
        return JsonDocument.Parse(json!).RootElement.Clone();
    }

    [Fact]
    public async Task Run_Should_StoreTheOverriddenSpec_When_SetChangesSteps()
    {
        var dir = TestPaths.NewDirectory();

        var result = await Cli.RunAsync("run", TestPaths.Example("toy.yaml"), "--out", dir, "--set", "steps=10", "--set", "ready.every=5", "--runs", "pbt");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        var stored = await StoredSpecAsync(dir);
        Assert.Equal(10, stored.GetProperty("steps").GetInt64());
        Assert.Equal(5, stored.GetProperty("ready").GetProperty("every").GetInt32());
        Assert.Equal(["pbt"], stored.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "summary.json")));
        Assert.Equal(10, summary.RootElement.GetProperty("runs")[0].GetProperty("steps_per_member").GetInt64());
    }

    [Fact]
    public async Task Run_Should_ExitWith2NamingTheOverride_When_AnOverrideIsInvalid()
    {
        var dir = Path.Combine(TestPaths.NewDirectory(), "out");
        var spec = TestPaths.Example("toy.yaml");

        var badValue = await Cli.RunAsync("run", spec, "--out", dir, "--set", "steps=ten");
        var badKey = await Cli.RunAsync("validate", spec, "--set", "stepz=10");
        var badRun = await Cli.RunAsync("validate", spec, "--set", "runs.pbtt.population=4");
        var noEquals = await Cli.RunAsync("validate", spec, "--set", "steps");

        Assert.Equal((2, 2, 2, 2), (badValue.ExitCode, badKey.ExitCode, badRun.ExitCode, noEquals.ExitCode));
        Assert.Contains("--set steps=ten: steps: expected an integer ≥ 1 (got 'ten')", badValue.Error, StringComparison.Ordinal);
        Assert.Contains("--set stepz=10: stepz: unknown key (did you mean 'steps'?)", badKey.Error, StringComparison.Ordinal);
        Assert.Contains("--set runs.pbtt.population=4: runs.pbtt.population: runs has no item named 'pbtt' (did you mean 'pbt'?)", badRun.Error, StringComparison.Ordinal);
        Assert.Contains("--set steps: expected key.path=value", noEquals.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir), "nothing may be written for a rejected override");
    }

    [Fact]
    public async Task Run_Should_RunOnlyTheSelectedRuns_When_RunsIsGiven()
    {
        var dir = TestPaths.NewDirectory();

        var typo = await Cli.RunAsync("run", TestPaths.Example("toy.yaml"), "--out", dir, "--runs", "pbt,grd");
        var result = await Cli.RunAsync("run", TestPaths.Example("toy.yaml"), "--out", dir, "--runs", "pbt, grid", "--set", "steps=20");

        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("--runs: the spec has no run 'grd' (did you mean 'grid'?); its runs: grid, pbt, explore-only, exploit-only", typo.Error, StringComparison.Ordinal);
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Equal(["grid", "pbt"], CohortAppTests.BestScores(dir).Keys);
    }

    [Fact]
    public async Task Run_Should_ReplaceTheExperimentButKeepOtherFiles_When_Overwrite()
    {
        var dir = TestPaths.NewDirectory();
        var notes = Path.Combine(dir, "notes.txt");
        await File.WriteAllTextAsync(notes, "mine");
        string[] small = ["--runs", "pbt", "--set", "steps=20"];
        Assert.Equal(0, (await Cli.RunAsync(["run", TestPaths.Example("toy.yaml"), "--out", dir, "--seed", "1", .. small])).ExitCode);

        var refused = await Cli.RunAsync(["run", TestPaths.Example("toy.yaml"), "--out", dir, "--seed", "2", .. small]);
        var replaced = await Cli.RunAsync(["run", TestPaths.Example("toy.yaml"), "--out", dir, "--seed", "2", "--overwrite", .. small]);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--overwrite", refused.Error, StringComparison.Ordinal);
        Assert.True(replaced.ExitCode == 0, replaced.Output + replaced.Error);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "summary.json")));
        Assert.Equal(2UL, summary.RootElement.GetProperty("seed").GetUInt64());
        Assert.Equal("mine", await File.ReadAllTextAsync(notes));
    }

    [SharedDataFact]
    public async Task Resume_Should_UseTheStoredDataDirectory_When_RunWithDataDirIsInterrupted()
    {
        // Given a Boston experiment run with --data-dir (a copy, so the folder used is recognisable), interrupted as
        // its second run starts
        var data = SharedData.BostonCopy();
        var dir = TestPaths.NewDirectory();
        var spec = Path.Combine(dir, "boston.yaml");
        await File.WriteAllTextAsync(spec, BostonSpec);
        var output = Path.Combine(dir, "out");
        using var interrupt = new CancellationTokenSource();
        var watcher = new InterruptingWriter("[pbt] ", interrupt);
        var error = new StringWriter();
        var interrupted = await CohortApp.RunAsync(["run", spec, "--out", output, "--data-dir", data, "--workers", "1"], watcher, error, interactive: false, cancellationToken: interrupt.Token);

        // When it is resumed without --data-dir
        var resumed = await Cli.RunAsync("resume", output, "--workers", "1");

        // Then the interruption said how to continue, and the resumed run used the stored data folder and completed
        Assert.True(interrupted == 130, watcher + error.ToString());
        Assert.Contains($"interrupted; continue with `cohort resume {output}`", error.ToString(), StringComparison.Ordinal);
        Assert.True(resumed.ExitCode == 0, resumed.Output + resumed.Error);
        Assert.Contains("[grid] already completed", resumed.Output, StringComparison.Ordinal);
        Assert.Contains($"resume: experiment 'boston-tiny', runs grid, pbt, seed 3, data {data}", await File.ReadAllTextAsync(Path.Combine(output, "cohort.log")), StringComparison.Ordinal);
        Assert.Equal(["grid", "pbt"], CohortAppTests.BestScores(output).Keys);
    }

    [Fact]
    public async Task Run_Should_SayWhereToPutTheFileAndLeaveNothing_When_TheDownloadFails()
    {
        // Given an empty data folder and no way to reach the network (a proxy that refuses connections)
        var root = TestPaths.NewDirectory();
        var data = Path.Combine(root, "data");
        var output = Path.Combine(root, "out");
        var spec = Path.Combine(root, "boston.yaml");
        await File.WriteAllTextAsync(spec, BostonSpec);
        var offline = new Dictionary<string, string> { ["HTTPS_PROXY"] = "http://127.0.0.1:9", ["HTTP_PROXY"] = "http://127.0.0.1:9", ["NO_PROXY"] = "" };

        // When the experiment runs
        var result = await CliProcess.RunAsync(offline, TimeSpan.FromMinutes(2), "run", spec, "--out", output, "--data-dir", data);

        // Then it exits 2 saying which file to put where and its checksum, and leaves neither a dataset folder nor a store
        Assert.True(result.ExitCode == 2, result.Output + result.Error);
        Assert.Contains($"save it as {Path.Combine(data, "boston", "housing.data")} (SHA-256: 4a8425d42eb99b76feb7ee7cf0fb1d897a6cd19b72c437e4855d767cabb7e24e)", result.Error.Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(data, "boston")), "an empty dataset folder was left behind");
        Assert.False(Directory.Exists(output), "the experiment directory was left behind");
    }

    /// <summary>A writer that cancels <paramref name="source"/> once a line starting with <paramref name="prefix"/> is written (Ctrl+C at a chosen moment).</summary>
    private sealed class InterruptingWriter(string prefix, CancellationTokenSource source) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is not null && value.StartsWith(prefix, StringComparison.Ordinal))
            {
                source.Cancel();
            }
        }
    }
}
