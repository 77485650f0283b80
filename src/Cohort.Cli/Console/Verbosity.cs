namespace Cohort.Cli.Console;

/// <summary>How much the command prints: <c>--quiet</c>, the default, or <c>--verbose</c>.</summary>
internal enum Verbosity
{
    /// <summary>Errors and warnings only (on the error stream).</summary>
    Quiet,

    /// <summary>Live progress, one line per run, the results table at the end.</summary>
    Normal,

    /// <summary>Also every evaluation, failure and retry as a line, and the libraries' debug messages.</summary>
    Verbose,
}
