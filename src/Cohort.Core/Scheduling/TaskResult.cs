using Cohort.Core.Storage;

namespace Cohort.Core.Scheduling;

/// <summary>What a worker reports after running a <see cref="TrainTask"/>.</summary>
/// <param name="Task">The task that ran.</param>
/// <param name="Outcome">Completed, diverged (non-finite objective) or failed.</param>
/// <param name="Validation">Metrics on the validation split (the objective is read from here).</param>
/// <param name="Test">Metrics on the test split; empty when the trainable has no test set.</param>
/// <param name="Checkpoint">The state after training; null when the task failed.</param>
/// <param name="Message">Why a task failed or diverged; null otherwise.</param>
public sealed record TaskResult(
    TrainTask Task,
    TaskOutcome Outcome,
    IReadOnlyDictionary<string, double> Validation,
    IReadOnlyDictionary<string, double> Test,
    CheckpointRef? Checkpoint,
    string? Message = null);

public enum TaskOutcome
{
    Completed,
    Diverged,
    Failed,
}
