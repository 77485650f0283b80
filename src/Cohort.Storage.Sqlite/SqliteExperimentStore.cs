using System.Globalization;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Storage.Serialization;
using Microsoft.Data.Sqlite;
using static Cohort.Storage.Sqlite.SqliteDatabase;

namespace Cohort.Storage.Sqlite;

/// <summary>
/// The embedded <see cref="IExperimentStore"/>: one SQLite database file (by convention <c>DIR/cohort.db</c>).
/// <list type="bullet">
/// <item>WAL journal with <c>synchronous=FULL</c> (<see cref="SqliteDatabase"/>): a process killed at any moment (even
/// mid-write) leaves the database at its last commit — SQLite rolls back an incomplete transaction when the file is
/// next opened — and a commit is on disk when it returns. The runner commits in groups
/// (<see cref="AppendBatchAsync"/>: many results, one transaction, one fsync), so the sync costs little.</item>
/// <item>Results and the events they triggered go in one <c>BEGIN IMMEDIATE</c> transaction, through prepared
/// statements; ids come from <c>AUTOINCREMENT</c> keys, so they increase monotonically and are never reused.</item>
/// <item>The store caches nothing: every read goes to the database, so what a reopened store reads is exactly what
/// was committed.</item>
/// <item>Thread-safe: one connection, operations serialised by an async gate. Other processes may open the same file
/// (WAL readers do not block the writer; writers wait up to the busy timeout).</item>
/// </list>
/// Schema: <see cref="SqliteMigrations"/>. All SQL is parameterised.
/// </summary>
public sealed class SqliteExperimentStore : IExperimentStore
{
    /// <summary>The conventional database file name inside a run directory.</summary>
    public const string DefaultFileName = "cohort.db";

    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _disposed;

    private SqliteExperimentStore(string path, SqliteConnection connection, TimeProvider time)
    {
        Path = path;
        _connection = connection;
        _time = time;
    }

    /// <summary>The absolute path of the database file.</summary>
    public string Path { get; }

    /// <summary>
    /// Opens (creating when missing) the database at <paramref name="databasePath"/>, switches it to WAL and applies
    /// pending migrations.
    /// </summary>
    /// <param name="databasePath">The database file; its folder is created when missing.</param>
    /// <param name="time">The clock leases expire by; the system clock by default.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <exception cref="InvalidOperationException">The database was written by a newer Cohort (unknown schema version).</exception>
    public static async Task<SqliteExperimentStore> OpenAsync(string databasePath, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var path = System.IO.Path.GetFullPath(databasePath);
        var clock = time ?? TimeProvider.System;
        var connection = await SqliteDatabase.OpenAsync(path, clock, cancellationToken).ConfigureAwait(false);
        return new SqliteExperimentStore(path, connection, clock);
    }

