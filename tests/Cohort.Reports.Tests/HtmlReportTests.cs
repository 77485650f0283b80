using System.Globalization;
using System.Xml.Linq;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Reports.Tests;

public sealed class HtmlReportTests
{
    private static readonly XNamespace s_svg = "http://www.w3.org/2000/svg";
    private static readonly Objective s_objective = new("loss", ObjectiveMode.Minimize);
    private static readonly ReportOptions s_options = new("synthetic <pbt>", s_objective, ["lr", "momentum"], new HashSet<string>(["lr"]));

    private static HyperparameterSet H(double lr, double momentum) =>
        HyperparameterSet.From(new Dictionary<string, HyperValue> { ["lr"] = lr, ["momentum"] = momentum });

    private static TaskResult Result(int member, int ordinal, CheckpointRef? from, HyperparameterSet h, long start, double loss) =>
        new(
            new TrainTask(member, ordinal, ordinal, from, h, start, 10, 1),
            TaskOutcome.Completed,
            new Dictionary<string, double> { ["loss"] = loss },
            new Dictionary<string, double> { ["loss"] = loss * 1.1 },
            new CheckpointRef($"m{member}-o{ordinal}", start + 10, 100));

    /// <summary>
    /// A PBT run of 4 members over 4 generations of 10 steps; at step 20 member 3 (the worst) copies member 0 (the
    /// best) and perturbs its learning rate, then becomes the best; plus a 4-cell grid run.
    /// </summary>
    private static async Task<InMemoryExperimentStore> SyntheticStoreAsync()
    {
        var store = new InMemoryExperimentStore();
        var ct = CancellationToken.None;
        await store.CreateRunAsync(new RunRecord("pbt-4", "pbt", "{}"), ct);
        var hs = new[] { H(0.001, 0.9), H(0.01, 0.5), H(0.1, 0.7), H(0.0003, 0.2) };
        var last = new CheckpointRef?[4];
        for (var g = 0; g < 4; g++)
        {
            var generationStart = last.ToArray();
            for (var m = 0; m < 4; m++)
            {
                var events = new List<RunEvent>();
                if (g == 0)
                {
                    events.Add(new MemberCreated(m, hs[m]));
                }

                var from = last[m];
                if (g == 2 && m == 3)
                {
                    var after = H(0.0012, 0.9);
                    events.Clear();
                    from = generationStart[0];
                    hs[3] = after;
                }

                // After copying member 0, member 3 becomes the best.
                var loss = m == 3 && g >= 2 ? 0.1 / (g + 1) : (m + 1) * 1.0 / (g + 1);
                var result = Result(m, g, from, hs[m], g * 10, loss);
                if (g == 2 && m == 3)
                {
                    events.Add(new Exploited(3, 20, 0, generationStart[0]!, H(0.0003, 0.2), H(0.001, 0.9)));
                    events.Add(new Explored(3, 20, H(0.001, 0.9), hs[3], "perturb"));
                }

                await store.AppendAsync("pbt-4", result, events, ct);
                last[m] = result.Checkpoint;
            }
        }

        await store.FinishRunAsync("pbt-4", RunStatus.Completed, null, 1.5, ct);
        await store.CreateRunAsync(new RunRecord("grid", "grid", "{}"), ct);
        var cells = new[] { H(0.001, 0.2), H(0.001, 0.9), H(0.1, 0.2), H(0.1, 0.9) };
        for (var m = 0; m < 4; m++)
        {
            CheckpointRef? from = null;
            for (var g = 0; g < 4; g++)
            {
                var r = Result(m, g, from, cells[m], g * 10, (m + 2) * 1.0 / (g + 1)) with { Checkpoint = new CheckpointRef($"grid-m{m}-o{g}", (g * 10) + 10, 100) };
                await store.AppendAsync("grid", r, g == 0 ? [new MemberCreated(m, cells[m])] : [], ct);
                from = r.Checkpoint;
            }
        }

        await store.FinishRunAsync("grid", RunStatus.Completed, null, 1.0, ct);
        return store;
    }

