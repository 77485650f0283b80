using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Core.Tests.Scheduling;

public sealed class TargetTimesTests
{
    private static readonly Objective Return = new("return", ObjectiveMode.Maximize);

    /// <summary>Member m's evaluations every 10 steps (tasks of 10 steps), one value per evaluation.</summary>
    private static List<TaskResult> Run(params double[][] members)
    {
        var results = new List<TaskResult>();
        for (var m = 0; m < members.Length; m++)
        {
            for (var i = 0; i < members[m].Length; i++)
            {
                var task = new TrainTask(m, i, i, null, HyperparameterSet.Empty, i * 10L, 10, 1);
                var value = members[m][i];
                results.Add(double.IsFinite(value)
                    ? new TaskResult(task, TaskOutcome.Completed, new Dictionary<string, double> { ["return"] = value }, Simulation.NoMetrics, new CheckpointRef("h", 1, 1))
                    : new TaskResult(task, TaskOutcome.Diverged, new Dictionary<string, double> { ["return"] = value }, Simulation.NoMetrics, null));
            }
        }

        return results;
    }

    [Fact]
    public void Of_Should_TellTheFourCriteriaApart_When_TheBestPassesThroughTheTarget()
    {
        // Member 0 meets 475 once at step 10 and falls back; member 1 meets it at 30 and 40 (twice) and holds it;
        // the mean meets it only at 40.
        var results = Run([480, 100, 100, 470], [10, 200, 490, 500]);

        var times = TargetTimes.Of(results, Return, 475);

        Assert.Equal(new TargetPoint(10, 20), times.First);
        Assert.Equal(new TargetPoint(40, 80), times.Successive);
        Assert.Equal(new TargetPoint(30, 60), times.Sustained);
        Assert.Equal(new TargetPoint(40, 80), times.PopulationMean);
    }

    [Fact]
    public void Of_Should_ReportNoSustainedTime_When_TheLastEvaluationMissesTheTarget()
    {
        var results = Run([480, 480, 400], [100, double.NaN, 100]);

        var times = TargetTimes.Of(results, Return, 475);

        Assert.Equal(new TargetPoint(10, 20), times.First);
        Assert.Equal(new TargetPoint(20, 40), times.Successive);
        Assert.Null(times.Sustained);
        Assert.Null(times.PopulationMean);
    }

    [Fact]
    public void Of_Should_LookBelowTheTargetAndSkipFailedTasks_When_TheObjectiveMinimises()
    {
        var results = Run([1.0, 0.4, 0.3], [2.0, 0.45, 0.2]);
        results[1] = results[1] with { Outcome = TaskOutcome.Failed };

        var times = TargetTimes.Of(results, new Objective("return", ObjectiveMode.Minimize), 0.5);

        Assert.Equal(new TargetPoint(20, 30), times.First);
        Assert.Equal(new TargetPoint(30, 50), times.Successive);
        Assert.Equal(new TargetPoint(20, 30), times.Sustained);
        Assert.Equal(new TargetPoint(20, 30), times.PopulationMean);
        Assert.Equal(new TargetTimes(0.5, null, null, null, null), TargetTimes.Of([], Return, 0.5));
    }
}
