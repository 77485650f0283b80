using System.Text;
using Cohort.Core.Scheduling;

namespace Cohort.Reports.Tests;

public sealed class MemberStopsTests
{
    [Fact]
    public void AppendTable_Should_ListEachMembersLastReasonAndCountThem()
    {
        var sb = new StringBuilder();

        MemberStops.AppendTable(sb, [
            new MemberFinished(1, 40, MemberStopReason.Completed, null),
            new MemberFinished(0, 20, MemberStopReason.Plateau, "loss did not improve by more than 0 in 3 evaluations (best 0.5 at step 5)"),
            new MemberFinished(2, 30, MemberStopReason.TimeLimit, "train_seconds added up to 61 ≥ 60 at step 30"),
        ]);

        var html = sb.ToString();
        Assert.Contains("<h3>Why members stopped</h3>", html, StringComparison.Ordinal);
        Assert.Contains("1 completed, 1 plateau, 1 time-limit.", html, StringComparison.Ordinal);
        Assert.True(html.IndexOf(">plateau<", StringComparison.Ordinal) < html.IndexOf(">completed<", StringComparison.Ordinal), "rows are in member order");
        Assert.Contains("train_seconds added up to 61 ≥ 60 at step 30", html, StringComparison.Ordinal);
    }

    [Fact]
    public void AppendTable_Should_WriteNothing_When_NoMemberFinished()
    {
        var sb = new StringBuilder();

        MemberStops.AppendTable(sb, [new MemberCreated(0, Core.Hyperparameters.HyperparameterSet.Empty)]);

        Assert.Equal(0, sb.Length);
    }
}
