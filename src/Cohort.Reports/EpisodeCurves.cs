using System.Globalization;
using Cohort.Core.Scheduling;
using Cohort.Reports.Charts;

namespace Cohort.Reports;

/// <summary>
/// For a trainable that reports how many training episodes a member has run (the reinforcement-learning kinds'
/// <c>episodes</c> metric): each member's validation objective against its episodes, as paper 002 plots evaluation
/// return per episode. A member that exploited carries its donor's episode count on, so its points follow the weights.
/// </summary>
internal static class EpisodeCurves
{
    /// <summary>The metric the chart reads on the x axis.</summary>
    public const string EpisodesMetric = "episodes";

    /// <summary>The chart, or null when the run's results carry no <see cref="EpisodesMetric"/>.</summary>
    public static string? Chart(string runName, IReadOnlyList<TaskResult> results, ReportOptions options, string id)
    {
        var metric = options.Objective.Metric;
        var series = results
            .Where(r => r.Outcome == TaskOutcome.Completed
                && r.Validation.TryGetValue(EpisodesMetric, out var e) && double.IsFinite(e)
                && r.Validation.TryGetValue(metric, out var v) && double.IsFinite(v))
            .GroupBy(r => r.Task.Member)
            .OrderBy(g => g.Key)
            .Select(g => new Series(
                "member " + g.Key.ToString(CultureInfo.InvariantCulture),
                g.OrderBy(r => r.Task.EndStep).Select(r => new ChartPoint(r.Validation[EpisodesMetric], r.Validation[metric])).ToArray()))
            .ToArray();
        if (series.Length == 0)
        {
            return null;
        }

        return new LineChart(
            "Evaluation " + metric + " by training episodes (" + runName + ")",
            new AxisSpec("training episodes (the member's weights)"),
            new AxisSpec("validation " + metric),
            series,
            Id: "clip-" + id + "-episodes",
            ItemName: "members").ToSvg();
    }
}
