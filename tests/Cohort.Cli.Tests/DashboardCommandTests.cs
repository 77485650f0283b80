using System.Text.RegularExpressions;

namespace Cohort.Cli.Tests;

public sealed class DashboardCommandTests
{
    [Fact]
    public async Task Should_ExitWithUsageError_When_NoDirectoryOrStorageIsGiven()
    {
        var empty = await Cli.RunAsync("dashboard", TestPaths.NewDirectory());
        var badHost = await Cli.RunAsync("dashboard", TestPaths.NewDirectory(), "--host", "example.org");

        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("holds no experiment", empty.Error, StringComparison.Ordinal);
        Assert.Equal(2, badHost.ExitCode);
    }

    [Fact]
    public async Task Should_ServeUntilCancelledAndWarn_When_BoundToEveryInterface()
    {
        // Given a finished toy experiment
        var dir = TestPaths.NewDirectory();
        var run = await Cli.RunAsync("run", TestPaths.Example("toy.yaml"), "--out", dir, "--workers", "2");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);

        // When the dashboard is served on every interface, asked for the experiments, then stopped with Ctrl+C
        var output = new StringWriter();
        var error = new StringWriter();
        var syncOutput = TextWriter.Synchronized(output); // its writes lock the wrapper: reading under the same lock is safe
        using var stop = new CancellationTokenSource();
        var serving = CohortApp.RunAsync(["dashboard", dir, "--port", "0", "--host", "0.0.0.0"], syncOutput, TextWriter.Synchronized(error), interactive: false, cancellationToken: stop.Token);
        Match address = Match.Empty;
        for (var i = 0; i < 300 && !address.Success && !serving.IsCompleted; i++)
        {
            await Task.Delay(100);
            lock (syncOutput)
            {
                address = Regex.Match(output.ToString(), @"at http://0\.0\.0\.0:(\d+)/");
            }
        }

        Assert.True(address.Success, output.ToString() + error);
        using var client = new HttpClient();
        var json = await client.GetStringAsync($"http://127.0.0.1:{address.Groups[1].Value}/api/experiments");
        await stop.CancelAsync();
        var code = await serving;

        // Then it warned about the exposure, served the experiment, and stopped cleanly
        Assert.Equal(0, code);
        Assert.Contains("warning: --host 0.0.0.0", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"title\":\"toy\"", json, StringComparison.Ordinal);
    }
}
