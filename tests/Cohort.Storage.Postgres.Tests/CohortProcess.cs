using System.Collections.Concurrent;
using System.Diagnostics;

namespace Cohort.Storage.Postgres.Tests;

/// <summary>The real <c>cohort</c> binary (copied beside the tests) as a child process whose output lines can be awaited.</summary>
internal sealed class CohortProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private CohortProcess(string name, IEnumerable<string> arguments)
    {
        Name = name;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cohort.dll"));
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment.Remove("COHORT_STORAGE");
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data is null ? null : "stderr: " + e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public static CohortProcess Start(string name, params string[] arguments) => new(name, arguments);

    /// <summary>SIGKILL: no cleanup, no graceful shutdown.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout}. Its output:\n{string.Join('\n', Lines.TakeLast(40))}");
        }

        return _process.ExitCode;
    }

    /// <summary>Waits until the process has printed <paramref name="count"/> lines matching <paramref name="match"/>; false at timeout or exit.</summary>
    public async Task<bool> WaitForLinesAsync(Func<string, bool> match, int count, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_lines.Count(match) >= count)
            {
                return true;
            }

            if (_process.HasExited && _lines.Count(match) < count)
            {
                await Task.Delay(50);
                return _lines.Count(match) >= count;
            }

            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(20));
        }

        return false;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        _arrived.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        _arrived.Release();
    }
}

/// <summary>Tests that start many <c>cohort</c> processes run one at a time, not beside each other.</summary>
[CollectionDefinition(Collection, DisableParallelization = true)]
public sealed class ProcessTests
{
    public const string Collection = "cohort processes";
}
