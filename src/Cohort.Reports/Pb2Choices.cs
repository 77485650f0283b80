using Cohort.Core.Scheduling;
using Cohort.Reports.Charts;

namespace Cohort.Reports;

/// <summary>
/// The points PB2 chose beside PBT's (issue 16): every explore decision of a PB2 run (the values after explore) filled and
/// coloured by step, and those of a PBT run of the same experiment as hollow markers, over the first two searched
/// numeric hyperparameters, or over steps when there is one.
/// </summary>
internal static class Pb2Choices
{
    /// <summary>The figure, or null when neither run explored a plotted hyperparameter.</summary>
    public static string? ToSvg(
        string pb2Name, IReadOnlyList<RunEvent> pb2Events, string pbtName, IReadOnlyList<RunEvent> pbtEvents, IReadOnlyList<string> hyperparameters, ReportOptions options)
    {
        if (hyperparameters.Count == 0)
        {
            return null;
        }

        var xName = hyperparameters.Count >= 2 ? hyperparameters[0] : null;
        var yName = hyperparameters.Count >= 2 ? hyperparameters[1] : hyperparameters[0];
        var chosen = Points(pb2Events, xName, yName).Select(p => new ScatterPoint(p.X, p.Y, p.Step)).ToArray();
        var pbt = Points(pbtEvents, xName, yName).Select(p => new ChartPoint(p.X, p.Y)).ToArray();
        if (chosen.Length == 0 && pbt.Length == 0)
        {
            return null;
        }

        var title = xName is null ? $"{yName} chosen over steps: {pb2Name} beside {pbtName}" : $"Chosen {xName} × {yName}: {pb2Name} beside {pbtName}";
        return new ScatterChart(
            title,
            xName is null ? new AxisSpec("step") : Axis(xName, options),
            Axis(yName, options),
            "step",
            pb2Name + " (PB2), by step",
            chosen,
            pbtName + " (PBT)",
            pbt).ToSvg()
            + "<figcaption>Each point is one explore decision: the values a member trained with next.</figcaption>";
    }

    private static AxisSpec Axis(string name, ReportOptions options) =>
        new(name, options.LogScaled.Contains(name) ? AxisScale.Log10 : AxisScale.Linear);

    /// <summary>The explored values (after explore) of <paramref name="yName"/> against <paramref name="xName"/>, or against the step when it is null.</summary>
    private static IEnumerable<(double X, double Y, long Step)> Points(IReadOnlyList<RunEvent> events, string? xName, string yName)
    {
        foreach (var e in events.OfType<Explored>())
        {
            if (!e.After.TryGetValue(yName, out var y) || y.IsCategorical)
            {
                continue;
            }

            if (xName is null)
            {
                yield return (e.Step, y.Number, e.Step);
            }
            else if (e.After.TryGetValue(xName, out var x) && !x.IsCategorical)
            {
                yield return (x.Number, y.Number, e.Step);
            }
        }
    }
}
