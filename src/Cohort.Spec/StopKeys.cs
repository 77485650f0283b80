using System.Globalization;
using Cohort.Core.Scheduling;
using Cohort.Core.Stopping;
using Cohort.Core.Trainables;
using Cohort.Spec.Sections;

namespace Cohort.Spec;

/// <summary>Reads, checks and writes a run's <c>stop:</c> mapping (a common run key: every method takes it).</summary>
internal static class StopKeys
{
    private static readonly string[] s_keys = ["threshold", "plateau", "steps", "seconds", "stopped_donors"];
    private static readonly string[] s_thresholdKeys = ["metric", "at_least", "at_most"];
    private static readonly string[] s_plateauKeys = ["patience", "min_delta"];

    /// <summary>A metric a stop condition reads, where the spec names it: checked against the trainable's declaration.</summary>
    public sealed record MetricUse(SpecNode Node, string Path, string Metric, string? Why);

    /// <summary>
    /// Reads <paramref name="node"/>; a threshold without <c>metric</c> uses <paramref name="objectiveMetric"/>. The
    /// metrics the conditions read are added to <paramref name="metrics"/>. Null when there were errors.
    /// </summary>
    public static StopSpec? Read(SpecNode node, string? objectiveMetric, long? steps, List<MetricUse> metrics)
    {
        var map = node.AsMap(s_keys);
        if (map is null)
        {
            return null;
        }

        var ok = true;
        var thresholds = new List<MetricThreshold>();
        if (map.Get("threshold") is { } thresholdNode)
        {
            IReadOnlyList<SpecNode>? items = thresholdNode.IsList ? thresholdNode.AsList() : [thresholdNode];
            if (items is null || items.Count == 0)
            {
                thresholdNode.Error("expected a threshold {metric, at_least | at_most} or a non-empty list of them", thresholdNode.Describe());
                ok = false;
            }

            foreach (var item in items ?? [])
            {
                if (Threshold(item, objectiveMetric, metrics) is { } threshold)
                {
                    thresholds.Add(threshold);
                }
                else
                {
                    ok = false;
                }
            }
        }

        Plateau? plateau = null;
        if (map.Get("plateau") is { } plateauNode)
        {
            plateau = Plateau(plateauNode);
            ok &= plateau is not null;
        }

        StepLimit? stepLimit = null;
        if (map.Get("steps") is { } stepsNode)
        {
            var limit = steps ?? long.MaxValue;
            var value = stepsNode.Whole(
                x => x >= 1 && x < limit,
                steps is null ? "an integer ≥ 1" : string.Create(CultureInfo.InvariantCulture, $"an integer in [1, steps = {steps}) (a limit at the budget stops nothing early)"));
            stepLimit = value is { } v ? new StepLimit(v) : null;
            ok &= stepLimit is not null;
        }

        TimeLimit? time = null;
        if (map.Get("seconds") is { } secondsNode)
        {
            var value = secondsNode.Number(x => x > 0 && double.IsFinite(x), "a number of seconds > 0");
            if (value is { } seconds)
            {
                time = new TimeLimit(seconds);
                metrics.Add(new MetricUse(secondsNode, secondsNode.Path, time.Metric, string.Create(
                    CultureInfo.InvariantCulture,
                    $"a time limit adds up the metric '{time.Metric}' that each result records (the trainable's training seconds); ")));
            }

            ok &= time is not null;
        }

        var donors = map.Bool("stopped_donors", false);
        ok &= donors is not null;
        return ok ? new StopSpec(SpecList<MetricThreshold>.From(thresholds), plateau, stepLimit, time, donors!.Value) : null;
    }

    private static MetricThreshold? Threshold(SpecNode node, string? objectiveMetric, List<MetricUse> metrics)
    {
        var map = node.AsMap(s_thresholdKeys);
        if (map is null)
        {
            return null;
        }

        var metricNode = map.Get("metric");
        var metric = metricNode is null ? objectiveMetric : metricNode.Text();
        var atLeast = map.Get("at_least")?.Number(double.IsFinite, "a finite number");
        var atMost = map.Get("at_most")?.Number(double.IsFinite, "a finite number");
        if (map.Has("at_least") == map.Has("at_most"))
        {
            node.Error("expected exactly one of at_least (stop when the metric is ≥ it) and at_most (≤ it)", node.Describe());
            return null;
        }

        if (metric is null || (atLeast is null && atMost is null))
        {
            return null;
        }

        metrics.Add(new MetricUse(metricNode ?? node, metricNode?.Path ?? SpecNode.Join(node.Path, "metric"), metric, null));
        return atLeast is { } least ? MetricThreshold.Above(metric, least) : MetricThreshold.Below(metric, atMost!.Value);
    }

    private static Plateau? Plateau(SpecNode node)
    {
        var map = node.AsMap(s_plateauKeys);
        if (map is null)
        {
            return null;
        }

        var patience = map.Required("patience")?.Whole(x => x is >= 1 and <= 1_000_000, "an integer in [1, 1000000] (evaluations)");
        var delta = map.Number("min_delta", 0, x => x >= 0 && double.IsFinite(x), "a number ≥ 0 (in the objective's units)");
        return patience is null || delta is null ? null : new Plateau((int)patience.Value, delta.Value);
    }

    /// <summary>Reports each metric a stop condition reads that <paramref name="declaration"/> does not.</summary>
    public static void Check(IEnumerable<MetricUse> metrics, TrainableDeclaration declaration)
    {
        foreach (var use in metrics)
        {
            if (declaration.CheckMetric(use.Metric) is { } problem)
            {
                use.Node.ErrorAt(use.Path, use.Why + problem.Message, problem.Value);
            }
        }
    }

    /// <summary>Writes <paramref name="stop"/> as the run's <c>stop</c> key (nothing when it is <see cref="StopSpec.None"/>).</summary>
    public static void Write(SpecWriter writer, StopSpec stop)
    {
        if (stop == StopSpec.None)
        {
            return;
        }

        writer.Nested("stop", w =>
        {
            if (stop.Thresholds.Count > 0)
            {
                w.NestedList("threshold", stop.Thresholds, (t, threshold) =>
                {
                    t.Write("metric", threshold.Metric);
                    t.Write(threshold.AtLeast ? "at_least" : "at_most", threshold.Value);
                });
            }

            if (stop.Plateau is { } plateau)
            {
                w.Nested("plateau", p =>
                {
                    p.Write("patience", plateau.Patience);
                    p.Write("min_delta", plateau.MinDelta);
                });
            }

            if (stop.Steps is { } steps)
            {
                w.Write("steps", steps.Steps);
            }

            if (stop.Time is { } time)
            {
                w.Write("seconds", time.Seconds);
            }

            w.Write("stopped_donors", stop.StoppedDonors);
        });
    }
}
