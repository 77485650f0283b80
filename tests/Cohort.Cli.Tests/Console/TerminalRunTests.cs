using System.Diagnostics;
using System.Text;

namespace Cohort.Cli.Tests.Console;

/// <summary>
/// <c>cohort</c> as a person meets it, in a process of its own: in an 80-column pseudo-terminal (the live display
/// fits), and interrupted with Ctrl+C (SIGINT).
/// </summary>
public sealed class TerminalRunTests
{
    [Fact]
    public async Task Run_Should_PrintTheResumeHintAndExit130_When_InterruptedWithSigint()
    {
        // Given a run in its own process, slowed down so that it is mid-run when interrupted
        var dir = TestPaths.NewDirectory();
        using var process = Process.Start(CliProcess.StartInfo(null, "run", TestPaths.Example("toy.yaml"), "--out", dir, "--workers", "2", "--fault-train-delay-ms", "20"))!;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new StringBuilder();
        var reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                output.AppendLine(line);
                if (line.StartsWith('['))
                {
                    started.TrySetResult();
                }
            }

            started.TrySetResult();
        });
        var error = process.StandardError.ReadToEndAsync();
        await started.Task.WaitAsync(TimeSpan.FromMinutes(2));
        await Task.Delay(300);

        // When it receives SIGINT (Ctrl+C)
        CliProcess.Interrupt(process);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        await reader;

        // Then it says how to continue, exits 130, and leaves a store that reads back (the run cancelled, not failed)
        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}: {output}{await error}");
        Assert.Contains($"interrupted; continue with `cohort resume {dir}`", await error, StringComparison.Ordinal);
        var show = await Cli.RunAsync("show", dir);
        Assert.True(show.ExitCode == 0, show.Error);
        Assert.Contains("cancelled", show.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Run_Should_PrintNoLineWiderThanTheTerminal_When_RunInAn80ColumnPseudoTerminal()
    {
        var script = new[] { "/usr/bin/script", "/bin/script" }.FirstOrDefault(File.Exists);
        Skip.If(script is null, "util-linux's `script` (a pseudo-terminal) is not installed: the 80-column terminal run was not checked");

        // Given an 80-column pseudo-terminal
        var dir = TestPaths.NewDirectory();
        var command = $"stty cols 80 rows 24; exec dotnet '{CliProcess.Dll}' run '{TestPaths.Example("toy.yaml")}' --out '{dir}' --runs grid,pbt --workers 2 --fault-train-delay-ms 3";
        var start = new ProcessStartInfo(script!) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { "-qec", command, "/dev/null" })
        {
            start.ArgumentList.Add(a);
        }

        // When an experiment runs in it with the live display
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var screen = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);

        // Then the display was drawn (a bar, redrawn in place), and no line is wider than the terminal: none wraps
        var text = await screen;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {text}{await error}");
        Assert.Contains("█", text, StringComparison.Ordinal);
        Assert.Contains("\u001b[3F", text, StringComparison.Ordinal);
        Assert.Contains("best evaluation so far:", text, StringComparison.Ordinal);
        Assert.Contains("toy (seed 0): q, higher is better", text, StringComparison.Ordinal);
        var lines = CliProcess.ScreenLines(text);
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"a line of {l.Length} columns wraps in an 80-column terminal: '{l}'"));
    }
}
