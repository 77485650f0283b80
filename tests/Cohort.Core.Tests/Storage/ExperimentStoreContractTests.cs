using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Core.Tests.Storage;

/// <summary>
/// The semantics every <see cref="IExperimentStore"/> keeps. Each implementation runs this class unchanged through a
/// subclass that says how to open a fresh store (in memory, SQLite, later PostgreSQL).
/// </summary>
public abstract class ExperimentStoreContractTests
{
    protected static CancellationToken None => CancellationToken.None;

    /// <summary>Opens a fresh, empty store whose leases expire by <paramref name="time"/>.</summary>
    protected abstract Task<IExperimentStore> CreateStoreAsync(TimeProvider time);

    [Fact]
    public async Task CreateRun_Should_StoreTheRun_When_TheNameIsNew()
    {
        await using var store = await CreateStoreAsync(new ManualTimeProvider());
        var run = new RunRecord("pbt-6", "pbt", "{\"population\":6}");

        var created = await store.CreateRunAsync(run, None);
        var runs = await store.GetRunsAsync(None);

        Assert.Equal(run, created);
        Assert.Equal([run], runs);
    }

    [Fact]
    public async Task CreateRun_Should_ReturnTheStoredRun_When_TheNameExists()
    {
        await using var store = await CreateStoreAsync(new ManualTimeProvider());
        var first = new RunRecord("grid", "grid", "{\"a\":1}");
        await store.CreateRunAsync(first, None);
        await store.FinishRunAsync("grid", RunStatus.Completed, null, 1.5, None);

        var again = await store.CreateRunAsync(new RunRecord("grid", "random", "{\"b\":2}"), None);

        Assert.Equal(first with { Status = RunStatus.Completed, WallSeconds = 1.5 }, again);
        Assert.Single(await store.GetRunsAsync(None));
    }

    [Fact]
    public async Task GetRuns_Should_ListRunsInCreationOrder_When_SeveralExist()
    {
        await using var store = await CreateStoreAsync(new ManualTimeProvider());
        foreach (var name in new[] { "zeta", "alpha", "mid" })
        {
            await store.CreateRunAsync(new RunRecord(name, "grid", "{}"), None);
        }

        var runs = await store.GetRunsAsync(None);

        Assert.Equal(["zeta", "alpha", "mid"], runs.Select(r => r.Name));
    }

    [Fact]
    public async Task FinishRun_Should_RecordStatusMessageAndWallTime_When_TheRunExists()
    {
        await using var store = await CreateStoreAsync(new ManualTimeProvider());
        await store.CreateRunAsync(new RunRecord("a", "pbt", "{}"), None);
        await store.CreateRunAsync(new RunRecord("b", "grid", "{}"), None);

        await store.FinishRunAsync("a", RunStatus.Failed, "member 3 kept failing", 12.25, None);

        var runs = await store.GetRunsAsync(None);
        Assert.Equal(new RunRecord("a", "pbt", "{}", RunStatus.Failed, "member 3 kept failing", 12.25), runs[0]);
        Assert.Equal(RunStatus.Running, runs[1].Status);
    }

