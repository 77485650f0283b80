using System.Globalization;
using Cohort.Core.Scheduling;

namespace Cohort.Core.Stopping;

/// <summary>
/// Stops a member at step <see cref="Steps"/> (its weights' step: after an exploit, the donor's count carries on). A
/// member's tasks are shortened so that none trains past it.
/// </summary>
/// <param name="Steps">The limit, ≥ 1.</param>
public sealed record StepLimit(long Steps) : IStopCondition
{
    /// <summary>The limit.</summary>
    public long Steps { get; } = Steps >= 1 ? Steps : throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "The step limit must be at least 1.");

    /// <inheritdoc/>
    public string Description => string.Create(CultureInfo.InvariantCulture, $"steps ≥ {Steps}");

    /// <inheritdoc/>
    public StopVerdict? Check(MemberProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return progress.Step >= Steps
            ? new StopVerdict(MemberStopReason.StepLimit, string.Create(CultureInfo.InvariantCulture, $"reached the step limit {Steps}"))
            : null;
    }
}
