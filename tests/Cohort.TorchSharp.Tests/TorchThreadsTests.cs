namespace Cohort.TorchSharp.Tests;

public sealed class TorchThreadsTests
{
    [Fact]
    public async Task Should_KeepEachThreadsSetting_When_WorkersUseDifferentCounts()
    {
        // Given two worker threads that ask for 1 and 2 LibTorch threads at the same time
        TorchRuntime.EnsureAvailable();
        using var bothSet = new Barrier(2);
        int Worker(int threads)
        {
            TorchThreads.Use(threads);
            bothSet.SignalAndWait();
            return TorchThreads.Current;
        }

        var one = Task.Factory.StartNew(() => Worker(1), TaskCreationOptions.LongRunning);
        var two = Task.Factory.StartNew(() => Worker(2), TaskCreationOptions.LongRunning);

        // Then each keeps its own (OpenMP's setting is per calling thread)
        Assert.Equal(1, await one);
        Assert.Equal(2, await two);
    }

    [Theory]
    [InlineData(1, 2, 2)]
    [InlineData(2, 2, 1)]
    [InlineData(3, 2, 1)]
    [InlineData(2, 16, 8)]
    public void Should_FitWorkersToCores_When_EachTrainableUsesThreads(int threads, int cores, int workers) =>
        Assert.Equal(workers, TorchThreads.WorkersFor(threads, cores));
}
