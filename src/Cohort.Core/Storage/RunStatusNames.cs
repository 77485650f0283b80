namespace Cohort.Core.Storage;

/// <summary>The text a store, the summary and the console use for a <see cref="RunStatus"/>: running, completed, failed, cancelled, completed-with-failures.</summary>
public static class RunStatusNames
{
    /// <summary>The stored text of <paramref name="status"/>.</summary>
    public static string Name(RunStatus status) => status switch
    {
        RunStatus.Running => "running",
        RunStatus.Completed => "completed",
        RunStatus.Failed => "failed",
        RunStatus.Cancelled => "cancelled",
        RunStatus.CompletedWithFailures => "completed-with-failures",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown run status."),
    };

    /// <summary>The status stored as <paramref name="text"/>; <paramref name="where"/> names the table in the error.</summary>
    public static RunStatus Parse(string text, string where) => text switch
    {
        "running" => RunStatus.Running,
        "completed" => RunStatus.Completed,
        "failed" => RunStatus.Failed,
        "cancelled" => RunStatus.Cancelled,
        "completed-with-failures" => RunStatus.CompletedWithFailures,
        _ => throw new InvalidDataException($"Unknown run status '{text}' in {where}."),
    };
}
