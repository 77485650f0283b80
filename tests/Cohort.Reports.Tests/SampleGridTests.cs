using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Reports.Tests;

public sealed class SampleGridTests
{
    private static readonly byte[] s_png = [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3];

    [Fact]
    public void FromJson_Should_ReadWhatToJsonWrote_When_TheScoreIsFiniteOrNot()
    {
        var grid = new SampleGrid(3, 400, 5.5, s_png);
        var noScore = new SampleGrid(1, 100, double.NaN, s_png);

        var back = SampleGrid.FromJson(grid.ToJson())!;
        var backNoScore = SampleGrid.FromJson(noScore.ToJson())!;

        Assert.Equal((3, 400L, 5.5), (back.Member, back.Step, back.Score));
        Assert.Equal(s_png, back.Png);
        Assert.True(double.IsNaN(backNoScore.Score));
        Assert.Null(SampleGrid.FromJson(null));
        Assert.Null(SampleGrid.FromJson("{\"member\": 1}"));
    }

    [Fact]
    public async Task Report_Should_ShowTheStoredSamples_When_ARunHasThem()
    {
        // Given two runs, one with samples stored under its key
        var store = new InMemoryExperimentStore();
        var ct = CancellationToken.None;
        foreach (var name in new[] { "pbt", "baseline" })
        {
            await store.CreateRunAsync(new RunRecord(name, "random", "{}"), ct);
            var result = new TaskResult(
                new TrainTask(0, 0, 0, null, HyperparameterSet.Empty, 0, 10, 1),
                TaskOutcome.Completed,
                new Dictionary<string, double> { ["inception_score"] = 2 },
                new Dictionary<string, double>(),
                new CheckpointRef(name, 10, 1));
            await store.AppendAsync(name, result, [new MemberCreated(0, HyperparameterSet.Empty)], ct);
            await store.FinishRunAsync(name, RunStatus.Completed, null, 1, ct);
        }

        await store.SetMetadataAsync(SampleGrid.MetadataKey("pbt"), new SampleGrid(0, 10, 2, s_png).ToJson(), ct);

        // When the report is built
        var html = await HtmlReport.BuildAsync(store, new ReportOptions("gan", new Objective("inception_score", ObjectiveMode.Maximize), [], new HashSet<string>()), ct);

        // Then the image appears once, as a PNG data URI, for the run that has it
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<img class=\"samples\""));
        Assert.Contains("alt=\"samples of pbt\" src=\"data:image/png;base64," + Convert.ToBase64String(s_png) + "\"", html, StringComparison.Ordinal);
    }
}
