using System.Globalization;
using Cohort.Core.Scheduling;

namespace Cohort.Core.Stopping;

/// <summary>
/// Stops a member once its latest <see cref="Metric"/> meets <see cref="Value"/>: at least it when
/// <see cref="AtLeast"/> is true (an accuracy), at most it otherwise (a loss). NaN never meets it.
/// </summary>
/// <param name="Metric">A validation metric the trainable reports.</param>
/// <param name="Value">The threshold (finite).</param>
/// <param name="AtLeast">True: stop when metric ≥ value; false: when metric ≤ value.</param>
public sealed record MetricThreshold(string Metric, double Value, bool AtLeast) : IStopCondition
{
    /// <summary>Stops when <paramref name="metric"/> ≥ <paramref name="value"/>.</summary>
    public static MetricThreshold Above(string metric, double value) => new(metric, value, AtLeast: true);

    /// <summary>Stops when <paramref name="metric"/> ≤ <paramref name="value"/>.</summary>
    public static MetricThreshold Below(string metric, double value) => new(metric, value, AtLeast: false);

    /// <summary>The metric.</summary>
    public string Metric { get; } = !string.IsNullOrWhiteSpace(Metric) ? Metric : throw new ArgumentException("The metric must be named.", nameof(Metric));

    /// <summary>The threshold.</summary>
    public double Value { get; } = double.IsFinite(Value) ? Value : throw new ArgumentOutOfRangeException(nameof(Value), Value, "The threshold must be finite.");

    /// <inheritdoc/>
    public string Description => string.Create(CultureInfo.InvariantCulture, $"{Metric} {Sign} {Value:R}");

    private string Sign => AtLeast ? "≥" : "≤";

    /// <inheritdoc/>
    public StopVerdict? Check(MemberProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var value = StopConditions.Metric(progress.Latest, Metric, Description);
        return TimeToTarget.Meets(value, Value, AtLeast ? ObjectiveMode.Maximize : ObjectiveMode.Minimize)
            ? new StopVerdict(MemberStopReason.Threshold, string.Create(CultureInfo.InvariantCulture, $"{Metric} = {value:R} {Sign} {Value:R} at step {progress.Step}"))
            : null;
    }
}
