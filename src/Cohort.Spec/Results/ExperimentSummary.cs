using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Lineage;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Spec.Methods;

namespace Cohort.Spec.Results;

/// <summary>
/// One run's outcome as the summary reports it: a projection of the stored results and events. <see cref="TimeToTarget"/>
/// is there when the spec sets <c>objective.target</c>.
/// </summary>
public sealed record RunSummary(
    string Name,
    string Method,
    RunStatus Status,
    int Population,
    long StepsPerMember,
    long TotalSteps,
    double WallSeconds,
    int? BestMember,
    double? BestScore,
    double? BestTestScore,
    HyperparameterSet? BestHyperparameters,
    IReadOnlyList<ScheduleSegment> BestSchedule,
    TopologySummary? Topology = null,
    TargetTimes? TimeToTarget = null);

/// <summary>
/// A topology-mode GA run (paper 004 sec. 4.2): how many individuals trained, how many reached the target, the best
/// individual (least time to the target, else best final value) and the best time to target per generation.
/// </summary>
public sealed record TopologySummary(
    double? Target,
    string Time,
    int Individuals,
    int Reached,
    TopologyIndividual? Best,
    IReadOnlyList<double?> BestTimeByGeneration);

/// <summary>
/// Builds <c>summary.json</c> and <c>events.csv</c> from the store alone (DESIGN.md: if it is not in the store, it did
/// not happen), so an interrupted-and-resumed run and an uninterrupted one write the same summary.
/// </summary>
public static class ExperimentSummary
{
    /// <summary>Every stored run's summary, in stored order.</summary>
    public static async Task<IReadOnlyList<RunSummary>> ReadAsync(IExperimentStore store, ExperimentSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(spec);
        var objective = spec.Objective;
        var summaries = new List<RunSummary>();
        foreach (var record in await store.GetRunsAsync(cancellationToken).ConfigureAwait(false))
        {
            var results = await store.ReadResultsAsync(record.Name, cancellationToken).ConfigureAwait(false);
            var events = await store.ReadEventsAsync(record.Name, cancellationToken).ConfigureAwait(false);
            var lineage = RunLineage.Build(events.Select(e => e.Event).ToArray(), results, objective);
            var population = results.Select(r => r.Task.Member).Distinct().Count();
            var best = lineage.BestMember();
            var final = best is { } b ? lineage.FinalResult(b) : null;
            summaries.Add(new RunSummary(
                record.Name,
                record.Method,
                record.Status,
                population,
                spec.Steps,
                lineage.TotalSteps,
                record.WallSeconds,
                best,
                final?.Validation.GetValueOrDefault(objective.Metric),
                final is not null && final.Test.TryGetValue(objective.Metric, out var t) ? t : null,
                best is { } m ? lineage.FinalHyperparameters(m) : null,
                best is { } m2 ? lineage.Schedule(m2) : [],
                Topology(spec, record.Name, results, objective),
                spec.Target is { } target ? TargetTimes.Of(results, objective, target) : null));
        }

        return summaries;
    }

    private static TopologySummary? Topology(ExperimentSpec spec, string run, IReadOnlyList<TaskResult> results, Objective objective)
    {
        if (spec.Runs.FirstOrDefault(r => r.Name == run)?.Settings is not GaSettings { Mode: GaMode.Topology } ga)
        {
            return null;
        }

        var individuals = TopologyIndividual.FromResults(results, objective, ga.Target, ga.Time);
        var byGeneration = individuals.Count == 0
            ? []
            : Enumerable.Range(0, individuals.Max(i => i.Generation) + 1)
                .Select(g => individuals.Where(i => i.Generation == g && i.TimeToTarget is not null).Select(i => i.TimeToTarget).Min())
                .ToArray();
        return new TopologySummary(
            ga.Target,
            ga.Time.ToString().ToLowerInvariant(),
            individuals.Count,
            individuals.Count(i => i.TimeToTarget is not null),
            TopologyIndividual.Best(individuals, objective),
            byGeneration);
    }

