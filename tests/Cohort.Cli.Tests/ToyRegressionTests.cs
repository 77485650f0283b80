namespace Cohort.Cli.Tests;

/// <summary>
/// <c>cohort run examples/toy.yaml</c> gives exactly the best scores it gave before the spec became a library
/// (main at 82eacc5, <c>--seed 0</c>): reading, mapping and running a spec through the sections changed nothing.
/// </summary>
public sealed class ToyRegressionTests
{
    [Fact]
    public async Task Run_Should_GiveTheScoresOfBeforeTheSpecLibrary_When_RunningTheToyExample()
    {
        var dir = TestPaths.NewDirectory();

        var result = await Cli.RunAsync("run", TestPaths.Example("toy.yaml"), "--out", dir, "--seed", "0", "--workers", "2");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Equal(
            new Dictionary<string, double>
            {
                ["grid"] = 0.38999992249217086,
                ["pbt"] = 1.199965101217956,
                ["explore-only"] = 1.1997747412176751,
                ["exploit-only"] = 1.1994988758973948,
            },
            CohortAppTests.BestScores(dir));
    }
}
