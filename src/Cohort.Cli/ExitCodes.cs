namespace Cohort.Cli;

/// <summary>The <c>cohort</c> command's exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>Everything asked for was done.</summary>
    public const int Success = 0;

    /// <summary>An internal failure or a failed run: one line on the console, details in the run directory's cohort.log.</summary>
    public const int Failure = 1;

    /// <summary>Bad input: the spec, an option, a file or the experiment directory; nothing was trained.</summary>
    public const int Usage = 2;

    /// <summary>Interrupted (Ctrl+C, SIGTERM); the store is consistent and <c>cohort resume</c> continues.</summary>
    public const int Cancelled = 130;
}

/// <summary>A problem with what the user asked for (exit code 2), as opposed to an internal failure.</summary>
internal sealed class UsageException(string message) : Exception(message);
