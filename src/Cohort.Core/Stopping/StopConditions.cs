using System.Globalization;
using Cohort.Core.Scheduling;

namespace Cohort.Core.Stopping;

/// <summary>
/// A run's per-member stop conditions (<see cref="MethodOptions.Stop"/>; the spec's <c>stop:</c> key). After each
/// scored result with a finite objective, the trainable's own word comes first — a result whose validation metrics hold
/// <see cref="DoneMetric"/> with a value above 0 says the member is done — then the conditions in order; the first
/// that holds stops the member. A member at its budget completes rather than stops, and a diverged one is handled as
/// divergence. What each scheduler does with a stopped member (docs/library.md, "Stop conditions"):
/// <list type="bullet">
/// <item>grid, random: it finishes early;</item>
/// <item>PBT, PB2: it takes no more tasks; with <see cref="StoppedDonors"/> its latest result stays in the ranking as a
/// donor (never a receiver); without, it leaves the population;</item>
/// <item>GA (PBT mode): it takes no more tasks and its slot is not refilled; with <see cref="StoppedDonors"/> it stays a
/// possible parent (of hyperparameters and weights), without it leaves the breeding pool;</item>
/// <item>GA (topology mode): the condition ends the current individual as the step cap does (its figure of merit is
/// taken there); the slot lives on, so no member finishes early;</item>
/// <item>FIRE: it takes no more tasks and is no donor, no evaluator's parent or target (an evaluator assigned to it
/// stops); <see cref="StoppedDonors"/> must be false.</item>
/// </list>
/// Every decision reads the stored results only, so a resumed run takes the same ones.
/// </summary>
public sealed class StopConditions
{
    /// <summary>The validation metric a trainable reports, above 0, when it is done (declare it among its metrics).</summary>
    public const string DoneMetric = "done";

    /// <param name="conditions">The conditions, checked in this order.</param>
    public StopConditions(params IEnumerable<IStopCondition> conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        Conditions = conditions.ToArray();
        if (Conditions.Any(c => c is null))
        {
            throw new ArgumentException("A stop condition is null.", nameof(conditions));
        }

        StepLimit = Conditions.OfType<StepLimit>().Select(s => (long?)s.Steps).Min();
    }

    /// <summary>No condition: members stop only at their budget (or when the trainable reports <see cref="DoneMetric"/>).</summary>
    public static StopConditions None { get; } = new();

    /// <summary>The conditions, in the order they are checked.</summary>
    public IReadOnlyList<IStopCondition> Conditions { get; }

    /// <summary>
    /// Whether a stopped member's latest weights and hyperparameters may still be copied (PBT and PB2 donors, GA parents).
    /// False by default, as in Ray Tune, where a terminated trial is no longer exploited.
    /// </summary>
    public bool StoppedDonors { get; init; }

    /// <summary>The smallest <see cref="Stopping.StepLimit"/>, if any: no task trains a member past it.</summary>
    public long? StepLimit { get; }

    /// <summary>Why the member of <paramref name="progress"/> is done, or null: the trainable's word first, then the conditions in order.</summary>
    public StopVerdict? Check(MemberProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (progress.Latest.Validation.TryGetValue(DoneMetric, out var done) && done > 0)
        {
            return new StopVerdict(
                MemberStopReason.TrainableDone,
                string.Create(CultureInfo.InvariantCulture, $"the trainable reported {DoneMetric} = {done:R} at step {progress.Step}"));
        }

        foreach (var condition in Conditions)
        {
            if (condition.Check(progress) is { } verdict)
            {
                return verdict;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        Conditions.Count == 0 ? "none" : string.Join("; ", Conditions.Select(c => c.Description)) + (StoppedDonors ? "; stopped donors" : "");

    /// <summary>The value of <paramref name="metric"/> in <paramref name="evaluation"/>; throws naming the metric when the result lacks it.</summary>
    internal static double Metric(MemberEvaluation evaluation, string metric, string condition) =>
        evaluation.Validation.TryGetValue(metric, out var value)
            ? value
            : throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"The stop condition '{condition}' needs the validation metric '{metric}', which the result at step {evaluation.Step} does not report (it reports: {string.Join(", ", evaluation.Validation.Keys)})."));
}
