using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Pb2;
using Cohort.Core.Scheduling;
using Cohort.Core.Strategies;
using Cohort.Reports.Charts;

namespace Cohort.Reports;

/// <summary>
/// PB2's acquisition surface (UCB μ + √β_t σ, in standardised reward-change units) at a few generations of a PB2 run,
/// rebuilt from the store: for each shown explore step s, the history is every stored result whose task ended by s (in
/// stored order, start scores from the checkpoints they started from, as the scheduler computes them), and
/// <see cref="Pb2Explore.Surrogate"/> fits the run's GP to it. The fit starts from the defaults rather than the run's
/// previous fit and leaves out the round's pending choices, so the surface is the model of that data, deterministic,
/// and close to (not bit for bit) the one the run decided with. Two or more continuous hyperparameters: a heat map of
/// the first two over their bounds (the others, categoricals included, at the step's first choice); one: UCB over its
/// range, one line per generation. The choices PB2 made at that step are marked.
/// </summary>
internal static class Pb2AcquisitionSurface
{
    /// <summary>How many generations are shown (a quarter, half way and the last explore step).</summary>
    public const int Generations = 3;

    private const int Cells = 24;

    /// <summary>The figures for one PB2 run; empty when the run has no explore step or no continuous hyperparameter in <paramref name="space"/>.</summary>
    public static IReadOnlyList<string> ToSvg(
        string run, IReadOnlyList<TaskResult> results, IReadOnlyList<RunEvent> events, SearchSpace space, Pb2ExploreOptions explore, Objective objective)
    {
        var explored = events.OfType<Explored>().ToArray();
        var steps = explored.Select(e => e.Step).Distinct().Order().ToArray();
        var numeric = space.Parameters.OfType<NumericParameter>().Where(p => p.IsSearched && p.Lower < p.Upper).ToArray();
        if (steps.Length == 0 || numeric.Length == 0)
        {
            return [];
        }

        var shown = new[] { steps[(steps.Length - 1) / 4], steps[(steps.Length - 1) / 2], steps[^1] }.Distinct().ToArray();
        var surrogates = shown.Select(s => (Step: s, Surrogate: SurrogateAt(s, results, explored, space, explore, objective))).ToArray();
        var parameters = surrogates[0].Surrogate.ContinuousParameters.Select(n => numeric.FirstOrDefault(p => p.Name == n)).OfType<NumericParameter>().Take(2).ToArray();
        if (parameters.Length == 0)
        {
            return [];
        }

        if (parameters.Length == 1)
        {
            return [Line(run, parameters[0], surrogates, explored)];
        }

        return surrogates.Select(s => HeatMap(run, parameters[0], parameters[1], s.Step, s.Surrogate, explored)).ToArray();
    }

    /// <summary>The model PB2 would decide the first explore at <paramref name="step"/> with, refitted from the stored results.</summary>
    private static Pb2Surrogate SurrogateAt(
        long step, IReadOnlyList<TaskResult> results, IReadOnlyList<Explored> explored, SearchSpace space, Pb2ExploreOptions explore, Objective objective)
    {
        var history = new List<ExploreObservation>();
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var r in results.Where(r => r.Outcome != TaskOutcome.Failed && r.Task.EndStep <= step))
        {
            var score = r.Outcome == TaskOutcome.Diverged ? double.NegativeInfinity : objective.Score(r);
            if (double.IsNaN(score) || double.IsPositiveInfinity(score))
            {
                score = double.NegativeInfinity;
            }

            var start = r.Task.From is { } from && scores.TryGetValue(from.Hash, out var s) ? s : double.NaN;
            history.Add(new ExploreObservation(r.Task.Member, r.Task.StartStep, r.Task.EndStep, r.Task.Hyperparameters, start, score));
            if (r.Checkpoint is { } checkpoint)
            {
                scores[checkpoint.Hash] = score;
            }
        }

