using Cohort.Cli.Experiments;

namespace Cohort.Cli.Tests;

public sealed class WorkerBudgetTests
{
    [Theory]
    [InlineData(1, 2, 2)]
    [InlineData(2, 2, 1)]
    [InlineData(3, 2, 1)]
    [InlineData(2, 16, 8)]
    [InlineData(0, 4, 4)]
    public void Choose_Should_FitTheCores_When_NoWorkersAreRequested(int threads, int cores, int expected)
    {
        var notes = new List<string>();

        Assert.Equal(expected, WorkerBudget.Choose(null, threads, cores, notes.Add));
        Assert.Empty(notes);
    }

    [Fact]
    public void Choose_Should_KeepTheRequestAndSaySo_When_ItOversubscribes()
    {
        var quiet = new List<string>();
        var noisy = new List<string>();

        Assert.Equal(1, WorkerBudget.Choose(1, 2, 2, quiet.Add));
        Assert.Equal(4, WorkerBudget.Choose(4, 2, 2, noisy.Add));

        Assert.Empty(quiet);
        Assert.Equal(["Note: 4 workers × 2 threads per member need 8 cores and this machine has 2: they will compete for them; --workers 1 fits."], noisy);
    }
}
