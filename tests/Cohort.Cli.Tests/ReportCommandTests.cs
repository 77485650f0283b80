namespace Cohort.Cli.Tests;

public sealed class ReportCommandTests
{
    [Fact]
    public async Task Should_RegenerateReportHtml_When_ReportCommandRunsAfterRun()
    {
        // Given a finished toy experiment
        var dir = TestPaths.NewDirectory();
        var run = await Cli.RunAsync("run", TestPaths.Example("toy.yaml"), "--out", dir, "--workers", "2");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var path = Path.Combine(dir, "report.html");
        Assert.True(File.Exists(path));
        var written = await File.ReadAllTextAsync(path);
        File.Delete(path);

        // When the report is regenerated from the store
        var result = await Cli.RunAsync("report", dir);

        // Then it is written again, identical, with its charts
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        var html = await File.ReadAllTextAsync(path);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Equal(written, html);
    }

    [Fact]
    public async Task Should_ExitWithUsageError_When_ReportDirectoryHoldsNoExperiment()
    {
        var result = await Cli.RunAsync("report", TestPaths.NewDirectory());

        Assert.Equal(2, result.ExitCode);
    }
}
