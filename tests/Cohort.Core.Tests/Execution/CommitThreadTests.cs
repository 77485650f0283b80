using Cohort.Core.Execution;

namespace Cohort.Core.Tests.Execution;

public sealed class CommitThreadTests
{
    [Fact]
    public async Task Run_Should_RunCommitsInOrderOnOneThreadAndSurfaceFailures_When_SeveralAreQueued()
    {
        // Given three commits queued at once, the second of which fails after an asynchronous step
        using var commits = new CommitThread("r");
        var order = new List<int>();
        var threads = new HashSet<int>();
        Func<int, bool, Func<Task>> commit = (n, fail) => async () =>
        {
            threads.Add(Environment.CurrentManagedThreadId);
            await Task.Yield();
            lock (order)
            {
                order.Add(n);
            }

            if (fail)
            {
                throw new InvalidOperationException("disk full");
            }
        };

        // When they run
        var first = commits.Run(commit(1, false));
        var second = commits.Run(commit(2, true));
        var third = commits.Run(commit(3, false));
        await first;
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => second);
        await third;

        // Then they ran one after another, in order, each starting on the commit thread; the failure reached its caller
        Assert.Equal([1, 2, 3], order);
        Assert.Single(threads);
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, threads);
        Assert.Equal("disk full", failure.Message);
    }

    [Fact]
    public void Run_Should_Throw_When_TheThreadWasDisposed()
    {
        var commits = new CommitThread("r");
        commits.Dispose();

        Assert.Throws<ObjectDisposedException>(() => { _ = commits.Run(() => Task.CompletedTask); });
    }
}
