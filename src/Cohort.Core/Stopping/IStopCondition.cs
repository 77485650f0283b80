namespace Cohort.Core.Stopping;

/// <summary>
/// Declares a member done before its budget (Ray Tune's per-trial <c>stop</c>): a metric threshold, a plateau, a time or
/// step limit (<see cref="MetricThreshold"/>, <see cref="Plateau"/>, <see cref="TimeLimit"/>, <see cref="StepLimit"/>).
/// A scheduler asks after each of the member's scored results; what it does with a done member is its own, documented
/// rule (<see cref="StopConditions"/>).
/// <para>Contract: <see cref="Check"/> is a pure function of its <see cref="MemberProgress"/> — the member's stored results —
/// so that a resumed run, replaying the stored results, takes the same decisions. Never read a clock here.</para>
/// </summary>
public interface IStopCondition
{
    /// <summary>What the condition says, for messages and docs (for example <c>accuracy ≥ 0.99</c>).</summary>
    string Description { get; }

    /// <summary>Why the member is done, or null when it should go on.</summary>
    StopVerdict? Check(MemberProgress progress);
}
