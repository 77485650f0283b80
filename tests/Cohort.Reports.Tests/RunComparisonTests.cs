using System.Xml.Linq;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Reports.Tests;

public sealed class RunComparisonTests
{
    private static readonly XNamespace s_svg = "http://www.w3.org/2000/svg";
    private static readonly Objective s_return = new("return", ObjectiveMode.Maximize);

    /// <summary>Runs whose members' returns are given per evaluation (tasks of 10 steps).</summary>
    private static async Task<InMemoryExperimentStore> StoreAsync(params (string Name, double[][] Members)[] runs)
    {
        var store = new InMemoryExperimentStore();
        var ct = CancellationToken.None;
        foreach (var (name, members) in runs)
        {
            await store.CreateRunAsync(new RunRecord(name, "random", "{}"), ct);
            for (var i = 0; i < members[0].Length; i++)
            {
                for (var m = 0; m < members.Length; m++)
                {
                    var result = new TaskResult(
                        new TrainTask(m, i, i, null, HyperparameterSet.Empty, i * 10L, 10, 1),
                        TaskOutcome.Completed,
                        new Dictionary<string, double> { ["return"] = members[m][i] },
                        new Dictionary<string, double>(),
                        new CheckpointRef($"{name}-{m}-{i}", (i * 10) + 10, 1));
                    await store.AppendAsync(name, result, i == 0 ? [new MemberCreated(m, HyperparameterSet.Empty)] : [], ct);
                }
            }

            await store.FinishRunAsync(name, RunStatus.Completed, null, 1, ct);
        }

        return store;
    }

    private static async Task<XDocument> ReportAsync(InMemoryExperimentStore store, double? target)
    {
        var html = await HtmlReport.BuildAsync(store, new ReportOptions("rl", s_return, [], new HashSet<string>()) { Target = target }, CancellationToken.None);
        return XDocument.Parse(html.Replace("<!DOCTYPE html>", "", StringComparison.Ordinal));
    }

    private static XElement? Section(XDocument doc) => doc.Descendants("section").SingleOrDefault(s => (string?)s.Attribute("id") == "runs-compared");

    [Fact]
    public async Task Report_Should_DrawBestAndMeanPerRunWithTheTarget_When_RunsAreCompared()
    {
        // Given a run whose best member passes 475 once and falls back, and one whose members hold it
        await using var store = await StoreAsync(
            ("pbt", [[100, 480, 490], [50, 200, 476]]),
            ("random", [[480, 100, 100], [10, 20, 30]]));

        var section = Section(await ReportAsync(store, 475))!;

        // Then two charts, one line per run plus the black target line
        var charts = section.Descendants(s_svg + "svg").ToArray();
        Assert.Equal(2, charts.Length);
        Assert.All(charts, c =>
        {
            var paths = c.Descendants(s_svg + "path").ToArray();
            Assert.Equal(["pbt", "random", "target 475"], paths.Select(p => p.Element(s_svg + "title")!.Value));
            Assert.Single(paths, p => (string?)p.Attribute("class") == "highlight");
        });

        // And the times to the target (total steps, member step in brackets)
        var rows = section.Descendants("table").Single().Descendants("tr").Skip(1).Select(r => r.Elements("td").Select(td => td.Value).ToArray()).ToArray();
        Assert.Equal(["pbt", "40 (20)", "60 (30)", "40 (20)", "60 (30)"], rows[0]);
        Assert.Equal(["random", "20 (10)", "never", "never", "never"], rows[1]);
    }

    [Fact]
    public async Task Report_Should_LeaveTheSectionOut_When_ThereIsOneRunAndNoTarget()
    {
        await using var store = await StoreAsync(("pbt", [[100, 480], [50, 200]]));

        Assert.Null(Section(await ReportAsync(store, null)));
        Assert.NotNull(Section(await ReportAsync(store, 475)));
    }

    [Fact]
    public async Task Report_Should_CompareWithoutATable_When_ThereIsNoTarget()
    {
        await using var store = await StoreAsync(("a", [[1, 2]]), ("b", [[3, 4]]));

        var section = Section(await ReportAsync(store, null))!;

        Assert.Equal(2, section.Descendants(s_svg + "svg").Count());
        Assert.Empty(section.Descendants("table"));
        Assert.DoesNotContain(section.Descendants(s_svg + "path"), p => (string?)p.Attribute("class") == "highlight");
    }

    [Fact]
    public async Task Report_Should_DrawReturnByTrainingEpisodes_When_ResultsCarryEpisodes()
    {
        // Given a run whose results report each member's training episodes beside its return (as the RL kinds do)
        var store = new InMemoryExperimentStore();
        var ct = CancellationToken.None;
        await store.CreateRunAsync(new RunRecord("pbt", "pbt", "{}"), ct);
        double[][] returns = [[10, 50, 120], [20, 30, 200]];
        double[][] episodes = [[40, 70, 90], [45, 60, 75]];
        for (var i = 0; i < 3; i++)
        {
            for (var m = 0; m < 2; m++)
            {
                var result = new TaskResult(
                    new TrainTask(m, i, i, null, HyperparameterSet.Empty, i * 10L, 10, 1),
                    TaskOutcome.Completed,
                    new Dictionary<string, double> { ["return"] = returns[m][i], ["episodes"] = episodes[m][i] },
                    new Dictionary<string, double>(),
                    new CheckpointRef($"pbt-{m}-{i}", (i * 10) + 10, 1));
                await store.AppendAsync("pbt", result, i == 0 ? [new MemberCreated(m, HyperparameterSet.Empty)] : [], ct);
            }
        }

        await store.FinishRunAsync("pbt", RunStatus.Completed, null, 1, ct);

        // When the report is built
        var doc = await ReportAsync(store, null);

        // Then the run's section has the chart, one line per member through its three evaluations
        var chart = Assert.Single(doc.Descendants(s_svg + "svg"), c => c.Descendants(s_svg + "text").Any(t => t.Value.Contains("by training episodes", StringComparison.Ordinal)));
        var paths = chart.Descendants(s_svg + "path").Where(p => (string?)p.Attribute("class") == "member").ToArray();
        Assert.Equal(["member 0", "member 1"], paths.Select(p => p.Element(s_svg + "title")!.Value));
        Assert.All(paths, p => Assert.Equal(3, ((string)p.Attribute("d")!).Count(c => c is 'M' or 'L')));

        // And a run without the metric has none
        await using var plain = await StoreAsync(("pbt", [[100, 480], [50, 200]]));
        Assert.DoesNotContain((await ReportAsync(plain, null)).Descendants(s_svg + "text"), t => t.Value.Contains("by training episodes", StringComparison.Ordinal));
        await store.DisposeAsync();
    }
}
