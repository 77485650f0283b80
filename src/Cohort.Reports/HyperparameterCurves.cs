using Cohort.Core.Lineage;
using Cohort.Core.Scheduling;
using Cohort.Reports.Charts;

namespace Cohort.Reports;

/// <summary>The step curves of one numeric hyperparameter that the report's charts draw.</summary>
internal static class HyperparameterCurves
{
    /// <summary>
    /// The value <paramref name="member"/> trained with at the start of each of its (not failed) tasks, held to the end
    /// of its last one.
    /// </summary>
    public static List<ChartPoint> OfMember(IReadOnlyList<TaskResult> results, int member, string name)
    {
        var tasks = results.Where(r => r.Task.Member == member && r.Outcome != TaskOutcome.Failed).OrderBy(r => r.Task.StartStep).ToArray();
        var points = new List<ChartPoint>();
        foreach (var r in tasks)
        {
            if (r.Task.Hyperparameters.TryGetValue(name, out var v) && !v.IsCategorical)
            {
                points.Add(new ChartPoint(r.Task.StartStep, v.Number));
            }
        }

        if (tasks.Length > 0 && tasks[^1].Task.Hyperparameters.TryGetValue(name, out var last) && !last.IsCategorical)
        {
            points.Add(new ChartPoint(tasks[^1].Task.EndStep, last.Number));
        }

        return points;
    }

    /// <summary>
    /// The schedule <paramref name="member"/> inherited and followed (its lineage's segments), held to the end of its
    /// final task.
    /// </summary>
    public static List<ChartPoint> Schedule(RunLineage lineage, int member, string name)
    {
        var points = new List<ChartPoint>();
        foreach (var s in lineage.Schedule(member))
        {
            if (s.Hyperparameters.TryGetValue(name, out var v) && !v.IsCategorical)
            {
                points.Add(new ChartPoint(s.Step, v.Number));
            }
        }

        if (points.Count > 0 && lineage.FinalResult(member) is { } final)
        {
            points.Add(new ChartPoint(final.Task.EndStep, points[^1].Y));
        }

        return points;
    }
}
