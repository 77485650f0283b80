using Cohort.Core.Scheduling;

namespace Cohort.Core.Execution;

/// <summary>
/// Live progress of a run (STYLE.md: a narrow observer implemented by the CLI, reports, …). The runner calls it from
/// its driver loop, one call at a time, never from a worker thread; implementations should return quickly.
/// </summary>
public interface IProgressObserver
{
    void RunStarted(RunStartedProgress progress);

    void TaskStarted(TaskStartedProgress progress);

    void TaskFinished(TaskFinishedProgress progress);

    void RunFinished(RunOutcome outcome);
}

/// <summary>A run began (or resumed after replaying <paramref name="Replayed"/> stored results).</summary>
public sealed record RunStartedProgress(string Run, string Method, int Workers, int Replayed);

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
