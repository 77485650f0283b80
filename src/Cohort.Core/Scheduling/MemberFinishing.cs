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
            MemberStopReason.Failed or MemberStopReason.Cancelled => MemberStatus.Failed,
            _ => MemberStatus.Stopped,
        };
        events.Add(new MemberFinished(member.Id, member.Step, reason, message ?? (reason == MemberStopReason.Diverged ? "non-finite objective" : null)));
    }

    /// <summary>
    /// Finishes <paramref name="member"/> when a stop condition declared it done at its latest result (and it did not
    /// diverge: a diverged member is handled as such); returns whether it did.
    /// </summary>
    public static bool FinishIfStopped(this MemberState member, List<RunEvent> events)
    {
        if (member.StopVerdict is not { } verdict || member.LastDiverged)
        {
            return false;
        }

        member.Finish(verdict.Reason, events, verdict.Message);
        return true;
    }
}
