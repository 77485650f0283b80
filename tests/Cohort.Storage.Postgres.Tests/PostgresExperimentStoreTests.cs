using Cohort.Core.Storage;
using Cohort.Core.Tests.Storage;
using Npgsql;

namespace Cohort.Storage.Postgres.Tests;

/// <summary>What only <see cref="PostgresExperimentStore"/> shows beyond the store contract: row checksums (issue 13).</summary>
public sealed class PostgresExperimentStoreTests
{
    private static CancellationToken None => CancellationToken.None;

    [PostgresFact]
    public async Task ReadResults_Should_FailNamingTheDatabaseRunAndRow_When_OneBitOfAStoredScoreFlipped()
    {
        // Given a run with stored results and events
        var experiment = PostgresTestDatabase.NewExperiment("checksum");
        await using var store = await PostgresExperimentStore.OpenAsync(PostgresTestDatabase.Require(), experiment, null, None);
        await store.CreateRunAsync(new RunRecord("pbt", "pbt", "{}"), None);
        for (var member = 0; member < 3; member++)
        {
            await store.AppendAsync("pbt", StoreTestData.Result(member, 0), StoreTestData.Events(member, 50, 2), None);
        }

        Assert.Equal(3, (await store.ReadResultsAsync("pbt", None)).Count);

        // When one bit of a stored score flips ('1' of member 1's validation loss 1.333… becomes '0'), and one of an event
        var id = await FlipAsync(
            $"UPDATE cohort_results SET json = regexp_replace(json, '\"loss\":1\\.', '\"loss\":0.') WHERE experiment = '{experiment}' AND member = 1 RETURNING id;");
        var eventId = await FlipAsync(
            $"UPDATE cohort_events SET step = step # 1 WHERE id = (SELECT MIN(id) FROM cohort_events WHERE experiment = '{experiment}') RETURNING id;");

        // Then reading fails naming the database, the experiment, the run and the row
        var e = await Assert.ThrowsAsync<StoreException>(() => store.ReadResultsAsync("pbt", None));
        Assert.Contains($"(experiment '{experiment}')", e.Message, StringComparison.Ordinal);
        Assert.Contains($"row {id} of table cohort_results (run 'pbt') fails its checksum", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", e.Message, StringComparison.OrdinalIgnoreCase);
        var events = await Assert.ThrowsAsync<StoreException>(() => store.ReadEventsAsync("pbt", None));
        Assert.Contains($"row {eventId} of table cohort_events (run 'pbt') fails its checksum", events.Message, StringComparison.Ordinal);
    }

    private static async Task<long> FlipAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.Require());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
