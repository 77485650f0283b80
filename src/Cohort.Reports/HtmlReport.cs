using System.Globalization;
using System.Text;
using Cohort.Core.Lineage;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Reports.Charts;

namespace Cohort.Reports;

/// <summary>
/// The experiment report: one self-contained HTML file (inline CSS and SVG, no scripts, no network) built from the
/// store alone: a summary table, then per run the members' training curves with the mean of the top 5 (paper 000
/// Figures 3 and 6), each searched hyperparameter per member over steps (Figures 4, 7, 10), for PBT runs the explored
/// hyperparameter values coloured by step beside the grid's cells (Figures 5, 8, 11), why each member stopped, and the
/// best member's lineage and schedule. Several runs, or a target, add the runs compared (<see cref="RunComparison"/>)
/// after the summary; a run whose best member generates images shows samples of them (<see cref="SampleGrid"/>).
/// </summary>
public static class HtmlReport
{
    /// <summary>How many of the best members the highlighted curve averages (paper 000 Figure 3: "top 5").</summary>
    public const int TopK = 5;

    /// <summary>Builds the report's HTML from the store's runs, results and events.</summary>
    public static async Task<string> BuildAsync(IExperimentStore store, ReportOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        var runs = new List<RunData>();
        foreach (var record in await store.GetRunsAsync(cancellationToken).ConfigureAwait(false))
        {
            var results = await store.ReadResultsAsync(record.Name, cancellationToken).ConfigureAwait(false);
            var events = await store.ReadEventsAsync(record.Name, cancellationToken).ConfigureAwait(false);
            var logged = events.Select(e => e.Event).ToArray();
            var samples = SampleGrid.FromJson(await store.GetMetadataAsync(SampleGrid.MetadataKey(record.Name), cancellationToken).ConfigureAwait(false));
            runs.Add(new RunData(record, results, RunLineage.Build(logged, results, options.Objective)) { Events = logged, Samples = samples });
        }

        return Build(runs, options);
    }

    /// <summary>Builds the report and writes it to <paramref name="path"/> atomically (a temporary file, then a rename).</summary>
    public static async Task WriteAsync(IExperimentStore store, ReportOptions options, string path, CancellationToken cancellationToken)
    {
        var html = await BuildAsync(store, options, cancellationToken).ConfigureAwait(false);
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, html, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
    }