    /// <summary>The schema version of the open database (always <see cref="SqliteMigrations.LatestVersion"/> once open).</summary>
    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Convert.ToInt32(await ScalarAsync(_connection, null, "SELECT MAX(version) FROM schema_version;", [], cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
        catch (SqliteException ex)
        {
            throw Failed(ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<RunRecord> CreateRunAsync(RunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            await ExecuteAsync(
                _connection,
                transaction,
                """
                INSERT INTO runs (name, method, spec_json, status, message, wall_seconds)
                VALUES (@name, @method, @spec, @status, @message, @wall)
                ON CONFLICT (name) DO NOTHING;
                """,
                [("@name", run.Name), ("@method", run.Method), ("@spec", run.SpecJson), ("@status", RunStatusNames.Name(run.Status)), ("@message", run.Message), ("@wall", Real(run.WallSeconds))],
                cancellationToken).ConfigureAwait(false);
            var stored = await ReadRunsAsync(transaction, run.Name, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return stored[0];
        }
        catch (SqliteException ex)
        {
            throw Failed(ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<RunRecord>> GetRunsAsync(CancellationToken cancellationToken)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReadRunsAsync(null, null, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Failed(ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<bool> AppendAsync(string run, TaskResult result, IReadOnlyList<RunEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(events);
        return await AppendBatchAsync(run, [new ToldResult(result, events)], cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// Appends the batch in one <c>BEGIN IMMEDIATE</c> transaction (one fsync), through one prepared statement for the
    /// results and one for the events (<see cref="SqliteAppend"/>).
    /// </summary>
    public async Task<int> AppendBatchAsync(string run, IReadOnlyList<ToldResult> told, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(told);

        // Serialise before touching the database: an unserialisable event fails the call with nothing written.
        var batch = new SqliteAppend(told);

        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            await RequireRunAsync(transaction, run, cancellationToken).ConfigureAwait(false);
            var appended = batch.Insert(_connection, run, cancellationToken);
            if (appended > 0)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return appended;
        }
        catch (SqliteException ex)
        {
            throw Failed(ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<TaskResult>> ReadResultsAsync(string run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _connection.BeginTransaction(deferred: true);
            await RequireRunAsync(transaction, run, cancellationToken).ConfigureAwait(false);
            var results = new List<TaskResult>();
            using var command = Command(
                _connection,
                transaction,
                "SELECT id, member, ordinal, generation, start_step, end_step, outcome, json, checksum FROM results WHERE run = @run ORDER BY id;",
                [("@run", run)]);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                results.Add(RowChecksum.ReadResult(reader, Description, run, "results").Result);
            }

            return results;
        }
        catch (SqliteException ex)
        {
            throw Failed(ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(string run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var events = new List<StoredEvent>();
            using var command = Command(_connection, null, "SELECT id, member, step, kind, json, checksum FROM events WHERE run = @run ORDER BY id;", [("@run", run)]);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                events.Add(RowChecksum.ReadEvent(reader, Description, run, "events"));
            }

            return events;
        }
        catch (SqliteException ex)
        {
            throw Failed(ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task FinishRunAsync(string run, RunStatus status, string? message, double wallSeconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var changed = await ExecuteAsync(
                _connection,
                null,
                "UPDATE runs SET status = @status, message = @message, wall_seconds = @wall WHERE name = @run;",
                [("@run", run), ("@status", RunStatusNames.Name(status)), ("@message", message), ("@wall", Real(wallSeconds))],
                cancellationToken).ConfigureAwait(false);
            if (changed == 0)
            {
                throw new KeyNotFoundException($"Run '{run}' does not exist.");
            }
        }
        catch (SqliteException ex)
        {
            throw Failed(ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<bool> TryLeaseAsync(string run, int member, string owner, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(owner);
        var now = _time.GetUtcNow();
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // One statement: insert, or take over when this owner already holds it or the holder's lease expired.
            var changed = await ExecuteAsync(
                _connection,
                null,
                """
                INSERT INTO leases (run, member, owner, expires_utc) VALUES (@run, @member, @owner, @expires)
                ON CONFLICT (run, member) DO UPDATE SET owner = excluded.owner, expires_utc = excluded.expires_utc
                WHERE leases.owner = excluded.owner OR leases.expires_utc <= @now;
                """,
                [("@run", run), ("@member", member), ("@owner", owner), ("@expires", Utc(now + duration)), ("@now", Utc(now))],
                cancellationToken).ConfigureAwait(false);
            return changed > 0;
        }
        catch (SqliteException ex)
        {
            throw Failed(ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task ReleaseLeaseAsync(string run, int member, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(owner);
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(
                _connection,
                null,
                "DELETE FROM leases WHERE run = @run AND member = @member AND owner = @owner;",
                [("@run", run), ("@member", member), ("@owner", owner)],
                cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Failed(ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task SetMetadataAsync(string key, string value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(
                _connection,
                null,
                "INSERT INTO metadata (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value;",
                [("@key", key), ("@value", value)],
                cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Failed(ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<string?> GetMetadataAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var value = await ScalarAsync(_connection, null, "SELECT value FROM metadata WHERE key = @key;", [("@key", key)], cancellationToken).ConfigureAwait(false);
            return value as string;
        }
        catch (SqliteException ex)
        {
            throw Failed(ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Failed(ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task EnterAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_disposed)
        {
            _gate.Release();
            throw new ObjectDisposedException(nameof(SqliteExperimentStore));
        }
    }

    private async Task RequireRunAsync(SqliteTransaction transaction, string run, CancellationToken cancellationToken)
    {
        var exists = await ScalarAsync(_connection, transaction, "SELECT 1 FROM runs WHERE name = @run;", [("@run", run)], cancellationToken).ConfigureAwait(false);
        if (exists is null)
        {
            throw new KeyNotFoundException($"Run '{run}' does not exist.");
        }
    }

    private async Task<List<RunRecord>> ReadRunsAsync(SqliteTransaction? transaction, string? name, CancellationToken cancellationToken)
    {
        var sql = name is null
            ? "SELECT name, method, spec_json, status, message, wall_seconds FROM runs ORDER BY id;"
            : "SELECT name, method, spec_json, status, message, wall_seconds FROM runs WHERE name = @name;";
        using var command = Command(_connection, transaction, sql, name is null ? [] : [("@name", name)]);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var runs = new List<RunRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            runs.Add(new RunRecord(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                RunStatusNames.Parse(reader.GetString(3), "the runs table"),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? double.NaN : reader.GetDouble(5)));
        }

        return runs;
    }

    /// <summary>How messages name this store: the database file.</summary>
    private string Description => $"SQLite database {Path}";

    /// <summary>An SQLite error (a malformed file, a full disk) as a <see cref="StoreException"/> naming the file.</summary>
    private StoreException Failed(SqliteException ex) => SqliteDatabase.Failed(Path, ex);

    /// <summary>SQLite stores NaN as NULL; NULL reads back as NaN.</summary>
    private static object? Real(double value) => double.IsNaN(value) ? null : value;
}
