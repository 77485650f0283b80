using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Core.Execution;

/// <summary>How a run ended.</summary>
/// <param name="Run">The run's name.</param>
/// <param name="Status">Completed, or Cancelled when the token fired (the store holds every result told until then).</param>
/// <param name="Message">Why it did not complete; null when it did.</param>
/// <param name="Results">Results told to the scheduler, replayed ones included.</param>
/// <param name="Replayed">Results replayed from the store at start (a resume).</param>
/// <param name="StepsTrained">Sum of the steps of every told task that did not fail: the compute the run used.</param>
/// <param name="WallSeconds">Wall time, summed over the sessions of a resumed run.</param>
/// <param name="Best">The told result with the highest score; null when none completed.</param>
/// <param name="BestScore">Its score (higher is better; see <see cref="Objective.Score(double)"/>).</param>
/// <param name="Latest">Each member's latest told result, by member id.</param>
public sealed record RunOutcome(
    string Run,
    RunStatus Status,
    string? Message,
    int Results,
    int Replayed,
    long StepsTrained,
    double WallSeconds,
    TaskResult? Best,
    double BestScore,
    IReadOnlyList<TaskResult> Latest);