    [Fact]
    public async Task UnknownRun_Should_Throw_When_AppendingReadingOrFinishing()
    {
        await using var store = await CreateStoreAsync(new ManualTimeProvider());

        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.AppendAsync("nope", StoreTestData.Result(0, 0), [], None));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.ReadResultsAsync("nope", None));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.FinishRunAsync("nope", RunStatus.Completed, null, 0, None));
    }

    [Fact]
    public async Task Append_Should_ReadBackResultsAndEventsInOrder_When_Appended()
    {
        await using var store = await CreateStoreAsync(new ManualTimeProvider());
        await store.CreateRunAsync(new RunRecord("pbt", "pbt", "{}"), None);
        var results = new[] { StoreTestData.Result(1, 0), StoreTestData.Result(0, 0), StoreTestData.Result(1, 1), StoreTestData.Result(0, 1) };
        var eventsPerResult = results.Select((r, i) => StoreTestData.Events(r.Task.Member, r.Task.EndStep, i % 3)).ToArray();

        for (var i = 0; i < results.Length; i++)
        {
            Assert.True(await store.AppendAsync("pbt", results[i], eventsPerResult[i], None));
        }

        var readResults = await store.ReadResultsAsync("pbt", None);
        var readEvents = await store.ReadEventsAsync("pbt", None);
        Assert.Equal(results.Length, readResults.Count);
        for (var i = 0; i < results.Length; i++)
        {
            StoreTestData.AssertSameResult(results[i], readResults[i]);
        }

        Assert.Equal(eventsPerResult.SelectMany(e => e), readEvents.Select(e => e.Event), StoreTestData.EventComparer);
        Assert.All(readEvents, e => Assert.Equal("pbt", e.Run));
    }

    [Fact]
    public async Task AppendBatch_Should_AppendInOrderAndSkipRecordedTasksWithTheirEvents_When_GivenMany()
    {
        // Given a run where task (2, 0) is already recorded
        await using var store = await CreateStoreAsync(new ManualTimeProvider());
        await store.CreateRunAsync(new RunRecord("pbt", "pbt", "{}"), None);
        var recorded = StoreTestData.Result(2, 0);
        Assert.True(await store.AppendAsync("pbt", recorded, StoreTestData.Events(2, 10, 1), None));

        // When a batch holding it again, between new results with events, is appended
        ToldResult[] batch =
        [
            new(StoreTestData.Result(0, 0), StoreTestData.Events(0, 10, 2)),
            new(recorded with { Validation = new Dictionary<string, double> { ["loss"] = 99 } }, StoreTestData.Events(2, 10, 2)),
            new(StoreTestData.Result(1, 0), []),
            new(StoreTestData.Result(0, 1), StoreTestData.Events(0, 20, 1)),
        ];
        var appended = await store.AppendBatchAsync("pbt", batch, None);

        // Then the new ones are appended in batch order with their events, and the duplicate is skipped with its own
        Assert.Equal(3, appended);
        var results = await store.ReadResultsAsync("pbt", None);
        Assert.Equal(4, results.Count);
        StoreTestData.AssertSameResult(recorded, results[0]);
        StoreTestData.AssertSameResult(batch[0].Result, results[1]);
        StoreTestData.AssertSameResult(batch[2].Result, results[2]);
        StoreTestData.AssertSameResult(batch[3].Result, results[3]);
        var events = (await store.ReadEventsAsync("pbt", None)).Select(e => e.Event);
        Assert.Equal(StoreTestData.Events(2, 10, 1).Concat(batch[0].Events).Concat(batch[3].Events), events, StoreTestData.EventComparer);
        Assert.Equal(0, await store.AppendBatchAsync("pbt", [batch[0]], None));
        Assert.Equal(0, await store.AppendBatchAsync("pbt", [], None));
    }

    [Fact]
    public async Task Append_Should_ReturnFalseAndWriteNothing_When_TheTaskWasRecorded()
    {
        await using var store = await CreateStoreAsync(new ManualTimeProvider());
        await store.CreateRunAsync(new RunRecord("pbt", "pbt", "{}"), None);
        var original = StoreTestData.Result(2, 5);
        Assert.True(await store.AppendAsync("pbt", original, StoreTestData.Events(2, 10, 1), None));

        var duplicate = original with { Validation = new Dictionary<string, double> { ["loss"] = 99 } };
        var appended = await store.AppendAsync("pbt", duplicate, StoreTestData.Events(2, 10, 2), None);

        Assert.False(appended);
        var results = await store.ReadResultsAsync("pbt", None);
        StoreTestData.AssertSameResult(original, Assert.Single(results));
        Assert.Single(await store.ReadEventsAsync("pbt", None));
    }

    [Fact]
    public async Task Append_Should_AcceptTheSameTask_When_ItBelongsToAnotherRun()
    {
        await using var store = await CreateStoreAsync(new ManualTimeProvider());
        await store.CreateRunAsync(new RunRecord("a", "pbt", "{}"), None);
        await store.CreateRunAsync(new RunRecord("b", "grid", "{}"), None);
        var result = StoreTestData.Result(0, 0);

        Assert.True(await store.AppendAsync("a", result, [], None));
        Assert.True(await store.AppendAsync("b", result, [], None));

        Assert.Single(await store.ReadResultsAsync("a", None));
        Assert.Single(await store.ReadResultsAsync("b", None));
    }

    [Fact]
    public async Task EventIds_Should_IncreaseMonotonically_When_RunsInterleave()
    {
        await using var store = await CreateStoreAsync(new ManualTimeProvider());
        await store.CreateRunAsync(new RunRecord("a", "pbt", "{}"), None);
        await store.CreateRunAsync(new RunRecord("b", "pbt", "{}"), None);

        for (var ordinal = 0; ordinal < 3; ordinal++)
        {
            await store.AppendAsync("a", StoreTestData.Result(0, ordinal), StoreTestData.Events(0, ordinal, 2), None);
            await store.AppendAsync("b", StoreTestData.Result(0, ordinal), StoreTestData.Events(0, ordinal, 1), None);
        }

        var a = await store.ReadEventsAsync("a", None);
        var b = await store.ReadEventsAsync("b", None);
        var all = a.Concat(b).OrderBy(e => e.Id).ToList();
        Assert.Equal(9, all.Count);
        Assert.Equal(all.Count, all.Select(e => e.Id).Distinct().Count());
        Assert.Equal(["a", "a", "b", "a", "a", "b", "a", "a", "b"], all.Select(e => e.Run));
        Assert.True(a.Zip(a.Skip(1)).All(p => p.First.Id < p.Second.Id));
    }

    [Fact]
    public async Task Append_Should_KeepEveryResultAndUniqueIds_When_CalledConcurrently()
    {
        await using var store = await CreateStoreAsync(new ManualTimeProvider());
        await store.CreateRunAsync(new RunRecord("pbt", "pbt", "{}"), None);

        // 8 members append 5 tasks each from parallel callers; every task is also sent twice.
        var appends = Enumerable.Range(0, 8).Select(member => Task.Run(async () =>
        {
            var taken = 0;
            for (var ordinal = 0; ordinal < 5; ordinal++)
            {
                for (var copy = 0; copy < 2; copy++)
                {
                    if (await store.AppendAsync("pbt", StoreTestData.Result(member, ordinal), StoreTestData.Events(member, ordinal, 1), None))
                    {
                        taken++;
                    }
                }
            }

            return taken;
        })).ToList();
        var taken = await Task.WhenAll(appends);

        Assert.All(taken, t => Assert.Equal(5, t));
        var results = await store.ReadResultsAsync("pbt", None);
        Assert.Equal(40, results.Count);
        foreach (var member in Enumerable.Range(0, 8))
        {
            Assert.Equal([0, 1, 2, 3, 4], results.Where(r => r.Task.Member == member).Select(r => r.Task.Ordinal));
        }

        var events = await store.ReadEventsAsync("pbt", None);
        Assert.Equal(40, events.Count);
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.Id < p.Second.Id));
    }

    [Fact]
    public async Task Lease_Should_RefuseAnotherOwner_When_TheLeaseHasNotExpired()
    {
        var time = new ManualTimeProvider();
        await using var store = await CreateStoreAsync(time);

        Assert.True(await store.TryLeaseAsync("pbt", 3, "worker-a", TimeSpan.FromSeconds(30), None));
        time.Advance(TimeSpan.FromSeconds(29));

        Assert.False(await store.TryLeaseAsync("pbt", 3, "worker-b", TimeSpan.FromSeconds(30), None));
        Assert.True(await store.TryLeaseAsync("pbt", 4, "worker-b", TimeSpan.FromSeconds(30), None));
        Assert.True(await store.TryLeaseAsync("other", 3, "worker-b", TimeSpan.FromSeconds(30), None));
    }

    [Fact]
    public async Task Lease_Should_PassToAnotherOwner_When_ItExpired()
    {
        var time = new ManualTimeProvider();
        await using var store = await CreateStoreAsync(time);
        Assert.True(await store.TryLeaseAsync("pbt", 0, "worker-a", TimeSpan.FromSeconds(30), None));

        time.Advance(TimeSpan.FromSeconds(30));

        Assert.True(await store.TryLeaseAsync("pbt", 0, "worker-b", TimeSpan.FromSeconds(30), None));
        Assert.False(await store.TryLeaseAsync("pbt", 0, "worker-a", TimeSpan.FromSeconds(30), None));
    }

    [Fact]
    public async Task Lease_Should_BeRenewedByItsOwner_When_StillHeld()
    {
        var time = new ManualTimeProvider();
        await using var store = await CreateStoreAsync(time);
        Assert.True(await store.TryLeaseAsync("pbt", 0, "worker-a", TimeSpan.FromSeconds(30), None));

        time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await store.TryLeaseAsync("pbt", 0, "worker-a", TimeSpan.FromSeconds(30), None));
        time.Advance(TimeSpan.FromSeconds(20));

        Assert.False(await store.TryLeaseAsync("pbt", 0, "worker-b", TimeSpan.FromSeconds(30), None));
    }

    [Fact]
    public async Task ReleaseLease_Should_FreeTheMember_When_CalledByTheOwner()
    {
        var time = new ManualTimeProvider();
        await using var store = await CreateStoreAsync(time);
        Assert.True(await store.TryLeaseAsync("pbt", 0, "worker-a", TimeSpan.FromMinutes(5), None));

        await store.ReleaseLeaseAsync("pbt", 0, "worker-b", None);
        Assert.False(await store.TryLeaseAsync("pbt", 0, "worker-b", TimeSpan.FromMinutes(5), None));

        await store.ReleaseLeaseAsync("pbt", 0, "worker-a", None);
        Assert.True(await store.TryLeaseAsync("pbt", 0, "worker-b", TimeSpan.FromMinutes(5), None));
    }

    [Fact]
    public async Task Metadata_Should_ReturnTheLatestValue_When_SetTwice()
    {
        await using var store = await CreateStoreAsync(new ManualTimeProvider());

        Assert.Null(await store.GetMetadataAsync("seed", None));
        await store.SetMetadataAsync("seed", "1", None);
        await store.SetMetadataAsync("seed", "42", None);
        await store.SetMetadataAsync("spec", "{\"version\":1,\"experiment\":\"é ü 漢\"}", None);

        Assert.Equal("42", await store.GetMetadataAsync("seed", None));
        Assert.Equal("{\"version\":1,\"experiment\":\"é ü 漢\"}", await store.GetMetadataAsync("spec", None));
    }
}

