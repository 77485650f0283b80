namespace Cohort.Core.Storage;

/// <summary>The text a database store keeps for a <see cref="RunStatus"/>: running, completed, failed, cancelled.</summary>
public static class RunStatusNames
{
    /// <summary>The stored text of <paramref name="status"/>.</summary>
    public static string Name(RunStatus status) => status switch
    {
        RunStatus.Running => "running",
        RunStatus.Completed => "completed",
        RunStatus.Failed => "failed",
        RunStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown run status."),
    };

    /// <summary>The status stored as <paramref name="text"/>; <paramref name="where"/> names the table in the error.</summary>
    public static RunStatus Parse(string text, string where) => text switch
    {
        "running" => RunStatus.Running,
        "completed" => RunStatus.Completed,
        "failed" => RunStatus.Failed,
        "cancelled" => RunStatus.Cancelled,
        _ => throw new InvalidDataException($"Unknown run status '{text}' in {where}."),
    };
}
