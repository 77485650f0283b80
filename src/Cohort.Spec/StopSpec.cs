using Cohort.Core.Stopping;

namespace Cohort.Spec;

/// <summary>
/// A run's <c>stop:</c> key (docs/spec.md): per-member stop conditions in Core's own types, and whether stopped members
/// stay donors. <see cref="None"/> when the run has no <c>stop:</c>.
/// </summary>
/// <param name="Thresholds">Metric thresholds (<c>threshold</c>), any of which stops a member.</param>
/// <param name="Plateau">The plateau condition (<c>plateau</c>), or null.</param>
/// <param name="Steps">The step limit (<c>steps</c>), or null.</param>
/// <param name="Time">The time limit (<c>seconds</c>, adding up the <c>train_seconds</c> metric), or null.</param>
/// <param name="StoppedDonors">Whether a stopped member may still be copied (<c>stopped_donors</c>).</param>
public sealed record StopSpec(SpecList<MetricThreshold> Thresholds, Plateau? Plateau, StepLimit? Steps, TimeLimit? Time, bool StoppedDonors)
{
    /// <summary>No stop condition.</summary>
    public static StopSpec None { get; } = new(SpecList<MetricThreshold>.Empty, null, null, null, false);

    /// <summary>Core's conditions, checked in the order threshold(s), plateau, seconds, steps.</summary>
    public StopConditions ToConditions()
    {
        if (this == None)
        {
            return StopConditions.None;
        }

        var conditions = new List<IStopCondition>(Thresholds);
        AddIf(conditions, Plateau);
        AddIf(conditions, Time);
        AddIf(conditions, Steps);
        return new StopConditions(conditions) { StoppedDonors = StoppedDonors };

        static void AddIf(List<IStopCondition> list, IStopCondition? condition)
        {
            if (condition is not null)
            {
                list.Add(condition);
            }
        }
    }
}
