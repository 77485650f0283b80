using Cohort.Core.Scheduling;

namespace Cohort.Core.Stopping;

/// <summary>A member is done: why (recorded in its <see cref="MemberFinished"/> event) and the numbers that decided it.</summary>
/// <param name="Reason">The stop reason.</param>
/// <param name="Message">A sentence with the values that decided it, a function of the stored results only.</param>
public sealed record StopVerdict(MemberStopReason Reason, string Message);