    /// <summary>The summary.json document (snake_case keys, invariant numbers).</summary>
    public static JsonObject ToJson(ExperimentSpec spec, IReadOnlyList<RunSummary> runs)
    {
        var array = new JsonArray();
        foreach (var r in runs)
        {
            var run = new JsonObject
            {
                ["name"] = r.Name,
                ["method"] = r.Method,
                ["status"] = r.Status.ToString().ToLowerInvariant(),
                ["population"] = r.Population,
                ["steps_per_member"] = r.StepsPerMember,
                ["total_steps"] = r.TotalSteps,
                ["wall_seconds"] = Math.Round(r.WallSeconds, 3),
            };
            if (r.BestMember is { } member)
            {
                run["best"] = new JsonObject
                {
                    ["member"] = member,
                    ["score"] = Number(r.BestScore),
                    ["test_score"] = Number(r.BestTestScore),
                    ["hyperparameters"] = Hyperparameters(r.BestHyperparameters!),
                    ["schedule"] = new JsonArray(r.BestSchedule
                        .Select(s => (JsonNode)new JsonObject { ["step"] = s.Step, ["hyperparameters"] = Hyperparameters(s.Hyperparameters) })
                        .ToArray()),
                };
            }
            else
            {
                run["best"] = null;
            }

            if (r.Topology is { } topology)
            {
                run["topology"] = new JsonObject
                {
                    ["target"] = Number(topology.Target),
                    ["time"] = topology.Time,
                    ["individuals"] = topology.Individuals,
                    ["reached"] = topology.Reached,
                    ["best"] = topology.Best is { } b
                        ? new JsonObject
                        {
                            ["member"] = b.Member,
                            ["generation"] = b.Generation,
                            ["hyperparameters"] = Hyperparameters(b.Hyperparameters),
                            ["time_to_target"] = Number(b.TimeToTarget),
                            ["time"] = Number(b.Time),
                            ["steps"] = b.Steps,
                            ["final_value"] = Number(b.FinalValue),
                        }
                        : null,
                    ["best_time_by_generation"] = new JsonArray(topology.BestTimeByGeneration.Select(t => (JsonNode?)Number(t)).ToArray()),
                };
            }

            if (r.TimeToTarget is { } times)
            {
                run["time_to_target"] = new JsonObject
                {
                    ["target"] = times.Target,
                    ["first"] = Point(times.First),
                    ["successive"] = Point(times.Successive),
                    ["sustained"] = Point(times.Sustained),
                    ["population_mean"] = Point(times.PopulationMean),
                };
            }

            array.Add(run);
        }

        return new JsonObject
        {
            ["experiment"] = spec.Experiment,
            ["seed"] = spec.Seed,
            ["objective"] = new JsonObject
            {
                ["metric"] = spec.Objective.Metric,
                ["mode"] = spec.Objective.Mode == ObjectiveMode.Maximize ? "maximize" : "minimize",
            },
            ["runs"] = array,
        };
    }

