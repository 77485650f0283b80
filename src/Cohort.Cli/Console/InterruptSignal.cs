using System.Runtime.InteropServices;

namespace Cohort.Cli.Console;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM for the <c>cohort</c> process. The first asks the command to stop: the token is
/// cancelled, the runners stop handing out tasks, and the command ends with a consistent store, the resume hint and
/// exit code 130. A second one exits at once with 130 (every stored result is committed, so <c>cohort resume</c>
/// still continues from the last one). Registered only by <c>Program</c>: the in-process tests never touch signals.
/// <c>cohort dashboard</c> writes nothing: for it the first signal simply stops the server, and it exits 0.
/// </summary>
internal sealed class InterruptSignal : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly TextWriter _error;
    private readonly string _stopping;
    private readonly PosixSignalRegistration[] _registrations;
    private int _count;

    private InterruptSignal(TextWriter error, string stopping)
    {
        _error = error;
        _stopping = stopping;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    /// <summary>Cancelled by the first interruption.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Registers the handlers for the command line <paramref name="args"/> (what the first signal says depends on the command).</summary>
    public static InterruptSignal Register(TextWriter error, IReadOnlyList<string> args) =>
        new(error, args is ["dashboard", ..] ? "stopping the dashboard…" : "stopping: finishing the store's last write (press Ctrl+C again to quit at once)…");

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _source.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _count) == 1)
        {
            _error.WriteLine();
            _error.WriteLine(_stopping);
            _error.Flush();
            _source.Cancel();
            return;
        }

        _error.WriteLine("interrupted again: quitting at once; every stored result is kept, and `cohort resume DIR` continues from the last one.");
        _error.Flush();
        Environment.Exit(ExitCodes.Cancelled);
    }
}