    private static XDocument Parse(string html) => XDocument.Parse(html.Replace("<!DOCTYPE html>", "", StringComparison.Ordinal));

    /// <summary>The report's per-run sections, in run order.</summary>
    private static XElement[] RunSections(XDocument doc) =>
        doc.Descendants("section").Where(s => ((string?)s.Attribute("id"))?.StartsWith("run-", StringComparison.Ordinal) == true).ToArray();

    [Fact]
    public async Task BuildAsync_Should_BeWellFormedWithOneSvgPerFigure_When_StoreHasPbtAndGridRuns()
    {
        await using var store = await SyntheticStoreAsync();

        var html = await HtmlReport.BuildAsync(store, s_options, CancellationToken.None);
        var doc = Parse(html);

        var sections = RunSections(doc);
        Assert.Equal(2, sections.Length);
        // PBT: curves, lr, momentum, explored scatter. Grid: curves, lr, momentum.
        Assert.Equal(4, sections[0].Descendants(s_svg + "svg").Count());
        Assert.Equal(3, sections[1].Descendants(s_svg + "svg").Count());
        Assert.Contains("synthetic &lt;pbt&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var ids = doc.Descendants().Select(e => (string?)e.Attribute("id")).Where(i => i is not null).ToArray();
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Fact]
    public async Task BuildAsync_Should_DrawEveryMemberAndTheTop5Mean_When_DrawingCurves()
    {
        await using var store = await SyntheticStoreAsync();

        var doc = Parse(await HtmlReport.BuildAsync(store, s_options, CancellationToken.None));

        var curves = RunSections(doc)[0].Descendants(s_svg + "svg").First();
        Assert.Contains("line-chart", (string?)curves.Attribute("class"), StringComparison.Ordinal);
        var paths = curves.Descendants(s_svg + "path").ToArray();
        Assert.Equal(4, paths.Count(p => (string?)p.Attribute("class") == "member"));
        Assert.Single(paths, p => (string?)p.Attribute("class") == "highlight");
        Assert.Contains(curves.Descendants(s_svg + "text"), t => t.Value == "mean of top 5");
    }

    [Fact]
    public async Task BuildAsync_Should_UseLogAxis_When_HyperparameterIsLogScaled()
    {
        await using var store = await SyntheticStoreAsync();

        var doc = Parse(await HtmlReport.BuildAsync(store, s_options, CancellationToken.None));

        var charts = RunSections(doc)[0].Descendants(s_svg + "svg").Where(s => ((string?)s.Attribute("class") ?? "").Contains("step-chart", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, charts.Length);
        var lr = charts[0];
        var momentum = charts[1];
        Assert.Contains(lr.Descendants(s_svg + "text"), t => t.Value == "lr (log scale)");
        Assert.Contains(lr.Descendants(s_svg + "text"), t => t.Value == "1e-4");
        Assert.Contains(lr.Descendants(s_svg + "text"), t => t.Value == "0.1");
        Assert.Contains(momentum.Descendants(s_svg + "text"), t => t.Value == "momentum");
        Assert.DoesNotContain(momentum.Descendants(s_svg + "text"), t => t.Value.Contains("log scale", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BuildAsync_Should_ShowExploredPointsBesideGridCells_When_ExperimentHasGridRun()
    {
        await using var store = await SyntheticStoreAsync();

        var doc = Parse(await HtmlReport.BuildAsync(store, s_options, CancellationToken.None));

        var scatter = doc.Descendants(s_svg + "svg").Single(s => ((string?)s.Attribute("class") ?? "").Contains("scatter-chart", StringComparison.Ordinal));
        Assert.Equal(4, scatter.Descendants(s_svg + "circle").Count(c => (string?)c.Attribute("class") == "hollow"));
        // 4 members × 4 generations, all distinct (hyperparameters, step) pairs.
        Assert.Equal(16, scatter.Descendants(s_svg + "circle").Count(c => (string?)c.Attribute("class") == "point"));
    }

    [Fact]
    public async Task BuildAsync_Should_ListLineageAndSummary_When_BestMemberCopiedADonor()
    {
        await using var store = await SyntheticStoreAsync();

        var doc = Parse(await HtmlReport.BuildAsync(store, s_options, CancellationToken.None));

        // Best PBT member: 3 (loss 0.025 at step 40), whose weights member 0 trained until step 20.
        var summary = doc.Descendants("table").First();
        var rows = summary.Descendants("tr").Skip(1).Select(r => r.Elements("td").Select(td => td.Value).ToArray()).ToArray();
        Assert.Equal(["pbt-4", "pbt", "completed", "4", "160", "3", "0.025", "0.0275", "1.5 s"], rows[0]);
        Assert.Equal("grid", rows[1][0]);
        var section = RunSections(doc)[0];
        Assert.Contains(section.Descendants("h3"), h => h.Value == "Best member 3: lineage");
        var tables = section.Descendants("table").Select(t => t.Descendants("tr").Skip(1).Select(r => string.Join("|", r.Elements("td").Select(td => td.Value))).ToArray()).ToArray();
        Assert.Equal(["member 0|0|20", "member 3|20|40"], tables[0]);
        Assert.Equal(["0|0.001|0.9", "20|0.0012|0.9"], tables[1]);
    }

    [Fact]
    public async Task BuildAsync_Should_FormatInvariantly_When_CultureUsesDecimalComma()
    {
        await using var store = await SyntheticStoreAsync();
        var previous = CultureInfo.CurrentCulture;
        string html;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("fr-FR");
            html = await HtmlReport.BuildAsync(store, s_options, CancellationToken.None);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }

        Assert.Equal(html, await HtmlReport.BuildAsync(store, s_options, CancellationToken.None));
        Assert.Contains(">0.0275<", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildAsync_Should_RenderNoDataCharts_When_RunHasNoResults()
    {
        var store = new InMemoryExperimentStore();
        await store.CreateRunAsync(new RunRecord("empty", "pbt", "{}"), CancellationToken.None);

        var doc = Parse(await HtmlReport.BuildAsync(store, s_options, CancellationToken.None));

        Assert.Contains(doc.Descendants(s_svg + "text"), t => t.Value == "no data");
        Assert.Contains(doc.Descendants("p"), p => p.Value.Contains("No member has a finite score", StringComparison.Ordinal));
    }
}

public sealed class HtmlReportFocusRangeTests
{
    [Fact]
    public void FocusRange_Should_CutOffEarlyLosses_When_MinimisingWithFarOutliers()
    {
        // 95 late losses between 16 and 25, 5 early ones in the hundreds.
        var values = Enumerable.Range(0, 95).Select(i => 16 + (i * 0.1)).Concat([600.0, 400, 300, 200, 150]).Order().ToArray();

        var (min, max) = HtmlReport.FocusRange(values, ObjectiveMode.Minimize);

        Assert.Null(min);
        Assert.NotNull(max);
        Assert.InRange(max!.Value, 25, 100);
    }

    [Fact]
    public void FocusRange_Should_LeaveAxisAlone_When_ValuesHaveNoOutliers()
    {
        var values = Enumerable.Range(0, 100).Select(i => i * 0.01).ToArray();

        Assert.Equal((null, null), HtmlReport.FocusRange(values, ObjectiveMode.Minimize));
        Assert.Equal((null, null), HtmlReport.FocusRange(values, ObjectiveMode.Maximize));
    }

    [Fact]
    public void FocusRange_Should_CutOffLowScores_When_Maximising()
    {
        var values = new[] { 0.1, 0.1, 0.1, 0.1, 0.1 }.Concat(Enumerable.Range(0, 95).Select(i => 0.9 + (i * 0.001))).Order().ToArray();

        var (min, max) = HtmlReport.FocusRange(values, ObjectiveMode.Maximize);

        Assert.Null(max);
        Assert.InRange(min!.Value, 0.5, 0.9);
    }
}
