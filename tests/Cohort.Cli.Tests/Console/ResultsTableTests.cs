using Cohort.Cli.Console;
using Cohort.Cli.Experiments;
using Cohort.Core.Storage;
using Cohort.Spec.Results;

namespace Cohort.Cli.Tests.Console;

public sealed class ResultsTableTests
{
    private static IReadOnlyList<RunSummary> Runs() =>
    [
        new("grid-36", "grid", RunStatus.Completed, 36, 3000, 108_000, 26.2, 0, 27.4906, 18.3668, null, []),
        new("pbt-12", "pbt", RunStatus.Completed, 12, 3000, 36_000, 7.5, 11, 17.6638, 16.6501, null, []),
    ];

    [Theory]
    [InlineData(60)]
    [InlineData(80)]
    [InlineData(160)]
    public void Write_Should_StateTheDirectionAndFitTheWidth_When_Rendered(int width)
    {
        var spec = CohortCatalog.Instance.Load(TestPaths.Example("boston-bad-grid.yaml"));
        var output = new StringWriter();

        ResultsTable.Write(output, width, spec, Runs());

        var lines = output.ToString().Split('\n');
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= width - 1, $"{l.Length}: {l}"));
        Assert.Contains("boston-bad-grid (seed 1): mse, lower is better", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("│ pbt-12 ", StringComparison.Ordinal) && l.Contains(" 17.6638 │", StringComparison.Ordinal));
        if (width >= 160)
        {
            Assert.Contains(lines, l => l.Contains("best final mse", StringComparison.Ordinal) && l.Contains("method", StringComparison.Ordinal));
        }
    }
}