/// <summary>A clock that moves only when told to.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Results and events with awkward values, and structural comparisons for them.</summary>
public static class StoreTestData
{
    public static IEqualityComparer<RunEvent> EventComparer { get; } = EqualityComparer<RunEvent>.Create(
        (a, b) => a is not null && b is not null && a.Equals(b),
        e => e.GetHashCode());

    public static CheckpointRef Checkpoint(int seed, long step) =>
        new(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(seed))), step, 1000 + seed);

    public static HyperparameterSet Hyperparameters(double lr) =>
        HyperparameterSet.From([new("lr", lr), new("l2", 0.0), new("act", "tanh"), new("units", 64)]);

    public static TaskResult Result(int member, int ordinal) =>
        new(
            new TrainTask(member, ordinal, ordinal, ordinal == 0 ? null : Checkpoint(member * 100 + ordinal - 1, ordinal * 50L), Hyperparameters(0.1 / (member + 1)), ordinal * 50L, 50, 0xFEDC_BA98_7654_3210UL + (ulong)member),
            member % 3 == 2 ? TaskOutcome.Diverged : TaskOutcome.Completed,
            new Dictionary<string, double> { ["loss"] = member % 3 == 2 ? double.NaN : 1.0 / 3 + member, ["accuracy"] = 0.1 * ordinal },
            member % 2 == 0 ? new Dictionary<string, double> { ["loss"] = double.PositiveInfinity } : new Dictionary<string, double>(),
            Checkpoint(member * 100 + ordinal, (ordinal + 1) * 50L),
            member % 3 == 2 ? "loss is NaN" : null);

    /// <summary>Between 0 and 3 events of different kinds for one member at one step.</summary>
    public static IReadOnlyList<RunEvent> Events(int member, long step, int count) =>
        new RunEvent[]
        {
            new Exploited(member, step, member + 1, Checkpoint(member, step), Hyperparameters(0.1), Hyperparameters(0.2)),
            new Explored(member, step, Hyperparameters(0.2), Hyperparameters(0.4), "perturb×2"),
            new MemberFinished(member, step, MemberStopReason.Completed, null),
        }.Take(count).ToList();

    public static void AssertSameResult(TaskResult expected, TaskResult actual)
    {
        Assert.Equal(expected.Task, actual.Task);
        Assert.Equal(expected.Outcome, actual.Outcome);
        AssertSameMetrics(expected.Validation, actual.Validation);
        AssertSameMetrics(expected.Test, actual.Test);
        Assert.Equal(expected.Checkpoint, actual.Checkpoint);
        Assert.Equal(expected.Message, actual.Message);
    }

    /// <summary>Same keys and the same bits for every value (−0 differs from +0); any NaN equals any NaN (payloads are not kept).</summary>
    public static void AssertSameMetrics(IReadOnlyDictionary<string, double> expected, IReadOnlyDictionary<string, double> actual)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in expected)
        {
            if (double.IsNaN(value))
            {
                Assert.True(double.IsNaN(actual[key]), $"{key}: expected NaN, got {actual[key]}");
                continue;
            }

            Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(actual[key]));
        }
    }
}