    /// <summary>Writes <c>summary.json</c> and <c>events.csv</c> into <paramref name="directory"/> (each atomically).</summary>
    public static async Task WriteAsync(IExperimentStore store, ExperimentSpec spec, string directory, CancellationToken cancellationToken)
    {
        var runs = await ReadAsync(store, spec, cancellationToken).ConfigureAwait(false);
        var json = ToJson(spec, runs).ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        await WriteAtomicallyAsync(Path.Combine(directory, "summary.json"), json + "\n", cancellationToken).ConfigureAwait(false);
        var csv = await EventsCsvAsync(store, spec, cancellationToken).ConfigureAwait(false);
        await WriteAtomicallyAsync(Path.Combine(directory, "events.csv"), csv, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Every evaluation (one row per task result, with its validation and test metrics) and every scheduler event, run
    /// by run in stored order. Hyperparameter sets are JSON objects (<c>{"l1":0.01,"l2":0.2}</c>, numbers round-trip);
    /// <c>cohort export</c> writes the evaluations with one column per hyperparameter and metric.
    /// </summary>
    public static async Task<string> EventsCsvAsync(IExperimentStore store, ExperimentSpec spec, CancellationToken cancellationToken)
    {
        var sb = new StringBuilder();
        sb.Append("run,kind,member,step,generation,outcome,score,test_score,donor,checkpoint,hyperparameters_before,hyperparameters_after,detail\n");
        var metric = spec.Objective.Metric;
        foreach (var record in await store.GetRunsAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var r in await store.ReadResultsAsync(record.Name, cancellationToken).ConfigureAwait(false))
            {
                Row(sb, record.Name, "evaluation", r.Task.Member, r.Task.EndStep, r.Task.Generation.ToString(CultureInfo.InvariantCulture),
                    r.Outcome.ToString().ToLowerInvariant(), Metric(r.Validation, metric), Metric(r.Test, metric), "",
                    r.Checkpoint?.Hash ?? "", "", Json(r.Task.Hyperparameters), r.Message ?? "");
            }

            foreach (var stored in await store.ReadEventsAsync(record.Name, cancellationToken).ConfigureAwait(false))
            {
                switch (stored.Event)
                {
                    case Exploited e:
                        Row(sb, record.Name, "exploit", e.Member, e.Step, "", "", "", "", e.Donor.ToString(CultureInfo.InvariantCulture),
                            e.Checkpoint.Hash, Json(e.Before), Json(e.After), "");
                        break;
                    case Bred e:
                        Row(sb, record.Name, "bred", e.Member, e.Step, "", "", "", "", e.WeightsParent.ToString(CultureInfo.InvariantCulture),
                            e.Checkpoint?.Hash ?? "", Json(e.Before), Json(e.After),
                            string.Create(CultureInfo.InvariantCulture, $"hyperparameter parents {e.HyperparameterParentA} {e.HyperparameterParentB}; {e.Operators}"));
                        break;
                    case Explored e:
                        Row(sb, record.Name, "explore", e.Member, e.Step, "", "", "", "", "", "", Json(e.Before), Json(e.After), e.Operator);
                        break;
                    case MemberFinished e:
                        Row(sb, record.Name, "finished", e.Member, e.Step, "", e.Reason.ToString().ToLowerInvariant(), "", "", "", "", "", "", e.Message ?? "");
                        break;
                    case MemberCreated e:
                        Row(sb, record.Name, "created", e.Member, e.Step, "", "", "", "", "", "", "", Json(e.Hyperparameters), "");
                        break;
                    case SubPopulationJoined e:
                        Row(sb, record.Name, "sub-population", e.Member, e.Step, "", "", "", "", "", "", "", "",
                            e.IsEvaluator ? "evaluator" : string.Create(CultureInfo.InvariantCulture, $"P{e.SubPopulation}"));
                        break;
                    case EvaluatorStarted e:
                        Row(sb, record.Name, "evaluator-started", e.Member, e.Step, "", "", "", "", e.Parent.ToString(CultureInfo.InvariantCulture),
                            e.Checkpoint.Hash, "", Json(e.Hyperparameters), string.Create(CultureInfo.InvariantCulture, $"parent {e.Parent}, target {e.Target}"));
                        break;
                    case EvaluatorSucceeded e:
                        Row(sb, record.Name, "evaluator-succeeded", e.Member, e.Step, "", "", "", "", e.Evaluator.ToString(CultureInfo.InvariantCulture),
                            e.Checkpoint.Hash, "", Json(e.Hyperparameters),
                            string.Create(CultureInfo.InvariantCulture, $"evaluator {e.Evaluator} of parent {e.Parent}; best_score_diff {e.BestScoreDiff:R}, p {e.PValue:R}"));
                        break;
                    case EvaluatorStopped e:
                        Row(sb, record.Name, "evaluator-stopped", e.Member, e.Step, "", "", "", "", "", "", "", "",
                            string.Create(CultureInfo.InvariantCulture, $"parent {e.Parent}, target {e.Target}: {e.Reason}"));
                        break;
                }
            }
        }

        return sb.ToString();
    }

    private static string Json(HyperparameterSet hyperparameters) => Hyperparameters(hyperparameters).ToJsonString();

    private static string Metric(IReadOnlyDictionary<string, double> metrics, string name) =>
        metrics.TryGetValue(name, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    private static void Row(StringBuilder sb, string run, string kind, int member, long step, params string[] rest)
    {
        sb.Append(Csv(run)).Append(',').Append(kind).Append(',')
            .Append(member.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(step.ToString(CultureInfo.InvariantCulture));
        foreach (var field in rest)
        {
            sb.Append(',').Append(Csv(field));
        }

        sb.Append('\n');
    }

    private static string Csv(string field) =>
        field.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    private static JsonObject? Point(TargetPoint? point) =>
        point is null ? null : new JsonObject { ["step"] = point.Step, ["total_steps"] = point.TotalSteps };

    private static JsonNode? Number(double? value) =>
        value is { } v && double.IsFinite(v) ? JsonValue.Create(v) : null;

    private static JsonObject Hyperparameters(HyperparameterSet h)
    {
        var o = new JsonObject();
        foreach (var (name, value) in h)
        {
            o[name] = value.IsCategorical ? JsonValue.Create(value.Category) : JsonValue.Create(value.Number);
        }

        return o;
    }

    private static async Task WriteAtomicallyAsync(string path, string content, CancellationToken cancellationToken)
    {
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, content, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
    }
}