    private static string Build(IReadOnlyList<RunData> runs, ReportOptions options)
    {
        var hyperparameters = options.Hyperparameters.Count > 0 ? options.Hyperparameters : InferHyperparameters(runs);
        var categories = options.Categories.Count > 0 ? options.Categories : HyperparameterCurves.InferCategories(runs.SelectMany(r => r.Results));
        var metric = options.Objective.Metric;
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>")
            .Append(Svg.Escape(options.Experiment)).Append(" — Cohort report</title><style>").Append(Css).Append("</style></head><body>\n");
        sb.Append("<h1>").Append(Svg.Escape(options.Experiment)).Append("</h1>\n<p class=\"meta\">Objective: <b>").Append(Svg.Escape(metric))
            .Append("</b> on validation, ").Append(options.Objective.Mode == ObjectiveMode.Maximize ? "maximised" : "minimised")
            .Append(". Searched: ").Append(Svg.Escape(string.Join(", ", hyperparameters.Select(h => options.LogScaled.Contains(h) ? h + " (log)" : h).Concat(categories.Keys))))
            .Append(".</p>\n");
        AppendSummary(sb, runs, options);
        RunComparison.Append(sb, runs.Select(r => (r.Record.Name, r.Results)).ToArray(), options);
        var grid = runs.FirstOrDefault(r => string.Equals(r.Record.Method, "grid", StringComparison.OrdinalIgnoreCase));
        foreach (var run in runs)
        {
            var id = Slug(run.Record.Name);
            sb.Append("<section class=\"run\" id=\"run-").Append(id).Append("\"><h2>").Append(Svg.Escape(run.Record.Name))
                .Append(" <small>").Append(Svg.Escape(run.Record.Method)).Append(", ")
                .Append(run.Lineage.Members.Count.ToString(CultureInfo.InvariantCulture)).Append(" members</small></h2>\n<div class=\"figures\">");
            Figure(sb, Curves(run, options, id));
            if (EpisodeCurves.Chart(run.Record.Name, run.Results, options, id) is { } episodes)
            {
                Figure(sb, episodes);
            }

            foreach (var h in hyperparameters)
            {
                Figure(sb, HyperparameterChart(run, h, options, id));
            }

            foreach (var (h, choices) in categories)
            {
                Figure(sb, HyperparameterChart(run, h, options, id, choices));
            }

            if (string.Equals(run.Record.Method, "pbt", StringComparison.OrdinalIgnoreCase) && hyperparameters.Count >= 2)
            {
                Figure(sb, Explored(run, grid, hyperparameters[0], hyperparameters[1], options));
            }

            if (string.Equals(run.Record.Method, "pb2", StringComparison.OrdinalIgnoreCase))
            {
                AppendPb2(sb, run, runs, hyperparameters, options);
            }

            if (FireReport.IsFire(run.Lineage))
            {
                foreach (var h in hyperparameters)
                {
                    Figure(sb, FireReport.SubPopulationChart(run.Lineage, run.Results, h, options.LogScaled.Contains(h), run.Record.Name, id));
                }
            }

            if (run.Samples is { } samples)
            {
                Figure(sb, samples.ToHtml(run.Record.Name, metric));
            }

            if (string.Equals(run.Record.Method, "ga", StringComparison.OrdinalIgnoreCase) && run.Lineage.BestMember() is { } gaBest)
            {
                Figure(sb, FamilyTreeSvg(run, gaBest));
            }

            sb.Append("</div>\n");
            if (FireReport.IsFire(run.Lineage))
            {
                FireReport.AppendEvaluatorTable(sb, run.Lineage, run.Events);
            }

            MemberStops.AppendTable(sb, run.Events);
            AppendBest(sb, run, [.. hyperparameters, .. categories.Keys], metric);
            sb.Append("</section>\n");
        }

        if (runs.Any(r => FireReport.IsFire(r.Lineage)))
        {
            sb.Append("<section class=\"run\" id=\"best-schedules\"><h2>Best schedules</h2>\n<div class=\"figures\">");
            foreach (var h in hyperparameters)
            {
                Figure(sb, FireReport.BestSchedules(runs.Select(r => (r.Record.Name, r.Lineage)).ToArray(), h, options.LogScaled.Contains(h)));
            }

            sb.Append("</div></section>\n");
        }

        sb.Append("<footer>Generated by Cohort from the experiment store.</footer>\n</body></html>\n");
        return sb.ToString();
    }

    /// <summary>A PB2 run's figures: its choices beside the first PBT run's (<see cref="Pb2Choices"/>) and its acquisition surface (<see cref="Pb2AcquisitionSurface"/>).</summary>
    private static void AppendPb2(StringBuilder sb, RunData run, IReadOnlyList<RunData> runs, IReadOnlyList<string> hyperparameters, ReportOptions options)
    {
        if (runs.FirstOrDefault(r => string.Equals(r.Record.Method, "pbt", StringComparison.OrdinalIgnoreCase)) is { } pbt
            && Pb2Choices.ToSvg(run.Record.Name, run.Events, pbt.Record.Name, pbt.Events, hyperparameters, options) is { } choices)
        {
            Figure(sb, choices);
        }

        if (options.Space is { } space)
        {
            var explore = options.Pb2Runs.GetValueOrDefault(run.Record.Name) ?? new Core.Pb2.Pb2ExploreOptions();
            foreach (var svg in Pb2AcquisitionSurface.ToSvg(run.Record.Name, run.Results, run.Events, space, explore, options.Objective))
            {
                Figure(sb, svg);
            }
        }
    }

    /// <summary>Paper 004's three parents per child: the family tree of a GA run's best member (its schedule is in the tables below).</summary>
    private static string FamilyTreeSvg(RunData run, int member)
    {
        var (nodes, edges) = FamilyTree.Build(run.Lineage.Events, member);
        return FamilyTreeChart.ToSvg(nodes, edges, string.Create(CultureInfo.InvariantCulture, $"Family tree of best member {member}"));
    }

    private static void Figure(StringBuilder sb, string svg) => sb.Append("<figure>").Append(svg).Append("</figure>");

