using System.Diagnostics;
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

    [Theory]
    [InlineData(15)] // SIGTERM
    [InlineData(2)] // SIGINT (Ctrl+C)
    public async Task Process_Should_StopCleanlyWithExitCodeZero_When_TerminatedOrInterrupted(int signal)
    {
        // Given a finished toy experiment and a dashboard process serving it
        var dir = TestPaths.NewDirectory();
        var run = await Cli.RunAsync("run", TestPaths.Example("toy.yaml"), "--out", dir, "--workers", "2");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        using var process = Process.Start(CliProcess.StartInfo(null, "dashboard", dir, "--port", "0"))!;
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string? line;
        do
        {
            line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        while (line is not null && !line.StartsWith("Dashboard of", StringComparison.Ordinal));

        Assert.NotNull(line);

        // When it receives the signal
        if (signal == 15)
        {
            CliProcess.Terminate(process);
        }
        else
        {
            CliProcess.Interrupt(process);
        }

        await process.WaitForExitAsync(timeout.Token);

        // Then it stops at once with exit code 0 (stopping a server is its normal end), saying nothing of a store
        Assert.Equal(0, process.ExitCode);
        var said = await error;
        Assert.Contains("stopping the dashboard", said, StringComparison.Ordinal);
        Assert.DoesNotContain("store", said, StringComparison.Ordinal);
    }
}
