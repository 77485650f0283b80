using System.Globalization;
using Cohort.Core.Scheduling;

namespace Cohort.Core.Stopping;

/// <summary>
/// Stops a member whose objective has not improved for <see cref="Patience"/> evaluations in a row (Keras's
/// <c>EarlyStopping</c>): an evaluation improves when its score beats the best earlier score by more than
/// <see cref="MinDelta"/> (in the objective's units). The member's first evaluation sets the best.
/// </summary>
/// <param name="Patience">N ≥ 1: evaluations without improvement before the member stops.</param>
/// <param name="MinDelta">δ ≥ 0: the least change that counts as an improvement.</param>
public sealed record Plateau(int Patience, double MinDelta = 0) : IStopCondition
{
    /// <summary>N.</summary>
    public int Patience { get; } = Patience >= 1 ? Patience : throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "The patience must be at least 1.");

    /// <summary>δ.</summary>
    public double MinDelta { get; } = MinDelta >= 0 && double.IsFinite(MinDelta) ? MinDelta : throw new ArgumentOutOfRangeException(nameof(MinDelta), MinDelta, "The minimum improvement must be finite and ≥ 0.");

    /// <inheritdoc/>
    public string Description => string.Create(CultureInfo.InvariantCulture, $"plateau: no improvement by more than {MinDelta:R} in {Patience} evaluations");

    /// <inheritdoc/>
    public StopVerdict? Check(MemberProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var evaluations = progress.Evaluations;
        if (evaluations.Count <= Patience)
        {
            return null;
        }

        var best = 0;
        var wait = 0;
        for (var i = 1; i < evaluations.Count; i++)
        {
            if (evaluations[i].Score - MinDelta > evaluations[best].Score)
            {
                best = i;
                wait = 0;
            }
            else
            {
                wait++;
            }
        }

        if (wait < Patience)
        {
            return null;
        }

        var metric = progress.Objective.Metric;
        var bestValue = evaluations[best].Validation.TryGetValue(metric, out var v) ? v : double.NaN;
        return new StopVerdict(
            MemberStopReason.Plateau,
            string.Create(CultureInfo.InvariantCulture, $"{metric} did not improve by more than {MinDelta:R} in {wait} evaluations (best {bestValue:R} at step {evaluations[best].Step})"));
    }
}
