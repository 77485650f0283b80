using System.Xml.Linq;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Reports.Tests;

public sealed class FireReportTests
{
    private static readonly XNamespace s_svg = "http://www.w3.org/2000/svg";
    private static readonly ReportOptions s_options = new("fire", new Objective("loss", ObjectiveMode.Minimize), ["lr"], new HashSet<string>(["lr"]));

    private static HyperparameterSet Lr(double lr) => HyperparameterSet.Empty.With("lr", lr);

    private static TaskResult Result(int member, int ordinal, CheckpointRef? from, double lr, long start, double loss) =>
        new(
            new TrainTask(member, ordinal, ordinal, from, Lr(lr), start, 100, 1),
            TaskOutcome.Completed,
            new Dictionary<string, double> { ["loss"] = loss },
            new Dictionary<string, double>(),
            new CheckpointRef($"m{member}-o{ordinal}", start + 100, 8));

    /// <summary>
    /// P1 = member 0 (lr 0.01), P2 = member 1 (lr 0.5), evaluator 2: it copies member 1 at step 100 with member 0's lr,
    /// and at step 200 member 0 copies its weights (an evaluator success).
    /// </summary>
    private static async Task<InMemoryExperimentStore> FireStoreAsync()
    {
        var ct = CancellationToken.None;
        var store = new InMemoryExperimentStore();
        await store.CreateRunAsync(new RunRecord("fire", "fire", "{}"), ct);
        var t0 = Result(0, 0, null, 0.01, 0, 3.0);
        var p0 = Result(1, 0, null, 0.5, 0, 4.0);
        await store.AppendAsync("fire", t0, [], ct);
        await store.AppendAsync("fire", p0, [
            new SubPopulationJoined(0, 0, 1),
            new SubPopulationJoined(1, 0, 2),
            new SubPopulationJoined(2, 0, SubPopulationJoined.EvaluatorSet),
            new EvaluatorStarted(2, 100, 1, 0, p0.Checkpoint!, Lr(0.01)),
        ], ct);
        var t1 = Result(0, 1, t0.Checkpoint, 0.01, 100, 2.5);
        var p1 = Result(1, 1, p0.Checkpoint, 0.5, 100, 3.5);
        var e0 = Result(2, 0, p0.Checkpoint, 0.01, 100, 1.0);
        await store.AppendAsync("fire", t1, [], ct);
        await store.AppendAsync("fire", p1, [], ct);
        await store.AppendAsync("fire", e0, [
            new EvaluatorSucceeded(0, 200, 2, 1, e0.Checkpoint!, Lr(0.01), 1.5, 0.001),
            new EvaluatorStopped(2, 200, 1, 0, "success"),
        ], ct);
        await store.AppendAsync("fire", Result(0, 2, e0.Checkpoint, 0.01, 200, 0.8), [new MemberFinished(0, 300, MemberStopReason.Completed, null)], ct);
        await store.AppendAsync("fire", Result(1, 2, p1.Checkpoint, 0.5, 200, 3.2), [new MemberFinished(1, 300, MemberStopReason.Completed, null)], ct);
        return store;
    }

    [Fact]
    public async Task BuildAsync_Should_ColourSubPopulationsAndMarkEvaluatorSuccesses_When_RunIsFire()
    {
        var store = await FireStoreAsync();

        var html = await HtmlReport.BuildAsync(store, s_options, CancellationToken.None);
        var doc = XDocument.Parse(html.Replace("<!DOCTYPE html>", "", StringComparison.Ordinal));

        var chart = Assert.Single(doc.Descendants(s_svg + "svg"), s => ((string?)s.Attribute("class"))?.Contains("marked-step-chart", StringComparison.Ordinal) == true);
        var marker = Assert.Single(chart.Descendants(s_svg + "g").Single(g => (string?)g.Attribute("class") == "markers").Elements(s_svg + "circle"));
        Assert.Contains("member 0 copied evaluator 2 (parent 1)", marker.Value, StringComparison.Ordinal);
        var legend = chart.Descendants(s_svg + "text").Select(t => t.Value).ToArray();
        Assert.Contains("P1 (greedy)", legend);
        Assert.Contains("P2", legend);
        Assert.Contains("evaluator success", legend);
        Assert.Contains("best (member 0)", legend);

        // The evaluator is not drawn among the members, and its lr segments are part of the best schedule instead.
        var members = chart.Descendants(s_svg + "path").Where(p => (string?)p.Attribute("class") == "member").Select(p => p.Value).ToArray();
        Assert.Equal(["member 0 (P1)", "member 1 (P2)"], members);
        Assert.Contains("successes: 1", html, StringComparison.Ordinal);
        var schedules = Assert.Single(doc.Descendants(s_svg + "svg"), s => s.Element(s_svg + "title")?.Value == "Best schedule of each run: lr");
        Assert.Contains(schedules.Descendants(s_svg + "path"), p => p.Value == "fire (member 0)");
        Assert.Contains("success ×1", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildAsync_Should_DrawNoFireChart_When_RunHasNoSubPopulations()
    {
        var store = new InMemoryExperimentStore();
        await store.CreateRunAsync(new RunRecord("pbt", "pbt", "{}"), CancellationToken.None);
        await store.AppendAsync("pbt", Result(0, 0, null, 0.1, 0, 1.0), [], CancellationToken.None);

        var html = await HtmlReport.BuildAsync(store, s_options, CancellationToken.None);

        Assert.DoesNotContain("marked-step-chart", html, StringComparison.Ordinal);
        Assert.DoesNotContain("FIRE PBT", html, StringComparison.Ordinal);
    }
}
