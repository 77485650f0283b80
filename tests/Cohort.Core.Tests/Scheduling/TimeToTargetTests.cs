using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Core.Tests.Scheduling;

public sealed class TimeToTargetTests
{
    [Fact]
    public void ReachedAt_Should_CountTheSecondOfTwoSuccessiveEvaluations_When_TheTargetIsMet()
    {
        // A single evaluation above the target (index 1) does not count; 3 and 4 do, so it is reached at 4.
        double[] accuracy = [0.90, 0.99, 0.95, 0.986, 0.987, 0.99];

        Assert.Equal(4, TimeToTarget.ReachedAt(accuracy, 0.986, ObjectiveMode.Maximize));
        Assert.Equal(1, TimeToTarget.ReachedAt(accuracy, 0.986, ObjectiveMode.Maximize, successive: 1));
        Assert.Null(TimeToTarget.ReachedAt([0.99, 0.5, 0.99, double.NaN, 0.99], 0.986, ObjectiveMode.Maximize));
    }

    [Fact]
    public void ReachedAt_Should_LookBelowTheTarget_When_TheObjectiveMinimises()
    {
        double[] loss = [1.0, 0.4, 0.6, 0.3, 0.2];

        Assert.Equal(4, TimeToTarget.ReachedAt(loss, 0.5, ObjectiveMode.Minimize));
        Assert.False(TimeToTarget.Meets(double.NaN, 0.5, ObjectiveMode.Minimize));
    }

    [Fact]
    public void Time_Should_SumTheTimesUpToTheReachingEvaluation_When_Reached()
    {
        double[] accuracy = [0.5, 0.99, 0.99, 0.99];
        double[] seconds = [1.5, 2.0, 4.0, 100.0];

        Assert.Equal(7.5, TimeToTarget.Time(accuracy, seconds, 0.98, ObjectiveMode.Maximize));
        Assert.Null(TimeToTarget.Time([0.5, 0.99], [1.0, 1.0], 0.98, ObjectiveMode.Maximize));
        Assert.Throws<ArgumentException>(() => TimeToTarget.Time([0.5], [1.0, 2.0], 0.98, ObjectiveMode.Maximize));
    }

    [Fact]
    public void TaskTime_Should_ReadStepsOrTheReportedMetric_When_MeasuresDiffer()
    {
        var task = new TrainTask(0, 0, 0, null, Simulation.Points(1)[0], 0, 100, 1);
        var metrics = new Dictionary<string, double> { ["loss"] = 1, [TimeToTarget.CostMetric] = 3.2e9, [TimeToTarget.SecondsMetric] = 1.25 };
        var result = new TaskResult(task, TaskOutcome.Completed, metrics, Simulation.NoMetrics, new CheckpointRef("h", 100, 1));

        Assert.Equal(100, TimeToTarget.TaskTime(result, TimeMeasure.Steps));
        Assert.Equal(3.2e9, TimeToTarget.TaskTime(result, TimeMeasure.Cost));
        Assert.Equal(1.25, TimeToTarget.TaskTime(result, TimeMeasure.Seconds));
        var bare = result with { Validation = new Dictionary<string, double> { ["loss"] = 1 } };
        Assert.Throws<InvalidOperationException>(() => TimeToTarget.TaskTime(bare, TimeMeasure.Cost));
    }
}
