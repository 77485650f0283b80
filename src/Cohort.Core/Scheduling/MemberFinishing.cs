namespace Cohort.Core.Scheduling;

/// <summary>How a population scheduler stops a member: the one place that maps a stop reason to a member status.</summary>
internal static class MemberFinishing
{
    /// <summary>
    /// Sets <paramref name="member"/>'s status for <paramref name="reason"/> and records its <see cref="MemberFinished"/>
    /// event (a divergence without a message says "non-finite objective").
    /// </summary>
    public static void Finish(this MemberState member, MemberStopReason reason, List<RunEvent> events, string? message = null)
    {
        member.Status = reason switch
        {
            MemberStopReason.Completed => MemberStatus.Completed,
            MemberStopReason.Diverged => MemberStatus.Diverged,
            _ => MemberStatus.Failed,
        };
        events.Add(new MemberFinished(member.Id, member.Step, reason, message ?? (reason == MemberStopReason.Diverged ? "non-finite objective" : null)));
    }
}