        var first = explored.First(e => e.Step == step);
        var context = new ExploreContext(first.Before, space) { Member = first.Member, Step = step, History = history };
        return new Pb2Explore(explore).Surrogate(context);
    }

    private static string HeatMap(string run, NumericParameter px, NumericParameter py, long step, Pb2Surrogate surrogate, IReadOnlyList<Explored> explored)
    {
        var current = explored.First(e => e.Step == step).After;
        var xEdges = Edges(px);
        var yEdges = Edges(py);
        var values = new double[Cells, Cells];
        for (var i = 0; i < Cells; i++)
        {
            for (var j = 0; j < Cells; j++)
            {
                var h = current.With(px.Name, Centre(px, i)).With(py.Name, Centre(py, j));
                values[i, j] = surrogate.Acquisition(h);
            }
        }

        var chosen = explored.Where(e => e.Step == step && e.After.TryGetValue(px.Name, out var a) && !a.IsCategorical && e.After.TryGetValue(py.Name, out var b) && !b.IsCategorical)
            .Select(e => new ChartPoint(e.After[px.Name].Number, e.After[py.Name].Number)).ToArray();
        return new HeatMapChart(
            string.Create(CultureInfo.InvariantCulture, $"PB2 acquisition at step {step} ({run})"),
            Axis(px),
            Axis(py),
            xEdges,
            yEdges,
            values,
            "UCB",
            "PB2's choices",
            chosen).ToSvg()
            + string.Create(CultureInfo.InvariantCulture, $"<figcaption>UCB μ + √β σ of the standardised reward change, β = {surrogate.Beta:G3}, refitted on {surrogate.Observations} stored results; other hyperparameters (and categorical choices) at the first choice of the step.</figcaption>");
    }

    private static string Line(string run, NumericParameter p, IReadOnlyList<(long Step, Pb2Surrogate Surrogate)> surrogates, IReadOnlyList<Explored> explored)
    {
        const int Points = 96;
        var series = new List<Series>();
        for (var k = 0; k < surrogates.Count; k++)
        {
            var (step, surrogate) = surrogates[k];
            var current = explored.First(e => e.Step == step).After;
            var points = Enumerable.Range(0, Points)
                .Select(i => Value(p, i / (Points - 1.0)))
                .Select(v => new ChartPoint(v, surrogate.Acquisition(current.With(p.Name, v))))
                .ToArray();
            series.Add(new Series(string.Create(CultureInfo.InvariantCulture, $"step {step}"), points, Color: Palette.Series(k)));
        }

        return new LineChart(
            string.Create(CultureInfo.InvariantCulture, $"PB2 acquisition over {p.Name} ({run})"),
            Axis(p),
            new AxisSpec("UCB (standardised)"),
            series,
            Id: "clip-pb2-acq-" + string.Concat(run.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')),
            ItemName: "generations").ToSvg()
            + "<figcaption>UCB μ + √β σ of the standardised reward change at three explore steps, refitted on the stored results.</figcaption>";
    }

    private static AxisSpec Axis(NumericParameter p) => new(p.Name, p.Scale == ParameterScale.Log ? AxisScale.Log10 : AxisScale.Linear);

    /// <summary>Cell boundaries, equally spaced in the parameter's scale space (log for log-scaled ones), as PB2 normalises it.</summary>
    private static double[] Edges(NumericParameter p) => Enumerable.Range(0, Cells + 1).Select(i => p.FromScaleSpace(Lerp(p, (double)i / Cells))).ToArray();

    /// <summary>The value at the centre of <paramref name="cell"/> (an integer parameter's rounded, as PB2 rounds its choices).</summary>
    private static double Centre(NumericParameter p, int cell) => Value(p, (cell + 0.5) / Cells);

    private static double Value(NumericParameter p, double t)
    {
        var v = p.FromScaleSpace(Lerp(p, t));
        return p.IsInteger ? Math.Clamp(Math.Round(v), p.Lower, p.Upper) : Math.Clamp(v, p.Lower, p.Upper);
    }

    private static double Lerp(NumericParameter p, double t)
    {
        var lo = p.ToScaleSpace(p.Lower);
        return lo + (t * (p.ToScaleSpace(p.Upper) - lo));
    }
}
