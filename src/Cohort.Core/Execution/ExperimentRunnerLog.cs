using Microsoft.Extensions.Logging;

namespace Cohort.Core.Execution;

/// <summary>The runner's log messages (source-generated).</summary>
internal static partial class ExperimentRunnerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Run {Run} ({Method}) starting with {Workers} worker(s); {Replayed} stored result(s) replayed")]
    public static partial void RunStarting(ILogger logger, string run, string method, int workers, int replayed);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Run {Run}: member {Member} task {Ordinal} attempt {Attempt} failed, retrying: {Error}")]
    public static partial void AttemptFailed(ILogger logger, string run, int member, int ordinal, int attempt, string error);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Run {Run}: {Message}")]
    public static partial void TaskFailed(ILogger logger, string run, string message);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Run {Run}: member {Member} task {Ordinal} starts from checkpoint {Hash} taken from {Source}")]
    public static partial void WeightsTaken(ILogger logger, string run, int member, int ordinal, string hash, string source);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Run {Run}: committed {Results} result(s); stored {Stored} checkpoint(s), deleted {Deleted}")]
    public static partial void Committed(ILogger logger, string run, int results, int stored, int deleted);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Run {Run} ended {Status} after {Results} result(s), {WallSeconds:0.###} s")]
    public static partial void RunEnded(ILogger logger, string run, Storage.RunStatus status, int results, double wallSeconds);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Run {Run}: {Count} result(s) were already recorded; the store kept the first")]
    public static partial void AlreadyRecorded(ILogger logger, string run, int count);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Run {Run}: checkpoint {Hash} was recomputed by re-running {Tasks} task(s): {Problem}")]
    public static partial void CheckpointRepaired(ILogger logger, string run, string hash, int tasks, string problem);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Run {Run}: {Checkpoints} checkpoint(s) the last session did not store were recomputed by re-running {Tasks} task(s) in {Seconds:0.###} s")]
    public static partial void CheckpointsRestored(ILogger logger, string run, int checkpoints, int tasks, double seconds);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "Run {Run} failed")]
    public static partial void RunFailed(ILogger logger, string run, Exception exception);
}