    private static string Curves(RunData run, ReportOptions options, string id)
    {
        var metric = options.Objective.Metric;
        var series = new List<Series>();
        var byStep = new SortedDictionary<long, List<double>>();
        foreach (var m in run.Lineage.Members)
        {
            var points = run.Lineage.Scores(m).Where(p => p.Outcome == TaskOutcome.Completed && double.IsFinite(p.Value)).ToArray();
            series.Add(new Series("member " + m.ToString(CultureInfo.InvariantCulture), points.Select(p => new ChartPoint(p.Step, p.Value)).ToArray()));
            foreach (var p in points)
            {
                if (!byStep.TryGetValue(p.Step, out var list))
                {
                    byStep[p.Step] = list = [];
                }

                list.Add(p.Value);
            }
        }

        var top = byStep
            .Select(kv => new ChartPoint(kv.Key, kv.Value.OrderByDescending(options.Objective.Score).Take(TopK).Average()))
            .ToArray();
        series.Add(new Series("mean of top " + TopK.ToString(CultureInfo.InvariantCulture), top, Highlighted: true));
        var values = series.SelectMany(s => s.Points).Select(p => p.Y).Where(double.IsFinite).Order().ToArray();
        var (yMin, yMax) = FocusRange(values, options.Objective.Mode);
        var focused = values.Where(v => (yMin is null || v >= yMin) && (yMax is null || v <= yMax)).ToArray();
        var logY = focused.Length > 0 && focused[0] > 0 && focused[^1] / focused[0] > 30;
        var title = "validation " + metric;
        return new LineChart(
            "Training curves (" + run.Record.Name + ")",
            new AxisSpec("step"),
            new AxisSpec(title, logY ? AxisScale.Log10 : AxisScale.Linear),
            series,
            Id: "clip-" + id + "-curves",
            ItemName: "members",
            YMin: yMin,
            YMax: yMax).ToSvg() + (yMin is not null || yMax is not null
                ? "<figcaption>The y axis leaves out the worst 5% of evaluations (mostly the first steps).</figcaption>"
                : "");
    }

    /// <summary>
    /// Each member's value of <paramref name="name"/> over steps and the best member's schedule; a categorical one
    /// (<paramref name="categories"/>) on an axis of its choices, each member's line offset a little within the band of
    /// its choice so that members on the same choice stay apart (the best schedule sits on the choice itself).
    /// </summary>
    private static string HyperparameterChart(RunData run, string name, ReportOptions options, string id, IReadOnlyList<string>? categories = null)
    {
        var series = new List<Series>();
        var members = run.Lineage.Members;
        for (var i = 0; i < members.Count; i++)
        {
            var m = members[i];
            var points = HyperparameterCurves.OfMember(run.Results, m, name, categories);
            if (categories is not null && members.Count > 1)
            {
                var offset = 0.3 * ((i / (members.Count - 1.0)) - 0.5);
                points = points.Select(p => p with { Y = p.Y + offset }).ToList();
            }

            series.Add(new Series("member " + m.ToString(CultureInfo.InvariantCulture), points));
        }

        if (run.Lineage.BestMember() is { } best)
        {
            var points = HyperparameterCurves.Schedule(run.Lineage, best, name, categories);
            series.Add(new Series("best (member " + best.ToString(CultureInfo.InvariantCulture) + ")", points, Highlighted: true));
        }

        var log = categories is null && options.LogScaled.Contains(name);
        return new LineChart(
            name + " per member (" + run.Record.Name + ")",
            new AxisSpec("step"),
            new AxisSpec(name, log ? AxisScale.Log10 : AxisScale.Linear, categories),
            series,
            Step: true,
            Id: "clip-" + id + "-h-" + Slug(name),
            ItemName: "members").ToSvg();
    }

    private static string Explored(RunData run, RunData? grid, string xName, string yName, ReportOptions options)
    {
        var seen = new HashSet<(double, double, long)>();
        var points = new List<ScatterPoint>();
        foreach (var r in run.Results.Where(r => r.Outcome != TaskOutcome.Failed))
        {
            var h = r.Task.Hyperparameters;
            if (h.TryGetValue(xName, out var x) && h.TryGetValue(yName, out var y) && !x.IsCategorical && !y.IsCategorical
                && seen.Add((x.Number, y.Number, r.Task.StartStep)))
            {
                points.Add(new ScatterPoint(x.Number, y.Number, r.Task.StartStep));
            }
        }

        var hollow = new List<ChartPoint>();
        if (grid is not null)
        {
            var cells = new HashSet<(double, double)>();
            foreach (var m in grid.Lineage.Members)
            {
                var h = grid.Lineage.FinalHyperparameters(m);
                if (h.TryGetValue(xName, out var x) && h.TryGetValue(yName, out var y) && !x.IsCategorical && !y.IsCategorical && cells.Add((x.Number, y.Number)))
                {
                    hollow.Add(new ChartPoint(x.Number, y.Number));
                }
            }
        }

        return new ScatterChart(
            "Explored " + xName + " × " + yName + " (" + run.Record.Name + ")",
            new AxisSpec(xName, options.LogScaled.Contains(xName) ? AxisScale.Log10 : AxisScale.Linear),
            new AxisSpec(yName, options.LogScaled.Contains(yName) ? AxisScale.Log10 : AxisScale.Linear),
            "step",
            "PBT, by step",
            points,
            grid is null ? "" : grid.Record.Name.Contains("grid", StringComparison.OrdinalIgnoreCase) ? grid.Record.Name : "grid (" + grid.Record.Name + ")",
            hollow).ToSvg();
    }

