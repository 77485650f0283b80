using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Cohort.Cli.Tests;

/// <summary>
/// Runs the built <c>cohort</c> (the cohort.dll beside the tests) in a child process, for what needs a process of its
/// own: signals, a pseudo-terminal, environment variables.
/// </summary>
internal static partial class CliProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "cohort.dll");

    public static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>Runs to the end (killed after <paramref name="timeout"/>) and returns the exit code and both streams.</summary>
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, params string[] args)
    {
        using var process = Process.Start(StartInfo(environment, args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return new CliResult(process.ExitCode, await output, await error);
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
    public static void Interrupt(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        Assert.Equal(0, Kill(process.Id, 2));
    }

    /// <summary>Sends SIGTERM, as a service manager or <c>kill</c> does.</summary>
    public static void Terminate(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        Assert.Equal(0, Kill(process.Id, 15));
    }

    /// <summary>Text as a terminal shows it: ANSI control sequences removed, split into lines at line feeds and carriage returns.</summary>
    public static IReadOnlyList<string> ScreenLines(string text) =>
        AnsiSequence().Replace(text, "").Split('\n').SelectMany(l => l.Split('\r')).ToList();

    [GeneratedRegex(@"\x1b(\[[0-9;?]*[A-Za-z]|[=>])")]
    private static partial Regex AnsiSequence();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
