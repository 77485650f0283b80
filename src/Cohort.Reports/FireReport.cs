using System.Globalization;
using System.Text;
using Cohort.Core.Lineage;
using Cohort.Core.Scheduling;
using Cohort.Reports.Charts;

namespace Cohort.Reports;

/// <summary>
/// The FIRE PBT parts of the report (paper 001): each searched hyperparameter per member coloured by sub-population,
/// with the best member's schedule and the evaluator successes marked (Figure 4a: "the black circles indicate the points
/// at which evaluators copied the neural network weights of their assigned member, leading to evaluator success"),
/// and a count of the evaluators' work.
/// </summary>
internal static class FireReport
{
    /// <summary>True when the run's log has FIRE sub-populations.</summary>
    public static bool IsFire(RunLineage lineage) => lineage.Members.Any(m => lineage.SubPopulation(m) is not null);

    /// <summary>The hyperparameter <paramref name="name"/> per sub-population member over steps (evaluators left out).</summary>
    public static string SubPopulationChart(RunLineage lineage, IReadOnlyList<TaskResult> results, string name, bool log, string runName, string id)
    {
        var groups = lineage.Members.Select(lineage.SubPopulation).OfType<int>().Where(i => i > 0).Distinct().Order().ToArray();
        var series = new List<Series>();
        foreach (var m in lineage.Members.Where(m => lineage.SubPopulation(m) is > 0))
        {
            var points = HyperparameterCurves.OfMember(results, m, name);
            var group = Array.IndexOf(groups, lineage.SubPopulation(m)!.Value);
            series.Add(new Series(string.Create(CultureInfo.InvariantCulture, $"member {m} (P{lineage.SubPopulation(m)})"), points, Color: Palette.Series(group)));
        }

        if (lineage.BestMember() is { } best)
        {
            var points = HyperparameterCurves.Schedule(lineage, best, name);
            series.Add(new Series(string.Create(CultureInfo.InvariantCulture, $"best (member {best})"), points, Highlighted: true));
        }

        // Each success is drawn where the target's curve of this hyperparameter continues: the step of the copy and the
        // target's (kept) value.
        var markers = lineage.AllEvaluatorSuccesses
            .Where(e => e.Hyperparameters.TryGetValue(name, out var v) && !v.IsCategorical)
            .Select(e => new ChartMarker(
                e.Step,
                e.Hyperparameters.GetNumber(name),
                string.Create(CultureInfo.InvariantCulture, $"step {e.Step}: member {e.Member} copied evaluator {e.Evaluator} (parent {e.Parent}); best_score_diff {e.BestScoreDiff:G4}, p {e.PValue:G3}")))
            .ToArray();
        return new MarkedStepChart(
            name + " per sub-population (" + runName + ")",
            new AxisSpec("step"),
            new AxisSpec(name, log ? AxisScale.Log10 : AxisScale.Linear),
            series,
            groups.Select((g, i) => (string.Create(CultureInfo.InvariantCulture, $"P{g}{(g == 1 ? " (greedy)" : "")}"), Palette.Series(i))).ToArray(),
            markers,
            "evaluator success",
            Id: "clip-" + id + "-fire-" + name).ToSvg()
            + "<figcaption>FIRE PBT (paper 001 Figure 4a): members coloured by sub-population; circles mark evaluator successes (the target copied the weights an evaluator trained from its parent).</figcaption>";
    }

    /// <summary>A short table: evaluators, sub-population sizes, assignments, successes and why evaluators stopped.</summary>
    public static void AppendEvaluatorTable(StringBuilder sb, RunLineage lineage, IReadOnlyList<RunEvent> events)
    {
        var sizes = lineage.Members.Select(lineage.SubPopulation).OfType<int>().GroupBy(i => i).OrderBy(g => g.Key == 0 ? int.MaxValue : g.Key)
            .Select(g => g.Key == 0 ? string.Create(CultureInfo.InvariantCulture, $"{g.Count()} evaluators") : string.Create(CultureInfo.InvariantCulture, $"P{g.Key}: {g.Count()}"));
        var started = events.OfType<EvaluatorStarted>().Count();
        var succeeded = events.OfType<EvaluatorSucceeded>().Count();
        var reasons = events.OfType<EvaluatorStopped>()
            .GroupBy(e => e.Reason.Split(':')[0])
            .OrderByDescending(g => g.Count())
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} ×{g.Count()}"));
        sb.Append("<p class=\"fire\">FIRE PBT — ").Append(Svg.Escape(string.Join(", ", sizes))).Append(". Evaluations started: ")
            .Append(started.ToString(CultureInfo.InvariantCulture)).Append("; successes: ").Append(succeeded.ToString(CultureInfo.InvariantCulture))
            .Append(". Evaluators stopped: ").Append(Svg.Escape(string.Join("; ", reasons))).Append(".</p>\n");
    }

    /// <summary>
    /// The best member's schedule of <paramref name="name"/> for every run, on one step chart (paper 001 Figure 1: the
    /// schedules PBT and FIRE PBT found), so that when each run decays the learning rate can be compared directly.
    /// </summary>
    public static string BestSchedules(IReadOnlyList<(string Run, RunLineage Lineage)> runs, string name, bool log)
    {
        var series = new List<Series>();
        var i = 0;
        foreach (var (run, lineage) in runs)
        {
            if (lineage.BestMember() is not { } best)
            {
                continue;
            }

            var points = HyperparameterCurves.Schedule(lineage, best, name);
            series.Add(new Series(string.Create(CultureInfo.InvariantCulture, $"{run} (member {best})"), points, Color: Palette.Series(i++)));
        }

        return new LineChart(
            "Best schedule of each run: " + name,
            new AxisSpec("step"),
            new AxisSpec(name, log ? AxisScale.Log10 : AxisScale.Linear),
            series,
            Step: true,
            Id: "clip-best-schedules-" + name,
            ItemName: "runs").ToSvg()
            + "<figcaption>The hyperparameter schedule that produced each run's best final weights (paper 001 Figure 1).</figcaption>";
    }
}
