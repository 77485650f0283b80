namespace Cohort.Core.Storage;

/// <summary>
/// Another process is writing the experiment (it holds the run directory's lock, or drives the same PostgreSQL
/// experiment): a second writer would delete checkpoints the first still needs and interleave decisions. The message
/// names the holder when it is known.
/// </summary>
public sealed class RunLockedException(string message, string? holder) : Exception(message)
{
    /// <summary>Who holds the lock (process id, host, since when), as the holder recorded it; null when unknown.</summary>
    public string? Holder { get; } = holder;
}