    private static void AppendSummary(StringBuilder sb, IReadOnlyList<RunData> runs, ReportOptions options)
    {
        sb.Append("<h2>Summary</h2>\n<table class=\"summary\"><thead><tr><th>run</th><th>method</th><th>status</th><th>population</th><th>total steps</th>")
            .Append("<th>best member</th><th>best validation ").Append(Svg.Escape(options.Objective.Metric)).Append("</th><th>its test ")
            .Append(Svg.Escape(options.Objective.Metric)).Append("</th><th>wall time</th></tr></thead><tbody>");
        foreach (var run in runs)
        {
            var best = run.Lineage.BestMember();
            var final = best is { } b ? run.Lineage.FinalResult(b) : null;
            var score = final is not null && final.Validation.TryGetValue(options.Objective.Metric, out var v) ? Number(v) : "—";
            var test = final is not null && final.Test.TryGetValue(options.Objective.Metric, out var t) ? Number(t) : "—";
            sb.Append("<tr><td><a href=\"#run-").Append(Slug(run.Record.Name)).Append("\">").Append(Svg.Escape(run.Record.Name)).Append("</a></td><td>")
                .Append(Svg.Escape(run.Record.Method)).Append("</td><td>").Append(Svg.Escape(run.Record.Status.ToString().ToLowerInvariant()))
                .Append("</td><td class=\"n\">").Append(run.Lineage.Members.Count.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td class=\"n\">").Append(run.Lineage.TotalSteps.ToString("N0", CultureInfo.InvariantCulture))
                .Append("</td><td class=\"n\">").Append(best?.ToString(CultureInfo.InvariantCulture) ?? "—")
                .Append("</td><td class=\"n\">").Append(score).Append("</td><td class=\"n\">").Append(test)
                .Append("</td><td class=\"n\">").Append(run.Record.WallSeconds.ToString("0.0", CultureInfo.InvariantCulture)).Append(" s</td></tr>");
        }

        sb.Append("</tbody></table>\n");
    }

