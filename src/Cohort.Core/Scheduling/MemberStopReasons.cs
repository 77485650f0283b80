namespace Cohort.Core.Scheduling;

/// <summary>
/// The text of a <see cref="MemberStopReason"/> wherever it is written (stored events, <c>events.csv</c>,
/// <c>summary.json</c>, reports): completed, diverged, failed, cancelled, threshold, plateau, time-limit, step-limit,
/// trainable-done.
/// </summary>
public static class MemberStopReasons
{
    private static readonly (MemberStopReason Reason, string Name)[] s_names =
    [
        (MemberStopReason.Completed, "completed"),
        (MemberStopReason.Diverged, "diverged"),
        (MemberStopReason.Failed, "failed"),
        (MemberStopReason.Cancelled, "cancelled"),
        (MemberStopReason.Threshold, "threshold"),
        (MemberStopReason.Plateau, "plateau"),
        (MemberStopReason.TimeLimit, "time-limit"),
        (MemberStopReason.StepLimit, "step-limit"),
        (MemberStopReason.TrainableDone, "trainable-done"),
    ];

    /// <summary>Every name, in the enum's order.</summary>
    public static IReadOnlyList<string> Names { get; } = s_names.Select(n => n.Name).ToArray();

    /// <summary>The text of <paramref name="reason"/>.</summary>
    public static string Name(MemberStopReason reason)
    {
        foreach (var (r, name) in s_names)
        {
            if (r == reason)
            {
                return name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(reason), reason, "Unknown member stop reason.");
    }

    /// <summary>The reason written as <paramref name="text"/>; false when it is none.</summary>
    public static bool TryParse(string? text, out MemberStopReason reason)
    {
        foreach (var (r, name) in s_names)
        {
            if (string.Equals(name, text, StringComparison.Ordinal))
            {
                reason = r;
                return true;
            }
        }

        reason = default;
        return false;
    }
}
