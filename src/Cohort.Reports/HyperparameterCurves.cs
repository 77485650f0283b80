using Cohort.Core.Hyperparameters;
using Cohort.Core.Lineage;
using Cohort.Core.Scheduling;
using Cohort.Reports.Charts;

namespace Cohort.Reports;

/// <summary>
/// The step curves of one hyperparameter that the report's charts draw: numbers as they are; with
/// <c>categories</c>, a categorical value as its index among them (values outside them are left out).
/// </summary>
internal static class HyperparameterCurves
{
    /// <summary>
    /// The value <paramref name="member"/> trained with at the start of each of its (not failed) tasks, held to the end
    /// of its last one.
    /// </summary>
    public static List<ChartPoint> OfMember(IReadOnlyList<TaskResult> results, int member, string name, IReadOnlyList<string>? categories = null)
    {
        var tasks = results.Where(r => r.Task.Member == member && r.Outcome != TaskOutcome.Failed).OrderBy(r => r.Task.StartStep).ToArray();
        var points = new List<ChartPoint>();
        foreach (var r in tasks)
        {
            if (r.Task.Hyperparameters.TryGetValue(name, out var v) && Value(v, categories) is { } y)
            {
                points.Add(new ChartPoint(r.Task.StartStep, y));
            }
        }

        if (tasks.Length > 0 && tasks[^1].Task.Hyperparameters.TryGetValue(name, out var last) && Value(last, categories) is { } lastY)
        {
            points.Add(new ChartPoint(tasks[^1].Task.EndStep, lastY));
        }

        return points;
    }

    /// <summary>
    /// The schedule <paramref name="member"/> inherited and followed (its lineage's segments), held to the end of its
    /// final task.
    /// </summary>
    public static List<ChartPoint> Schedule(RunLineage lineage, int member, string name, IReadOnlyList<string>? categories = null)
    {
        var points = new List<ChartPoint>();
        foreach (var s in lineage.Schedule(member))
        {
            if (s.Hyperparameters.TryGetValue(name, out var v) && Value(v, categories) is { } y)
            {
                points.Add(new ChartPoint(s.Step, y));
            }
        }

        if (points.Count > 0 && lineage.FinalResult(member) is { } final)
        {
            points.Add(new ChartPoint(final.Task.EndStep, points[^1].Y));
        }

        return points;
    }

    /// <summary>
    /// The choices of every categorical hyperparameter whose value varies in <paramref name="results"/>, each in
    /// ordinal order, for a report built without a spec.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> InferCategories(IEnumerable<TaskResult> results)
    {
        var values = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var r in results)
        {
            foreach (var (name, value) in r.Task.Hyperparameters)
            {
                if (value.IsCategorical)
                {
                    if (!values.TryGetValue(name, out var set))
                    {
                        values[name] = set = new SortedSet<string>(StringComparer.Ordinal);
                    }

                    set.Add(value.Category!);
                }
            }
        }

        return values.Where(kv => kv.Value.Count > 1).ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.ToArray(), StringComparer.Ordinal);
    }

    private static double? Value(HyperValue v, IReadOnlyList<string>? categories)
    {
        if (categories is null)
        {
            return v.IsCategorical ? null : v.Number;
        }

        for (var i = 0; i < categories.Count; i++)
        {
            if (v.IsCategorical && string.Equals(categories[i], v.Category, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return null;
    }
}
