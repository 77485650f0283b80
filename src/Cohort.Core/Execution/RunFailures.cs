using System.Globalization;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Core.Execution;

/// <summary>
/// How a finished run's failed members decide its status (issue 13: a failed task never disappears): a member the
/// scheduler excluded because its tasks kept failing (<see cref="MemberFinished"/> with
/// <see cref="MemberStopReason.Failed"/>) makes the run <see cref="RunStatus.CompletedWithFailures"/>, or
/// <see cref="RunStatus.Failed"/> when no member was left; the message names them and the cause.
/// </summary>
internal static class RunFailures
{
    /// <summary>Adds the exclusions among <paramref name="events"/> to <paramref name="failed"/>.</summary>
    public static void Collect(IReadOnlyList<RunEvent> events, List<MemberFinished> failed)
    {
        foreach (var e in events)
        {
            if (e is MemberFinished { Reason: MemberStopReason.Failed } finished)
            {
                failed.Add(finished);
            }
        }
    }

    /// <summary>The status and message of a run whose scheduler finished with <paramref name="failed"/> excluded members.</summary>
    public static (RunStatus Status, string? Message) Status(IReadOnlyList<MemberFinished> failed, IScheduler scheduler, int membersSeen)
    {
        if (failed.Count == 0)
        {
            return (RunStatus.Completed, null);
        }

        var population = Math.Max(membersSeen, (scheduler as IPopulationScheduler)?.Population ?? 0);
        var members = failed.Select(f => f.Member).Distinct().Count();
        var listed = string.Join("; ", failed.Take(3).Select(f => string.Create(
            CultureInfo.InvariantCulture, $"member {f.Member} at step {f.Step}: {f.Message ?? "no message"}")));
        var more = failed.Count > 3 ? string.Create(CultureInfo.InvariantCulture, $"; and {failed.Count - 3} more") : "";
        return members >= population
            ? (RunStatus.Failed, string.Create(CultureInfo.InvariantCulture, $"Every member failed ({members} of {population}): {listed}{more}"))
            : (RunStatus.CompletedWithFailures, string.Create(CultureInfo.InvariantCulture, $"{members} of {population} members failed and were excluded: {listed}{more}"));
    }
}
