using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Core.Execution;

/// <summary>
/// Live progress of a run (STYLE.md: a narrow observer implemented by the CLI, reports, …). The runner calls it from
/// its driver loop, one call at a time; implementations should return quickly. Failures are reported as they happen
/// (<see cref="TaskRetried"/>, <see cref="MemberExcluded"/>), so that a console can show them with their cause.
/// </summary>
public interface IProgressObserver
{
    void RunStarted(RunStartedProgress progress);

    void TaskStarted(TaskStartedProgress progress);

    void TaskFinished(TaskFinishedProgress progress);

    void RunFinished(RunOutcome outcome);

    /// <summary>An attempt of a task failed (it threw or timed out) and the task is run again with the same inputs.</summary>
    void TaskRetried(TaskRetriedProgress progress)
    {
    }

    /// <summary>The scheduler excluded a member whose tasks kept failing: it trains no further.</summary>
    void MemberExcluded(MemberExcludedProgress progress)
    {
    }

    /// <summary>A stored checkpoint was corrupt or missing, and was recomputed by re-running the task that produced it.</summary>
    void CheckpointRepaired(CheckpointRepairedProgress progress)
    {
    }
}

/// <summary>A run began (or resumed after replaying <paramref name="Replayed"/> stored results).</summary>
/// <param name="Run">The run.</param>
/// <param name="Method">Its scheduler's method.</param>
/// <param name="Workers">Tasks run at once.</param>
/// <param name="Replayed">Stored results told to the fresh scheduler.</param>
/// <param name="TasksRerun">
/// Tasks re-run, before anything else trained, to recompute the checkpoints the last session had not stored when it
/// stopped (<see cref="RunnerOptions.CheckpointInterval"/>).
/// </param>
public sealed record RunStartedProgress(string Run, string Method, int Workers, int Replayed, int TasksRerun = 0);

/// <summary>A task was handed to a worker.</summary>
public sealed record TaskStartedProgress(string Run, TrainTask Task);

/// <summary>A task's result was told to the scheduler and stored.</summary>
/// <param name="Run">The run.</param>
/// <param name="Result">The result.</param>
/// <param name="Score">Its score (higher is better; negative infinity when it failed or diverged).</param>
/// <param name="BestMember">The member of the best result so far; null when none completed yet.</param>
/// <param name="BestScore">The best score so far.</param>
/// <param name="Results">Results told so far, replayed ones included.</param>
/// <param name="StepsTrained">Steps of every told task that did not fail.</param>
/// <param name="Elapsed">Wall time of this session.</param>
public sealed record TaskFinishedProgress(
    string Run,
    TaskResult Result,
    double Score,
    int? BestMember,
    double BestScore,
    int Results,
    long StepsTrained,
    TimeSpan Elapsed);

/// <summary>An attempt of a task failed and will be retried.</summary>
/// <param name="Run">The run.</param>
/// <param name="Task">The task.</param>
/// <param name="Attempt">The attempt that failed (1-based).</param>
/// <param name="Attempts">How many attempts the task gets in all.</param>
/// <param name="Error">Why it failed: the exception's type and message, or the timeout.</param>
public sealed record TaskRetriedProgress(string Run, TrainTask Task, int Attempt, int Attempts, string Error);

/// <summary>A member was excluded: its tasks failed past every retry.</summary>
/// <param name="Run">The run.</param>
/// <param name="Member">The member.</param>
/// <param name="Step">The step it reached.</param>
/// <param name="Cause">The last failure's message.</param>
public sealed record MemberExcludedProgress(string Run, int Member, long Step, string Cause);

/// <summary>A corrupt or missing checkpoint was recomputed (tasks are pure) and verified against its hash.</summary>
/// <param name="Run">The run.</param>
/// <param name="Checkpoint">The checkpoint.</param>
/// <param name="Producer">The task that produced it, re-run last.</param>
/// <param name="TasksRerun">How many tasks were re-run: the producer and those its start checkpoints needed.</param>
/// <param name="Problem">What was wrong with the stored copy, naming where it lives.</param>
public sealed record CheckpointRepairedProgress(string Run, CheckpointRef Checkpoint, TrainTask Producer, int TasksRerun, string Problem);

/// <summary>An observer that ignores everything.</summary>
public sealed class NullProgressObserver : IProgressObserver
{
    public static readonly NullProgressObserver Instance = new();

    private NullProgressObserver()
    {
    }

    public void RunStarted(RunStartedProgress progress)
    {
    }

    public void TaskStarted(TaskStartedProgress progress)
    {
    }

    public void TaskFinished(TaskFinishedProgress progress)
    {
    }

    public void RunFinished(RunOutcome outcome)
    {
    }
}
