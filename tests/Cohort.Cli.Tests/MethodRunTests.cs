using System.Text.Json;
using System.Text.Json.Nodes;
using Cohort.Storage.Sqlite;

namespace Cohort.Cli.Tests;

/// <summary>FIRE and GA runs end to end through <c>cohort run</c> (their spec keys are tested in Cohort.Spec.Tests).</summary>
public sealed class MethodRunTests
{
    // The specs are shared with Cohort.Spec.Tests (FireSectionTests, GaSectionTests), which test their keys.
    private static readonly string Fire = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "tests", "specs", "fire-small.yaml"));
    private static readonly string Ga = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "tests", "specs", "ga-small.yaml"));

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

    [Fact]
    public async Task Run_Should_RecordBredEventsAndTheGaMethod_When_TheSpecRunsEndToEnd()
    {
        var dir = TestPaths.NewDirectory();
        var spec = Path.Combine(dir, "ga.yaml");
        await File.WriteAllTextAsync(spec, Ga);

        var result = await Cli.RunAsync("run", spec, "--out", Path.Combine(dir, "out"), "--workers", "1");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        var scores = CohortAppTests.BestScores(Path.Combine(dir, "out"));
        Assert.InRange(scores["ga"], 0.05, 1.1);
        var events = await File.ReadAllLinesAsync(Path.Combine(dir, "out", "events.csv"));
        Assert.Contains(events, line => line.StartsWith("ga,bred,", StringComparison.Ordinal) && line.Contains("hyperparameter parents", StringComparison.Ordinal));
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "out", "summary.json")));
        Assert.Contains(summary.RootElement.GetProperty("runs").EnumerateArray(), r => r.GetProperty("method").GetString() == "ga");
    }

    [Fact]
    public async Task Run_Should_WriteTheSameSummary_When_RunWithOneAndTwoWorkers()
    {
        var dir = TestPaths.NewDirectory();
        var spec = Path.Combine(dir, "ga.yaml");
        await File.WriteAllTextAsync(spec, Ga);

        var one = await Cli.RunAsync("run", spec, "--out", Path.Combine(dir, "one"), "--workers", "1");
        var two = await Cli.RunAsync("run", spec, "--out", Path.Combine(dir, "two"), "--workers", "2");

        Assert.True(one.ExitCode == 0 && two.ExitCode == 0, one.Error + two.Error);
        Assert.Equal(CohortAppTests.SummaryWithoutTimes(Path.Combine(dir, "one")), CohortAppTests.SummaryWithoutTimes(Path.Combine(dir, "two")));
    }

    [Fact]
    public async Task Resume_Should_AcceptTheStoredSpec_When_AnOlderVersionWroteItInAnotherLayout()
    {
        // Given a finished GA experiment whose stored spec is in main's older layout (no demes keys when demes is 1)
        var dir = TestPaths.NewDirectory();
        var spec = Path.Combine(dir, "ga.yaml");
        await File.WriteAllTextAsync(spec, Ga);
        var output = Path.Combine(dir, "out");
        Assert.Equal(0, (await Cli.RunAsync("run", spec, "--out", output, "--workers", "2")).ExitCode);
        await using (var store = await SqliteExperimentStore.OpenAsync(Path.Combine(output, "cohort.db")))
        {
            var json = JsonNode.Parse((await store.GetMetadataAsync("spec", CancellationToken.None))!)!;
            foreach (var run in json["runs"]!.AsArray())
            {
                run!.AsObject().Remove("demes");
                run.AsObject().Remove("deme_layout");
                run.AsObject().Remove("migration_rate");
            }

            await store.SetMetadataAsync("spec", json.ToJsonString(), CancellationToken.None);
        }

        // When it is resumed, or run again into the same directory
        var resume = await Cli.RunAsync("resume", output);
        var again = await Cli.RunAsync("run", spec, "--out", output);

        // Then the stored spec is recognised as the same experiment
        Assert.True(resume.ExitCode == 0, resume.Error);
        Assert.Contains("already completed", resume.Output, StringComparison.Ordinal);
        Assert.True(again.ExitCode == 0, again.Error);
    }
}
