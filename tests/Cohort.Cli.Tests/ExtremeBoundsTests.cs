using System.Text.Json;

namespace Cohort.Cli.Tests;

/// <summary>Issue 13's crash specs: extreme but valid bounds run to the end (they used to stop with an internal error).</summary>
public sealed class ExtremeBoundsTests
{
    [Fact]
    public async Task Should_CompleteEveryRun_When_TheLearningRateBoundIs2To63()
    {
        // Given fire-noisy-quadratic-sampled.yaml with max: 9223372036854775808 (most members diverge at once), shortened
        var dir = TestPaths.NewDirectory();
        var spec = Path.Combine(dir, "fire-2to63.yaml");
        var yaml = await File.ReadAllTextAsync(TestPaths.Example("fire-noisy-quadratic-sampled.yaml"));
        Assert.Contains("max: 1.9}", yaml, StringComparison.Ordinal);
        Assert.Contains("steps: 4000", yaml, StringComparison.Ordinal);
        await File.WriteAllTextAsync(spec, yaml.Replace("max: 1.9}", "max: 9223372036854775808}", StringComparison.Ordinal).Replace("steps: 4000", "steps: 400", StringComparison.Ordinal));

        // When it runs (PBT's truncation used to pick a diverged member as the donor and stop the run)
        var result = await Cli.RunAsync("run", spec, "--out", Path.Combine(dir, "out"), "--workers", "2");

        // Then both runs complete with a finite best
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "out", "summary.json")));
        foreach (var run in summary.RootElement.GetProperty("runs").EnumerateArray())
        {
            Assert.Equal("completed", run.GetProperty("status").GetString());
            Assert.True(double.IsFinite(run.GetProperty("best").GetProperty("score").GetDouble()));
        }
    }
}