    private static void AppendBest(StringBuilder sb, RunData run, IReadOnlyList<string> hyperparameters, string metric)
    {
        if (run.Lineage.BestMember() is not { } best)
        {
            sb.Append("<p>No member has a finite score.</p>");
            return;
        }

        sb.Append("<div class=\"tables\"><div><h3>Best member ").Append(best.ToString(CultureInfo.InvariantCulture))
            .Append(": lineage</h3><div class=\"scroll\"><table><thead><tr><th>weights trained by</th><th>from step</th><th>to step</th></tr></thead><tbody>");
        foreach (var a in run.Lineage.Ancestry(best))
        {
            sb.Append("<tr><td>member ").Append(a.Member.ToString(CultureInfo.InvariantCulture)).Append("</td><td class=\"n\">")
                .Append(a.FromStep.ToString(CultureInfo.InvariantCulture)).Append("</td><td class=\"n\">").Append(a.ToStep.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>");
        }

        sb.Append("</tbody></table></div>");
        var exploits = run.Lineage.Exploits(best);
        sb.Append("<p class=\"meta\">").Append(exploits.Count.ToString(CultureInfo.InvariantCulture)).Append(" exploit(s) by this member; final validation ")
            .Append(Svg.Escape(metric)).Append(' ').Append(run.Lineage.FinalResult(best) is { } f && f.Validation.TryGetValue(metric, out var v) ? Number(v) : "—")
            .Append(".</p></div><div><h3>Schedule</h3><div class=\"scroll\"><table><thead><tr><th>from step</th>");
        var names = hyperparameters.Count > 0 ? hyperparameters : run.Lineage.FinalHyperparameters(best).Keys.ToArray();
        foreach (var h in names)
        {
            sb.Append("<th>").Append(Svg.Escape(h)).Append("</th>");
        }

        sb.Append("</tr></thead><tbody>");
        foreach (var s in run.Lineage.Schedule(best))
        {
            sb.Append("<tr><td class=\"n\">").Append(s.Step.ToString(CultureInfo.InvariantCulture)).Append("</td>");
            foreach (var h in names)
            {
                sb.Append("<td class=\"n\">");
                if (s.Hyperparameters.TryGetValue(h, out var value))
                {
                    sb.Append(Svg.Escape(value.IsCategorical ? value.Category : Number(value.Number)));
                }

                sb.Append("</td>");
            }

            sb.Append("</tr>");
        }

        sb.Append("</tbody></table></div></div></div>\n");
    }

    private static IReadOnlyList<string> InferHyperparameters(IReadOnlyList<RunData> runs)
    {
        var values = new SortedDictionary<string, HashSet<double>>(StringComparer.Ordinal);
        foreach (var r in runs.SelectMany(r => r.Results))
        {
            foreach (var (name, value) in r.Task.Hyperparameters)
            {
                if (!value.IsCategorical)
                {
                    if (!values.TryGetValue(name, out var set))
                    {
                        values[name] = set = [];
                    }

                    set.Add(value.Number);
                }
            }
        }

        return values.Where(kv => kv.Value.Count > 1).Select(kv => kv.Key).ToArray();
    }

    /// <summary>
    /// Limits the curves' y axis on the bad side (high losses when minimising, low scores when maximising) to the 95th
    /// percentile of the evaluations plus a quarter of the 5–95% spread, when the extreme values lie far beyond it, so
    /// that the first steps' losses do not flatten the rest; null where no limit is needed.
    /// </summary>
    internal static (double? Min, double? Max) FocusRange(IReadOnlyList<double> sorted, ObjectiveMode mode)
    {
        if (sorted.Count < 20)
        {
            return (null, null);
        }

        var q05 = sorted[(int)Math.Round(0.05 * (sorted.Count - 1))];
        var q95 = sorted[(int)Math.Round(0.95 * (sorted.Count - 1))];
        var spread = Math.Max(q95 - q05, 1e-12);
        if (mode == ObjectiveMode.Minimize)
        {
            var limit = q95 + (0.25 * spread);
            return sorted[^1] > q95 + spread ? (null, limit) : (null, null);
        }

        var lower = q05 - (0.25 * spread);
        return sorted[0] < q05 - spread ? (lower, null) : (null, null);
    }

    private static string Number(double value)
    {
        if (!double.IsFinite(value))
        {
            return Ticks.Format(value);
        }

        // G5, with a compact exponent: 2.8125E-05 → 2.8125e-5.
        var text = value.ToString("G5", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text;
        }

        var exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return string.Concat(text.AsSpan(0, e), "e", exponent.ToString(CultureInfo.InvariantCulture));
    }

    private static string Slug(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_' ? c : '-');
        }

        return sb.ToString();
    }

    private const string Css =
        "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;max-width:1360px;padding:0 16px;color:#222;}" +
        "h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}" +
        "h2 small{font-weight:normal;color:#666;font-size:14px}h3{font-size:15px;margin:12px 0 6px}.meta{color:#555}" +
        ".figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:12px}" +
        "img.samples{display:block;width:100%;max-width:484px;margin:8px auto;image-rendering:pixelated}figcaption{font-size:12px;color:#666;padding:0 12px 8px}figure{margin:0;border:1px solid #e3e3e3;border-radius:4px;background:#fff}figure svg{display:block;width:100%;height:auto}" +
        "table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f4f4f4}" +
        "td.n{text-align:right;font-variant-numeric:tabular-nums}.tables{display:flex;flex-wrap:wrap;gap:32px}" +
        ".scroll{max-height:420px;overflow:auto}footer{margin:32px 0;color:#888;font-size:12px}";

    private sealed record RunData(RunRecord Record, IReadOnlyList<TaskResult> Results, RunLineage Lineage)
    {
        /// <summary>The run's event log (FIRE's evaluator table reads it).</summary>
        public IReadOnlyList<RunEvent> Events { get; init; } = [];

        /// <summary>Samples drawn from the best member when the run ended, if its trainable generates images.</summary>
        public SampleGrid? Samples { get; init; }
    }
}
