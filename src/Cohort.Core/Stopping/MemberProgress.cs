using Cohort.Core.Scheduling;

namespace Cohort.Core.Stopping;

/// <summary>
/// What a stop condition sees of a member: its scored results so far, oldest first (the member's own tasks, whatever
/// weights they started from: after an exploit the member goes on with the donor's weights under its own id).
/// </summary>
/// <param name="Member">The member id.</param>
/// <param name="Objective">The run's objective (the metric and its direction).</param>
/// <param name="Evaluations">Every scored result of the member, oldest first; never empty.</param>
public sealed record MemberProgress(int Member, Objective Objective, IReadOnlyList<MemberEvaluation> Evaluations)
{
    /// <summary>The latest evaluation.</summary>
    public MemberEvaluation Latest => Evaluations[^1];

    /// <summary>The step of the latest evaluation: the member's step now.</summary>
    public long Step => Latest.Step;
}

/// <summary>One scored result of a member.</summary>
/// <param name="Step">The step its checkpoint is at (the task's end step).</param>
/// <param name="Validation">Its validation metrics, as stored.</param>
/// <param name="Score">The objective as a score (higher is better; negative infinity when it diverged).</param>
public sealed record MemberEvaluation(long Step, IReadOnlyDictionary<string, double> Validation, double Score);
