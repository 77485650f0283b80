using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Cohort.Cli.Console;

/// <summary>
/// A minimal <see cref="ILogger{T}"/> for worker processes: one line per message at <see cref="MinimumLevel"/> or
/// above, prefixed with the level. Messages never contain connection strings (the libraries do not log them).
/// </summary>
internal sealed class LineLogger<T>(TextWriter output, LogLevel minimumLevel) : ILogger<T>
{
    private readonly Lock _gate = new();

    public LogLevel MinimumLevel { get; } = minimumLevel;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= MinimumLevel && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var line = string.Create(CultureInfo.InvariantCulture, $"{Level(logLevel)}: {formatter(state, exception)}");
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        _ => "critical",
    };
}
