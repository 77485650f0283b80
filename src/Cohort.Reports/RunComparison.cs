using System.Globalization;
using System.Text;
using Cohort.Core.Scheduling;
using Cohort.Reports.Charts;

namespace Cohort.Reports;

/// <summary>
/// The runs of an experiment side by side (paper 002's figures: "the training and evaluation scores of both models"):
/// at each evaluation step, the best member's validation objective per run and the population's mean per run, one
/// colour per run, with the target (<see cref="ReportOptions.Target"/>) as a black line; and, when there is a target,
/// each run's time to it (<see cref="TargetTimes"/>) as a table.
/// </summary>
internal static class RunComparison
{
    /// <summary>Appends the section when there are several runs or a target; nothing otherwise.</summary>
    public static void Append(StringBuilder sb, IReadOnlyList<(string Name, IReadOnlyList<TaskResult> Results)> runs, ReportOptions options)
    {
        if (runs.Count < 2 && options.Target is null)
        {
            return;
        }

        var objective = options.Objective;
        sb.Append("<section class=\"run\" id=\"runs-compared\"><h2>Runs compared</h2>\n<div class=\"figures\">");
        Figure(sb, Chart("Best member per run", "best validation " + objective.Metric, runs, options, values => values.MaxBy(v => objective.Score(v))));
        Figure(sb, Chart("Population mean per run", "mean validation " + objective.Metric, runs, options, values => values.Average()));
        sb.Append("</div>\n");
        if (options.Target is { } target)
        {
            AppendTimes(sb, runs, objective, target);
        }

        sb.Append("</section>\n");
    }

    private static void Figure(StringBuilder sb, string svg) => sb.Append("<figure>").Append(svg).Append("</figure>");

    /// <summary>One series per run: <paramref name="reduce"/> over the members' objective values at each evaluation step.</summary>
    private static string Chart(
        string title,
        string yTitle,
        IReadOnlyList<(string Name, IReadOnlyList<TaskResult> Results)> runs,
        ReportOptions options,
        Func<IReadOnlyList<double>, double> reduce)
    {
        var metric = options.Objective.Metric;
        var series = new List<Series>();
        var last = 0L;
        for (var i = 0; i < runs.Count; i++)
        {
            var points = runs[i].Results
                .Where(r => r.Outcome == TaskOutcome.Completed && r.Validation.TryGetValue(metric, out var v) && double.IsFinite(v))
                .GroupBy(r => r.Task.EndStep)
                .OrderBy(g => g.Key)
                .Select(g => new ChartPoint(g.Key, reduce(g.Select(r => r.Validation[metric]).ToArray())))
                .ToArray();
            series.Add(new Series(runs[i].Name, points, Color: Palette.Series(i)));
            last = Math.Max(last, points.Length > 0 ? (long)points[^1].X : 0);
        }

        if (options.Target is { } target && last > 0)
        {
            series.Add(new Series("target " + target.ToString("G6", CultureInfo.InvariantCulture), [new ChartPoint(0, target), new ChartPoint(last, target)], Highlighted: true));
        }

        return new LineChart(title, new AxisSpec("step (per member)"), new AxisSpec(yTitle), series, Id: "clip-compare-" + (title.StartsWith("Best", StringComparison.Ordinal) ? "best" : "mean"), ItemName: "runs").ToSvg();
    }

    private static void AppendTimes(StringBuilder sb, IReadOnlyList<(string Name, IReadOnlyList<TaskResult> Results)> runs, Objective objective, double target)
    {
        sb.Append("<h3>Time to ").Append(Svg.Escape(objective.Metric)).Append(objective.Mode == ObjectiveMode.Maximize ? " ≥ " : " ≤ ")
            .Append(target.ToString("G6", CultureInfo.InvariantCulture))
            .Append("</h3>\n<p class=\"meta\">Steps the whole run had trained when the target counted as met (the member step in brackets). ")
            .Append("First: some member's evaluation meets it. Successive: one member meets it on two successive evaluations. ")
            .Append("Sustained: from then on some member meets it at every evaluation. Population mean: the members' mean meets it.</p>\n")
            .Append("<table class=\"summary\"><thead><tr><th>run</th><th>first</th><th>successive</th><th>sustained</th><th>population mean</th></tr></thead><tbody>");
        foreach (var (name, results) in runs)
        {
            var times = TargetTimes.Of(results, objective, target);
            sb.Append("<tr><td>").Append(Svg.Escape(name)).Append("</td>");
            foreach (var point in new[] { times.First, times.Successive, times.Sustained, times.PopulationMean })
            {
                sb.Append("<td class=\"n\">").Append(point is null
                    ? "never"
                    : point.TotalSteps.ToString("N0", CultureInfo.InvariantCulture) + " (" + point.Step.ToString("N0", CultureInfo.InvariantCulture) + ")")
                    .Append("</td>");
            }

            sb.Append("</tr>");
        }

        sb.Append("</tbody></table>\n");
    }
}
