using System.Text.RegularExpressions;

namespace Cohort.Cli.Tests;

/// <summary>
/// <c>examples/pb2-boston-optimizer.yaml</c>: the optimizer (categorical) and the batch size (integer) as hyperparameters
/// under PB2 beside PBT — it validates, runs (shortened) and its report shows the chosen values and PB2's figures.
/// </summary>
public sealed class Pb2OptimizerExampleTests
{
    private static string Example => TestPaths.Example("pb2-boston-optimizer.yaml");

    [Fact]
    public async Task Validate_Should_AcceptTheExample_When_Checked()
    {
        var result = await Cli.RunAsync("validate", Example);

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Contains("2 runs (pbt-8: pbt x8, pb2-8: pb2 x8)", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("choices: [adam, sgd]", "choices: [adam, rmsprop]", "hyperparameters.optimizer.choices", "rmsprop")]
    [InlineData("choices: [adam, sgd]", "choices: [adam, adamw]", "hyperparameters.momentum", "momentum")]
    [InlineData("batch_size: {type: int, min: 8", "batch_size: {type: int, min: 0", "hyperparameters.batch_size.min", "'0'")]
    public async Task Validate_Should_ExitWith2NamingKeyAndValue_When_TheDeclarationIsBad(string from, string to, string key, string value)
    {
        var dir = TestPaths.NewDirectory();
        var spec = Path.Combine(dir, "bad.yaml");
        await File.WriteAllTextAsync(spec, (await File.ReadAllTextAsync(Example)).Replace(from, to, StringComparison.Ordinal));

        var result = await Cli.RunAsync("validate", spec);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(key, result.Error, StringComparison.Ordinal);
        Assert.Contains(value, result.Error, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public async Task Run_Should_ShowOptimizerAndBatchSizeChoicesAndPb2Figures_When_TheExampleRunsShort()
    {
        var dir = TestPaths.NewDirectory();

        var result = await Cli.RunAsync("run", Example, "--out", dir, "--data-dir", SharedData.Root!, "--workers", "2", "--set", "steps=300");

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        var report = await File.ReadAllTextAsync(Path.Combine(dir, "report.html"));
        foreach (var run in new[] { "pbt-8", "pb2-8" })
        {
            // The optimizer over steps on an axis of its choices, and the batch size as numbers
            var optimizer = Svg(report, $"optimizer per member ({run})");
            Assert.Contains(">adam</text>", optimizer, StringComparison.Ordinal);
            Assert.Contains(">sgd</text>", optimizer, StringComparison.Ordinal);
            Assert.DoesNotContain("no data", optimizer, StringComparison.Ordinal);
            Assert.DoesNotContain("no data", Svg(report, $"batch_size per member ({run})"), StringComparison.Ordinal);
        }

        // The best members' schedules name the optimizer and give whole batch sizes
        Assert.Matches("<th>batch_size</th>.*<th>optimizer</th>", report);
        Assert.Matches("<td class=\"n\">(adam|sgd)</td>", report);

        // PB2's choices beside PBT's, and its acquisition surface, with data
        var choices = Svg(report, "Chosen batch_size × learning_rate: pb2-8 beside pbt-8");
        Assert.Contains("class=\"point\"", choices, StringComparison.Ordinal);
        Assert.Contains("class=\"hollow\"", choices, StringComparison.Ordinal);
        var surface = Svg(report, "PB2 acquisition at step");
        Assert.Equal(24 * 24, Regex.Count(Regex.Match(surface, "<g class=\"cells\".*?</g>").Value, "<rect"));
    }

    private static string Svg(string report, string titleStart) =>
        Regex.Match(report, "<svg[^>]*>(?:(?!</svg>).)*?<title>" + Regex.Escape(titleStart) + "(?:(?!</svg>).)*</svg>", RegexOptions.Singleline).Value is { Length: > 0 } svg
            ? svg
            : throw new Xunit.Sdk.XunitException($"The report has no figure titled '{titleStart}…'.");
}
