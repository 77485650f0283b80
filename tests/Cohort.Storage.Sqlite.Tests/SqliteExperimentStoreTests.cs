using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Tests.Storage;
using Microsoft.Data.Sqlite;

namespace Cohort.Storage.Sqlite.Tests;

/// <summary>The store contract against <see cref="SqliteExperimentStore"/>, plus what only a persistent store can show.</summary>
public sealed class SqliteExperimentStoreTests : ExperimentStoreContractTests, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cohort-sqlite-" + Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_directory, SqliteExperimentStore.DefaultFileName);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    protected override async Task<IExperimentStore> CreateStoreAsync(TimeProvider time) =>
        await SqliteExperimentStore.OpenAsync(DatabasePath, time, None);

    [Fact]
    public async Task Open_Should_UseWalAndRecordSchemaVersion_When_TheFileIsNew()
    {
        await using var store = await SqliteExperimentStore.OpenAsync(DatabasePath, null, None);

        Assert.Equal(SqliteMigrations.LatestVersion, await store.GetSchemaVersionAsync(None));
        Assert.Equal("wal", Query("PRAGMA journal_mode;"));
        Assert.Equal(1L, Query("SELECT COUNT(*) FROM schema_version WHERE version = 1;"));
    }

    [Fact]
    public async Task Open_Should_Refuse_When_TheSchemaIsNewerThanThisVersion()
    {
        await (await SqliteExperimentStore.OpenAsync(DatabasePath, null, None)).DisposeAsync();
        Execute("INSERT INTO schema_version (version, applied_utc) VALUES (99, 'later');");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => SqliteExperimentStore.OpenAsync(DatabasePath, null, None));

        Assert.Contains("99", e.Message, StringComparison.Ordinal);
        Assert.Contains(DatabasePath, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reopen_Should_ReadEverythingCommitted_When_TheStoreWasClosed()
    {
        var time = new ManualTimeProvider();
        var results = Enumerable.Range(0, 6).Select(i => StoreTestData.Result(i % 3, i / 3)).ToList();
        await using (var store = await SqliteExperimentStore.OpenAsync(DatabasePath, time, None))
        {
            await store.SetMetadataAsync("seed", "7", None);
            await store.CreateRunAsync(new RunRecord("pbt", "pbt", "{\"population\":3}"), None);
            foreach (var r in results)
            {
                await store.AppendAsync("pbt", r, StoreTestData.Events(r.Task.Member, r.Task.EndStep, 2), None);
            }

            await store.FinishRunAsync("pbt", RunStatus.Completed, null, 3.5, None);
            await store.TryLeaseAsync("pbt", 1, "worker-a", TimeSpan.FromMinutes(1), None);
        }

        await using var reopened = await SqliteExperimentStore.OpenAsync(DatabasePath, time, None);

        Assert.Equal("7", await reopened.GetMetadataAsync("seed", None));
        Assert.Equal(new RunRecord("pbt", "pbt", "{\"population\":3}", RunStatus.Completed, null, 3.5), Assert.Single(await reopened.GetRunsAsync(None)));
        var read = await reopened.ReadResultsAsync("pbt", None);
        Assert.Equal(results.Count, read.Count);
        for (var i = 0; i < results.Count; i++)
        {
            StoreTestData.AssertSameResult(results[i], read[i]);
        }

        var events = await reopened.ReadEventsAsync("pbt", None);
        Assert.Equal(12, events.Count);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), events.Select(e => e.Id));
        Assert.False(await reopened.TryLeaseAsync("pbt", 1, "worker-b", TimeSpan.FromMinutes(1), None));
        Assert.False(await reopened.AppendAsync("pbt", results[0], [], None));
    }

    [Fact]
    public async Task EventIds_Should_ContinueAfterTheLastOne_When_TheStoreIsReopened()
    {
        await using (var store = await SqliteExperimentStore.OpenAsync(DatabasePath, null, None))
        {
            await store.CreateRunAsync(new RunRecord("a", "pbt", "{}"), None);
            await store.AppendAsync("a", StoreTestData.Result(0, 0), StoreTestData.Events(0, 50, 3), None);
        }

        await using var reopened = await SqliteExperimentStore.OpenAsync(DatabasePath, null, None);
        await reopened.CreateRunAsync(new RunRecord("b", "grid", "{}"), None);
        await reopened.AppendAsync("b", StoreTestData.Result(0, 0), StoreTestData.Events(0, 50, 2), None);

        Assert.Equal([4L, 5L], (await reopened.ReadEventsAsync("b", None)).Select(e => e.Id));
    }

    [Fact]
    public async Task UncommittedAppend_Should_LeaveNoPartialResult_When_TheWriterIsAbandoned()
    {
        await using (var store = await SqliteExperimentStore.OpenAsync(DatabasePath, null, None))
        {
            await store.CreateRunAsync(new RunRecord("pbt", "pbt", "{}"), None);
            await store.AppendAsync("pbt", StoreTestData.Result(0, 0), StoreTestData.Events(0, 50, 1), None);
        }

        // A writer that dies between the result row and its events: the transaction never commits.
        using (var connection = Connect())
        {
            connection.Open();
            var transaction = connection.BeginTransaction();
            Execute(connection, transaction, "INSERT INTO results (run, member, ordinal, generation, start_step, end_step, outcome, json) VALUES ('pbt', 1, 0, 0, 0, 50, 'completed', 'half-written');");
            Execute(connection, transaction, "INSERT INTO events (run, member, step, kind, json, result_id) VALUES ('pbt', 1, 50, 'explored', 'half', last_insert_rowid());");
            // no commit: the connection goes away with the transaction open
        }

        await using var reopened = await SqliteExperimentStore.OpenAsync(DatabasePath, null, None);
        var results = await reopened.ReadResultsAsync("pbt", None);
        StoreTestData.AssertSameResult(StoreTestData.Result(0, 0), Assert.Single(results));
        Assert.Single(await reopened.ReadEventsAsync("pbt", None));
        Assert.True(await reopened.AppendAsync("pbt", StoreTestData.Result(1, 0), [], None));
    }

    [Fact]
    public async Task CrashImage_Should_OpenAtTheLastCommit_When_FilesAreCopiedMidTransaction()
    {
        // Given: committed results, then a large transaction in flight whose pages spill into the WAL file.
        await using (var store = await SqliteExperimentStore.OpenAsync(DatabasePath, null, None))
        {
            await store.CreateRunAsync(new RunRecord("pbt", "pbt", "{}"), None);
            for (var i = 0; i < 4; i++)
            {
                await store.AppendAsync("pbt", StoreTestData.Result(i, 0), StoreTestData.Events(i, 50, 1), None);
            }
        }

        var image = Path.Combine(_directory, "image");
        Directory.CreateDirectory(image);
        using (var connection = Connect())
        {
            connection.Open();
            Execute(connection, null, "PRAGMA cache_size = 8;");
            using var transaction = connection.BeginTransaction();
            var filler = new string('x', 4000);
            for (var i = 0; i < 200; i++)
            {
                Execute(connection, transaction, $"INSERT INTO results (run, member, ordinal, generation, start_step, end_step, outcome, json) VALUES ('pbt', {100 + i}, 0, 0, 0, 50, 'completed', '{filler}');");
            }

            Assert.True(new FileInfo(DatabasePath + "-wal").Length > 100_000, "the uncommitted pages should have spilled into the WAL");

            // When: the process "dies" now: what is on disk is the database and its WAL, as they are.
            File.Copy(DatabasePath, Path.Combine(image, SqliteExperimentStore.DefaultFileName));
            File.Copy(DatabasePath + "-wal", Path.Combine(image, SqliteExperimentStore.DefaultFileName + "-wal"));
        }

        // Then: the image opens at the last commit: every committed result, nothing of the one in flight.
        await using var recovered = await SqliteExperimentStore.OpenAsync(Path.Combine(image, SqliteExperimentStore.DefaultFileName), null, None);
        var results = await recovered.ReadResultsAsync("pbt", None);
        Assert.Equal([0, 1, 2, 3], results.Select(r => r.Task.Member));
        Assert.Equal(4, (await recovered.ReadEventsAsync("pbt", None)).Count);
    }

    [Fact]
    public async Task Append_Should_WriteNothing_When_AnEventCannotBeSerialised()
    {
        await using var store = await SqliteExperimentStore.OpenAsync(DatabasePath, null, None);
        await store.CreateRunAsync(new RunRecord("pbt", "pbt", "{}"), None);

        await Assert.ThrowsAsync<NotSupportedException>(() => store.AppendAsync("pbt", StoreTestData.Result(0, 0), [new UnknownEvent(0, 50)], None));

        Assert.Empty(await store.ReadResultsAsync("pbt", None));
        Assert.True(await store.AppendAsync("pbt", StoreTestData.Result(0, 0), [], None));
    }

    [Fact]
    public async Task Append_Should_ThrowAndWriteNothing_When_Cancelled()
    {
        await using var store = await SqliteExperimentStore.OpenAsync(DatabasePath, null, None);
        await store.CreateRunAsync(new RunRecord("pbt", "pbt", "{}"), None);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.AppendAsync("pbt", StoreTestData.Result(0, 0), [], cancelled.Token));

        Assert.Empty(await store.ReadResultsAsync("pbt", None));
    }

    [Fact]
    public async Task Store_Should_RefuseCalls_When_Disposed()
    {
        var store = await SqliteExperimentStore.OpenAsync(DatabasePath, null, None);
        await store.DisposeAsync();
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.GetRunsAsync(None));
    }

    [Fact]
    public async Task Append_Should_FillTheQueryableColumns_When_Recording()
    {
        await using (var store = await SqliteExperimentStore.OpenAsync(DatabasePath, null, None))
        {
            await store.CreateRunAsync(new RunRecord("pbt", "pbt", "{}"), None);
            await store.AppendAsync("pbt", StoreTestData.Result(2, 3), StoreTestData.Events(2, 200, 2), None);
        }

        Assert.Equal("2|3|3|150|200|diverged", Query("SELECT member || '|' || ordinal || '|' || generation || '|' || start_step || '|' || end_step || '|' || outcome FROM results;"));
        Assert.Equal("exploited,explored", Query("SELECT group_concat(kind, ',') FROM (SELECT kind FROM events ORDER BY id);"));
        Assert.Equal(1L, Query("SELECT COUNT(DISTINCT result_id) FROM events;"));
    }

    [Fact]
    public async Task ReadResults_Should_FailNamingTheFileRunAndRow_When_OneBitOfAStoredScoreFlipped()
    {
        // Given a run with stored results
        await WriteRunAsync();

        // When one bit of a stored score flips (a validation loss digit, 0x30 -> 0x31 style)
        FlipABit("results", 2, "\"validation\"");
        await using var store = await SqliteExperimentStore.OpenAsync(DatabasePath, null, None);
        var e = await Assert.ThrowsAsync<StoreException>(() => store.ReadResultsAsync("pbt", None));

        // Then reading fails with the file, the run and the row named
        Assert.Contains(DatabasePath, e.Message, StringComparison.Ordinal);
        Assert.Contains("row 2 of table results (run 'pbt') fails its checksum", e.Message, StringComparison.Ordinal);
        Assert.Equal(("pbt", "results 2"), (e.Run, e.Row));
    }

    [Fact]
    public async Task ReadEvents_Should_FailNamingTheFileRunAndRow_When_AByteOfAnEventIs0xFF()
    {
        // Given a run with stored events
        await WriteRunAsync();

        // When one byte of an event's document becomes 0xFF (no longer UTF-8)
        SetByte("events", 3, 3, 0xFF);
        await using var store = await SqliteExperimentStore.OpenAsync(DatabasePath, null, None);
        var e = await Assert.ThrowsAsync<StoreException>(() => store.ReadEventsAsync("pbt", None));

        // Then reading fails with the file, the run and the row named
        Assert.Contains(DatabasePath, e.Message, StringComparison.Ordinal);
        Assert.Contains("row 3 of table events (run 'pbt')", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadResults_Should_NameTheFileAndRow_When_ARowWithoutAChecksumNoLongerDecodes()
    {
        // Given rows written without a checksum (as before schema version 3), one of them damaged by a 0xFF byte in a key
        await WriteRunAsync();
        Execute("UPDATE results SET checksum = NULL;");
        SetByte("results", 2, 3, 0xFF);
        await using var store = await SqliteExperimentStore.OpenAsync(DatabasePath, null, None);

        // When the results are read
        var e = await Assert.ThrowsAsync<StoreException>(() => store.ReadResultsAsync("pbt", None));

        // Then the error names the file and the row, not only the JSON path
        Assert.Contains(DatabasePath, e.Message, StringComparison.Ordinal);
        Assert.Contains("row 2 of table results (run 'pbt') cannot be read", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_Should_MigrateAndReadOldRows_When_TheDatabasePredatesChecksums()
    {
        // Given a database at schema version 2: rows without a checksum column
        var written = await WriteRunAsync();
        Execute("ALTER TABLE results DROP COLUMN checksum; ALTER TABLE events DROP COLUMN checksum; DELETE FROM schema_version WHERE version = 3;");

        // When it is opened by this version
        await using var store = await SqliteExperimentStore.OpenAsync(DatabasePath, null, None);

        // Then it is migrated, its old rows are read (unverified), and new rows carry a checksum
        Assert.Equal(SqliteMigrations.LatestVersion, await store.GetSchemaVersionAsync(None));
        var read = await store.ReadResultsAsync("pbt", None);
        Assert.Equal(written.Count, read.Count);
        StoreTestData.AssertSameResult(written[1], read[1]);
        Assert.Equal(6, (await store.ReadEventsAsync("pbt", None)).Count);
        await store.AppendAsync("pbt", StoreTestData.Result(0, 5), StoreTestData.Events(0, 300, 1), None);
        Assert.Equal(0L, Query("SELECT COUNT(*) FROM results WHERE ordinal = 5 AND checksum IS NULL;"));
        Assert.Equal(written.Count + 1, (await store.ReadResultsAsync("pbt", None)).Count);
    }

    [Fact]
    public async Task Open_Should_NameTheFile_When_TheDatabaseIsMalformed()
    {
        // Given a database whose pages were overwritten
        await WriteRunAsync();
        var bytes = File.ReadAllBytes(DatabasePath);
        for (var i = 100; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 7);
        }

        File.WriteAllBytes(DatabasePath, bytes);

        // When it is opened and read
        var e = await Assert.ThrowsAsync<StoreException>(async () =>
        {
            await using var store = await SqliteExperimentStore.OpenAsync(DatabasePath, null, None);
            await store.ReadResultsAsync("pbt", None);
        });

        // Then the error names the file and says it is damaged
        Assert.Contains($"SQLite database {DatabasePath}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("damaged", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Failed_Should_NameTheFileAndTheCause_When_TheDiskIsFull()
    {
        // Given SQLite's error for a full disk (SQLITE_FULL, 13)
        var full = new SqliteException("SQLite Error 13: 'database or disk is full'.", 13);

        // When it is reported
        var e = SqliteDatabase.Failed(DatabasePath, full);

        // Then the message names the file and what to do
        Assert.Equal($"SQLite database {DatabasePath}: SQLite Error 13: 'database or disk is full'. The disk holding it is full; free space, then continue with 'cohort resume'.", e.Message);
        Assert.Equal(DatabasePath, e.Store);
    }

    /// <summary>Writes run "pbt": three results with two events each (ids 1..3 and 1..6).</summary>
    private async Task<List<TaskResult>> WriteRunAsync()
    {
        var results = Enumerable.Range(0, 3).Select(i => StoreTestData.Result(i, 0)).ToList();
        await using var store = await SqliteExperimentStore.OpenAsync(DatabasePath, null, None);
        await store.CreateRunAsync(new RunRecord("pbt", "pbt", "{}"), None);
        foreach (var r in results)
        {
            await store.AppendAsync("pbt", r, StoreTestData.Events(r.Task.Member, r.Task.EndStep, 2), None);
        }

        return results;
    }

    /// <summary>Flips the lowest bit of the first digit after <paramref name="after"/> in a row's JSON (a score's digit).</summary>
    private void FlipABit(string table, long id, string after)
    {
        var json = (byte[])Query($"SELECT CAST(json AS BLOB) FROM {table} WHERE id = {id};")!;
        var at = System.Text.Encoding.UTF8.GetString(json).IndexOf(after, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{after}' is not in row {id}");
        while (json[at] is < (byte)'0' or > (byte)'9')
        {
            at++;
        }

        SetByte(table, id, at, (byte)(json[at] ^ 0x01));
    }

    private void SetByte(string table, long id, int index, byte value)
    {
        var json = (byte[])Query($"SELECT CAST(json AS BLOB) FROM {table} WHERE id = {id};")!;
        json[index] = value;
        using var connection = Connect();
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE {table} SET json = CAST(@json AS TEXT) WHERE id = {id};";
        command.Parameters.AddWithValue("@json", json);
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    private SqliteConnection Connect() =>
        new(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());

    private object? Query(string sql)
    {
        using var connection = Connect();
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private void Execute(string sql)
    {
        using var connection = Connect();
        connection.Open();
        Execute(connection, null, sql);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private sealed record UnknownEvent(int Member, long Step) : RunEvent(Member, Step);

    [Fact]
    public async Task Reopen_Should_ReadFireEventsBackEqual_When_AFireRunWasRecorded()
    {
        var hp = StoreTestData.Hyperparameters(0.1);
        var result = StoreTestData.Result(9, 0);
        RunEvent[] fire =
        [
            new SubPopulationJoined(9, 0, SubPopulationJoined.EvaluatorSet),
            new EvaluatorStarted(9, 40, 5, 1, StoreTestData.Checkpoint(5, 40), hp),
            new EvaluatorSucceeded(1, 80, 9, 5, StoreTestData.Checkpoint(9, 80), hp, 1.0 / 3, 0.0078125),
            new EvaluatorStopped(9, 80, 5, 1, "success"),
        ];
        await using (var store = await SqliteExperimentStore.OpenAsync(DatabasePath, null, None))
        {
            await store.CreateRunAsync(new RunRecord("fire", "fire", "{}"), None);
            await store.AppendAsync("fire", result, fire, None);
        }

        await using var reopened = await SqliteExperimentStore.OpenAsync(DatabasePath, null, None);

        Assert.Equal(fire, (await reopened.ReadEventsAsync("fire", None)).Select(e => e.Event));
        Assert.Equal("fire", Assert.Single(await reopened.GetRunsAsync(None)).Method);
    }
}
