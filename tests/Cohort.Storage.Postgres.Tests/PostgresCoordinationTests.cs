using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Storage.Serialization;
using Cohort.Core.Tests.Storage;

namespace Cohort.Storage.Postgres.Tests;

/// <summary>Claims, reports and the run lock of <see cref="PostgresExperimentStore"/> (its <see cref="ICoordinationStore"/> side).</summary>
public sealed class PostgresCoordinationTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private static CancellationToken None => CancellationToken.None;

    private static async Task<PostgresExperimentStore> OpenAsync(ManualTimeProvider time, string? experiment = null)
    {
        var store = await PostgresExperimentStore.OpenAsync(PostgresTestDatabase.Require(), experiment ?? PostgresTestDatabase.NewExperiment("coord"), time, None);
        await store.CreateRunAsync(new RunRecord("pbt", "pbt", "{}"), None);
        return store;
    }

    [PostgresFact]
    public async Task ExperimentLock_Should_RefuseASecondCoordinatorNamingTheFirst_Until_ItIsReleased()
    {
        // Given a coordinator holding an experiment
        var experiment = PostgresTestDatabase.NewExperiment("lock");
        await using var store = await PostgresExperimentStore.OpenAsync(PostgresTestDatabase.Require(), experiment, null, CancellationToken.None);
        var first = await PostgresExperimentLock.AcquireAsync(store.DataSource, experiment, CancellationToken.None);

        // When a second coordinator tries, on a pool of its own (another process would have one)
        await using var other = await PostgresExperimentStore.OpenAsync(PostgresTestDatabase.Require(), experiment, null, CancellationToken.None);
        var error = await Assert.ThrowsAsync<RunLockedException>(
            () => PostgresExperimentLock.AcquireAsync(other.DataSource, experiment, CancellationToken.None));

        // Then it is refused naming the first; once the first lets go, it succeeds
        Assert.Equal(first.Owner, error.Holder);
        Assert.Contains(experiment, error.Message, StringComparison.Ordinal);
        await first.DisposeAsync();
        await using var second = await PostgresExperimentLock.AcquireAsync(other.DataSource, experiment, CancellationToken.None);
        Assert.Equal(second.Owner, await other.GetMetadataAsync(PostgresExperimentLock.OwnerKey, CancellationToken.None));
    }

    [PostgresFact]
    public async Task TryClaim_Should_SkipTasksClaimedByOthers_When_TheirLeaseIsLive()
    {
        var time = new ManualTimeProvider();
        await using var store = await OpenAsync(time);
        TaskKey[] tasks = [new(0, 0), new(1, 0), new(2, 0)];

        Assert.Equal(0, await store.TryClaimAsync("pbt", tasks, "a", Lease, None));
        Assert.Equal(1, await store.TryClaimAsync("pbt", tasks, "b", Lease, None));
        Assert.Equal(0, await store.TryClaimAsync("pbt", tasks, "a", Lease, None)); // its own claim again
        Assert.Equal(2, await store.TryClaimAsync("pbt", tasks, "c", Lease, None));
        Assert.Equal(-1, await store.TryClaimAsync("pbt", tasks, "d", Lease, None));
    }

    [PostgresFact]
    public async Task TryClaim_Should_TakeOver_When_TheHoldersLeaseExpired_AndRenewShouldKeepIt()
    {
        var time = new ManualTimeProvider();
        await using var store = await OpenAsync(time);
        TaskKey[] tasks = [new(0, 0), new(1, 0)];
        Assert.Equal(0, await store.TryClaimAsync("pbt", tasks, "a", Lease, None));
        Assert.Equal(1, await store.TryClaimAsync("pbt", tasks, "b", Lease, None));

        time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await store.RenewClaimAsync("pbt", tasks[1], "b", Lease, None));
        time.Advance(TimeSpan.FromSeconds(20)); // a's lease expired, b's renewed one did not

        Assert.Equal(0, await store.TryClaimAsync("pbt", tasks, "c", Lease, None));
        Assert.False(await store.RenewClaimAsync("pbt", tasks[0], "a", Lease, None));
        Assert.Equal(-1, await store.TryClaimAsync("pbt", tasks, "d", Lease, None));
        Assert.Equal(2, (await store.ReadClaimCountsAsync("pbt", None))[tasks[0]]);
    }

    [PostgresFact]
    public async Task TryClaim_Should_NotOfferATask_When_ItIsReportedOrRecorded()
    {
        var time = new ManualTimeProvider();
        await using var store = await OpenAsync(time);
        var reported = StoreTestData.Result(0, 0);
        var recorded = StoreTestData.Result(1, 0);
        TaskKey[] tasks = [TaskKey.Of(reported.Task), TaskKey.Of(recorded.Task), new(2, 0)];
        Assert.Equal(0, await store.TryClaimAsync("pbt", tasks, "a", Lease, None));

        var fresh = await store.CoordinateAsync("pbt", async (c, ct) => await c.ReportAsync(reported, ct), None);
        var again = await store.CoordinateAsync("pbt", async (c, ct) => await c.ReportAsync(reported, ct), None);
        Assert.True(await store.AppendAsync("pbt", recorded, [], None));

        Assert.True(fresh);
        Assert.False(again);
        Assert.Equal(2, await store.TryClaimAsync("pbt", tasks, "b", Lease, None));
        var reports = await store.CoordinateAsync("pbt", async (c, ct) => await c.ReadReportsAsync(ct), None);
        Assert.Equal(CohortJson.Serialize(reported), CohortJson.Serialize(Assert.Single(reports)));
    }

    [PostgresFact]
    public async Task Coordinate_Should_SerialiseBodies_And_AppendShouldRemoveTheReport()
    {
        var time = new ManualTimeProvider();
        var experiment = PostgresTestDatabase.NewExperiment("lock");
        await using var first = await OpenAsync(time, experiment);
        await using var second = await PostgresExperimentStore.OpenAsync(PostgresTestDatabase.Require(), experiment, time, None);
        var inside = 0;
        var overlaps = 0;

        async Task<long?> Body(IRunCoordination c, int member, CancellationToken ct)
        {
            if (Interlocked.Increment(ref inside) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            await Task.Delay(100, ct);
            var result = StoreTestData.Result(member, 0);
            await c.ReportAsync(result, ct);
            var sequence = await c.AppendAsync(result, StoreTestData.Events(member, 50, 2), ct);
            Interlocked.Decrement(ref inside);
            return sequence;
        }

        var sequences = await Task.WhenAll(
            Enumerable.Range(0, 6).Select(m => (m % 2 == 0 ? first : second).CoordinateAsync("pbt", (c, ct) => Body(c, m, ct), None)));

        Assert.Equal(0, overlaps);
        Assert.Equal(6, sequences.Distinct().Count());
        var appended = await first.ReadResultsAfterAsync("pbt", 0, None);
        Assert.Equal(appended.Select(a => a.Sequence).Order(), appended.Select(a => a.Sequence));
        Assert.Equal(appended.Skip(3).Select(a => a.Result.Task), (await first.ReadResultsAfterAsync("pbt", appended[2].Sequence, None)).Select(a => a.Result.Task));
        Assert.Empty(await first.CoordinateAsync("pbt", async (c, ct) => await c.ReadReportsAsync(ct), None));
        Assert.Equal(12, (await second.ReadEventsAsync("pbt", None)).Count);
    }

    [PostgresFact]
    public async Task Coordinate_Should_KeepNothing_When_TheBodyThrows()
    {
        await using var store = await OpenAsync(new ManualTimeProvider());

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CoordinateAsync<int>(
            "pbt",
            async (c, ct) =>
            {
                await c.ReportAsync(StoreTestData.Result(0, 0), ct);
                await c.AppendAsync(StoreTestData.Result(1, 0), StoreTestData.Events(1, 50, 3), ct);
                await c.CompleteRunAsync(RunStatus.Completed, null, ct);
                throw new InvalidOperationException("killed mid-decision");
            },
            None));

        Assert.Empty(await store.ReadResultsAsync("pbt", None));
        Assert.Empty(await store.ReadEventsAsync("pbt", None));
        Assert.Empty(await store.CoordinateAsync("pbt", async (c, ct) => await c.ReadReportsAsync(ct), None));
        Assert.Equal(RunStatus.Running, (await store.GetRunsAsync(None)).Single().Status);
    }

    [PostgresFact]
    public async Task Open_Should_RecordTheLatestSchemaVersion_When_MigratedTwice()
    {
        await using var a = await PostgresExperimentStore.OpenAsync(PostgresTestDatabase.Require(), PostgresTestDatabase.NewExperiment("m"), null, None);
        await PostgresExperimentStore.MigrateAsync(a.DataSource, None);

        Assert.Equal(PostgresMigrations.LatestVersion, await a.GetSchemaVersionAsync(None));
    }

    [PostgresFact]
    public async Task Stores_Should_NotSeeEachOther_When_TheyOpenDifferentExperiments()
    {
        await using var a = await OpenAsync(new ManualTimeProvider());
        await using var b = await OpenAsync(new ManualTimeProvider());
        await a.AppendAsync("pbt", StoreTestData.Result(0, 0), [], None);
        await a.SetMetadataAsync("spec", "a", None);

        Assert.Empty(await b.ReadResultsAsync("pbt", None));
        Assert.Null(await b.GetMetadataAsync("spec", None));
        Assert.Contains(a.Experiment, await PostgresExperimentStore.ListExperimentsAsync(a.DataSource, "spec", None));
        Assert.DoesNotContain(b.Experiment, await PostgresExperimentStore.ListExperimentsAsync(a.DataSource, "spec", None));
    }
}
