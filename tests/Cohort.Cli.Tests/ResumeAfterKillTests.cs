using System.Diagnostics;
using Xunit.Abstractions;

namespace Cohort.Cli.Tests;

/// <summary>
/// The crash-safety bar of issue 2: kill -9 a synchronous run at a random moment, resume it, and get exactly the
/// summary of a run that never stopped.
/// </summary>
public sealed class ResumeAfterKillTests(ITestOutputHelper log)
{
    [Fact]
    public async Task Should_EndWithTheUninterruptedSummary_When_KilledWithSigkillAndResumed()
    {
        // Given an uninterrupted reference run
        var reference = TestPaths.NewDirectory();
        var spec = TestPaths.Example("toy.yaml");
        Assert.Equal(0, (await Cli.RunAsync("run", spec, "--out", reference, "--seed", "3", "--workers", "2")).ExitCode);

        // When the same run, in its own process, is killed with SIGKILL at a random moment and then resumed
        var killed = TestPaths.NewDirectory();
        var delay = TimeSpan.FromMilliseconds(Random.Shared.Next(300, 5000));
        log.WriteLine($"killing {delay.TotalMilliseconds} ms after the store appeared");
        var wasRunning = await RunAndKillAsync(["run", spec, "--out", killed, "--seed", "3", "--workers", "2"], killed, delay);
        log.WriteLine(wasRunning ? "killed mid-run" : "the run finished before the kill");
        var resumed = await Cli.RunAsync("resume", killed, "--workers", "2");

        // Then the resumed run ends with the same scores and schedules
        Assert.True(resumed.ExitCode == 0, resumed.Output + resumed.Error);
        Assert.Equal(CohortAppTests.SummaryWithoutTimes(reference), CohortAppTests.SummaryWithoutTimes(killed));
    }

    /// <summary>Starts the run in a child process and kills it <paramref name="delay"/> after its store appears.</summary>
    private static async Task<bool> RunAndKillAsync(string[] args, string directory, TimeSpan delay)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "cohort.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cli);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        // Process start-up takes a while on a loaded machine: the random moment is counted from when the run has a
        // store (before that there is nothing to resume, and `cohort run` simply starts again).
        var database = Path.Combine(directory, "cohort.db");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(database) && !process.HasExited && waited.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(20);
        }

        using var timeout = new CancellationTokenSource(delay);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true); // SIGKILL on Linux: no cleanup runs
            await process.WaitForExitAsync();
            return true;
        }
    }
}
