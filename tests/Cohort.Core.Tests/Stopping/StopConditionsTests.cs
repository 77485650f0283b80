using Cohort.Core.Scheduling;
using Cohort.Core.Stopping;

namespace Cohort.Core.Tests.Stopping;

public sealed class StopConditionsTests
{
    private static readonly Objective Loss = new("loss", ObjectiveMode.Minimize);

    /// <summary>A member's progress whose losses are <paramref name="losses"/> at steps 10, 20, …, with extra metrics per evaluation.</summary>
    private static MemberProgress Progress(double[] losses, Func<int, Dictionary<string, double>>? extra = null) =>
        new(3, Loss, losses.Select((loss, i) =>
        {
            var metrics = extra?.Invoke(i) ?? [];
            metrics["loss"] = loss;
            return new MemberEvaluation(10L * (i + 1), metrics, Loss.Score(loss));
        }).ToArray());

    [Fact]
    public void MetricThreshold_Should_StopOnTheLatestValue_When_ItMeetsTheThreshold()
    {
        Assert.Null(MetricThreshold.Below("loss", 0.5).Check(Progress([0.4, 0.6])));
        var verdict = MetricThreshold.Below("loss", 0.5).Check(Progress([0.6, 0.5]));
        Assert.Equal(MemberStopReason.Threshold, verdict!.Reason);
        Assert.Equal("loss = 0.5 ≤ 0.5 at step 20", verdict.Message);
        Assert.NotNull(MetricThreshold.Above("accuracy", 0.9).Check(Progress([1], _ => new() { ["accuracy"] = 0.95 })));
        Assert.Null(MetricThreshold.Above("accuracy", 0.9).Check(Progress([1], _ => new() { ["accuracy"] = double.NaN })));
    }

    [Fact]
    public void MetricThreshold_Should_NameTheMetric_When_TheResultLacksIt()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => MetricThreshold.Above("accuracy", 0.9).Check(Progress([1])));
        Assert.Contains("'accuracy'", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => MetricThreshold.Above("accuracy", double.NaN));
    }

    [Fact]
    public void Plateau_Should_StopAfterPatienceEvaluationsWithoutImprovementByMoreThanMinDelta()
    {
        var plateau = new Plateau(Patience: 2, MinDelta: 0.1);

        // 1.0 is the best; 0.95 improves by only 0.05, 0.92 too: two evaluations without improvement.
        Assert.Null(plateau.Check(Progress([1.0, 0.95])));
        var verdict = plateau.Check(Progress([1.0, 0.95, 0.92]));
        Assert.Equal(MemberStopReason.Plateau, verdict!.Reason);
        Assert.Equal("loss did not improve by more than 0.1 in 2 evaluations (best 1 at step 10)", verdict.Message);

        // An improvement by more than δ resets the count.
        Assert.Null(plateau.Check(Progress([1.0, 0.95, 0.85, 0.84])));
        Assert.NotNull(plateau.Check(Progress([1.0, 0.95, 0.85, 0.84, 0.80])));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Plateau(0));
    }

    [Fact]
    public void StepLimit_Should_StopAtOrPastTheLimit()
    {
        Assert.Null(new StepLimit(30).Check(Progress([1, 1])));
        Assert.Equal(MemberStopReason.StepLimit, new StepLimit(30).Check(Progress([1, 1, 1]))!.Reason);
        Assert.Equal(20, new StopConditions(new StepLimit(40), new StepLimit(20)).StepLimit);
        Assert.Null(StopConditions.None.StepLimit);
    }

    [Fact]
    public void TimeLimit_Should_AddUpTheRecordedSeconds_When_Checked()
    {
        var limit = new TimeLimit(1.0);
        Assert.Null(limit.Check(Progress([1, 1], _ => new() { [TimeToTarget.SecondsMetric] = 0.4 })));
        var verdict = limit.Check(Progress([1, 1, 1], _ => new() { [TimeToTarget.SecondsMetric] = 0.4 }));
        Assert.Equal(MemberStopReason.TimeLimit, verdict!.Reason);
        Assert.StartsWith("train_seconds added up to 1.2", verdict.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => limit.Check(Progress([1])));
        Assert.Equal(MemberStopReason.TimeLimit, new TimeLimit(25, TimeToTarget.CostMetric).Check(Progress([1, 1, 1], _ => new() { ["train_cost"] = 10 }))!.Reason);
    }

    [Fact]
    public void Check_Should_PutTheTrainablesWordFirstThenTheConditionsInOrder()
    {
        var conditions = new StopConditions(MetricThreshold.Below("loss", 2), new StepLimit(10));
        Assert.Equal(MemberStopReason.Threshold, conditions.Check(Progress([1]))!.Reason);

        var done = conditions.Check(Progress([1], _ => new() { [StopConditions.DoneMetric] = 1 }));
        Assert.Equal(MemberStopReason.TrainableDone, done!.Reason);
        Assert.Equal("the trainable reported done = 1 at step 10", done.Message);
        Assert.Null(StopConditions.None.Check(Progress([1], _ => new() { [StopConditions.DoneMetric] = 0 })));
        Assert.Equal("loss ≤ 2; steps ≥ 10", conditions.ToString());
    }
}
