using System.Globalization;
using Cohort.Core.Scheduling;

namespace Cohort.Core.Stopping;

/// <summary>
/// Stops a member once the training time its results recorded adds up to <see cref="Seconds"/>: the sum, over the
/// member's scored results, of the validation metric <see cref="Metric"/> (by default
/// <see cref="TimeToTarget.SecondsMetric"/>, the wall seconds of the task's training, which the trainable reports).
/// The time is read from the stored results, never from a clock, so a resumed run stops the member at the same result;
/// a trainable that does not report the metric cannot be stopped this way (the spec is rejected; in code,
/// <see cref="Check"/> throws naming the metric).
/// </summary>
/// <param name="Seconds">The limit, &gt; 0.</param>
/// <param name="Metric">The per-result time metric (another unit, such as <see cref="TimeToTarget.CostMetric"/>, works the same way).</param>
public sealed record TimeLimit(double Seconds, string Metric = TimeToTarget.SecondsMetric) : IStopCondition
{
    /// <summary>The limit.</summary>
    public double Seconds { get; } = Seconds > 0 && double.IsFinite(Seconds) ? Seconds : throw new ArgumentOutOfRangeException(nameof(Seconds), Seconds, "The time limit must be finite and positive.");

    /// <summary>The per-result time metric.</summary>
    public string Metric { get; } = !string.IsNullOrWhiteSpace(Metric) ? Metric : throw new ArgumentException("The time metric must be named.", nameof(Metric));

    /// <inheritdoc/>
    public string Description => string.Create(CultureInfo.InvariantCulture, $"Σ {Metric} ≥ {Seconds:R}");

    /// <inheritdoc/>
    public StopVerdict? Check(MemberProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var total = 0.0;
        foreach (var evaluation in progress.Evaluations)
        {
            total += StopConditions.Metric(evaluation, Metric, Description);
        }

        return total >= Seconds
            ? new StopVerdict(MemberStopReason.TimeLimit, string.Create(CultureInfo.InvariantCulture, $"{Metric} added up to {total:R} ≥ {Seconds:R} at step {progress.Step}"))
            : null;
    }
}
