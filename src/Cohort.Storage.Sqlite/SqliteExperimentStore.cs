using System.Data.Common;
using System.Globalization;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Storage.Serialization;
using Microsoft.Data.Sqlite;

namespace Cohort.Storage.Sqlite;

/// <summary>
/// The embedded <see cref="IExperimentStore"/>: one SQLite database file (by convention <c>DIR/cohort.db</c>).
/// <list type="bullet">
/// <item>WAL journal with <c>synchronous=NORMAL</c>: a process killed at any moment (even mid-write) leaves the
/// database at its last commit — SQLite rolls back an incomplete transaction when the file is next opened. A power loss
/// may also lose the last few commits; that is safe because tasks are pure: a lost result is re-run from the same
/// inputs and gives the same result. (FULL, an fsync per commit, made a toy run four times slower.)</item>
/// <item>Results and the events they triggered go in one <c>BEGIN IMMEDIATE</c> transaction; ids come from
/// <c>AUTOINCREMENT</c> keys, so they increase monotonically and are never reused.</item>
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

    private const string TimeFormat = "yyyy-MM-ddTHH:mm:ss.fffffffZ";

    private static readonly Lazy<bool> s_initialised = new(() =>
    {
        SQLitePCL.Batteries_V2.Init();
        return true;
    });

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
        _ = s_initialised.Value;
        var path = System.IO.Path.GetFullPath(databasePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var mode = await ScalarAsync(connection, null, "PRAGMA journal_mode=WAL;", [], cancellationToken).ConfigureAwait(false);
            if (!string.Equals(Convert.ToString(mode, CultureInfo.InvariantCulture), "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite database {path} could not switch to WAL journal mode (it reports '{mode}').");
            }

            await ExecuteAsync(connection, null, "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;", [], cancellationToken).ConfigureAwait(false);
            await MigrateAsync(connection, path, time ?? TimeProvider.System, cancellationToken).ConfigureAwait(false);
            return new SqliteExperimentStore(path, connection, time ?? TimeProvider.System);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The schema version of the open database (always <see cref="SqliteMigrations.LatestVersion"/> once open).</summary>
    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Convert.ToInt32(await ScalarAsync(_connection, null, "SELECT MAX(version) FROM schema_version;", [], cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
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
        finally
        {
            _gate.Release();
        }
    }

    public async Task<bool> AppendAsync(string run, TaskResult result, IReadOnlyList<RunEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(events);

        // Serialise before touching the database: an unserialisable event fails the call with nothing written.
        var resultJson = CohortJson.Serialize(result);
        var eventRows = events.Select(e => (Event: e, Kind: CohortJson.KindOf(e), Json: CohortJson.Serialize(e))).ToList();

        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            await RequireRunAsync(transaction, run, cancellationToken).ConfigureAwait(false);
            var task = result.Task;
            var id = await ScalarAsync(
                _connection,
                transaction,
                """
                INSERT INTO results (run, member, ordinal, generation, start_step, end_step, outcome, json)
                VALUES (@run, @member, @ordinal, @generation, @start, @end, @outcome, @json)
                ON CONFLICT (run, member, ordinal) DO NOTHING
                RETURNING id;
                """,
                [
                    ("@run", run), ("@member", task.Member), ("@ordinal", task.Ordinal), ("@generation", task.Generation),
                    ("@start", task.StartStep), ("@end", task.EndStep),
                    ("@outcome", result.Outcome.ToString().ToLowerInvariant()), ("@json", resultJson),
                ],
                cancellationToken).ConfigureAwait(false);
            if (id is null or DBNull)
            {
                return false; // already recorded: the transaction rolls back on dispose, nothing written
            }

            foreach (var row in eventRows)
            {
                await ExecuteAsync(
                    _connection,
                    transaction,
                    """
                    INSERT INTO events (run, member, step, kind, json, result_id)
                    VALUES (@run, @member, @step, @kind, @json, @result);
                    """,
                    [("@run", run), ("@member", row.Event.Member), ("@step", row.Event.Step), ("@kind", row.Kind), ("@json", row.Json), ("@result", id)],
                    cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
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
            using var command = Command(_connection, transaction, "SELECT json FROM results WHERE run = @run ORDER BY id;", [("@run", run)]);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                results.Add(CohortJson.DeserializeTaskResult(reader.GetString(0)));
            }

            return results;
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
            using var command = Command(_connection, null, "SELECT id, json FROM events WHERE run = @run ORDER BY id;", [("@run", run)]);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                events.Add(new StoredEvent(reader.GetInt64(0), run, CohortJson.DeserializeEvent(reader.GetString(1))));
            }

            return events;
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
        finally
        {
            _gate.Release();
        }
    }

    private static async Task MigrateAsync(SqliteConnection connection, string path, TimeProvider time, CancellationToken cancellationToken)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        await ExecuteAsync(connection, transaction, SqliteMigrations.Bootstrap, [], cancellationToken).ConfigureAwait(false);
        var current = Convert.ToInt32(
            await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version;", [], cancellationToken).ConfigureAwait(false),
            CultureInfo.InvariantCulture);
        if (current > SqliteMigrations.LatestVersion)
        {
            throw new InvalidOperationException(
                $"SQLite database {path} has schema version {current}; this Cohort knows versions up to {SqliteMigrations.LatestVersion}. Use a newer Cohort.");
        }

        for (var version = current + 1; version <= SqliteMigrations.LatestVersion; version++)
        {
            await ExecuteAsync(connection, transaction, SqliteMigrations.All[version - 1], [], cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(
                connection,
                transaction,
                "INSERT INTO schema_version (version, applied_utc) VALUES (@version, @applied);",
                [("@version", version), ("@applied", Utc(time.GetUtcNow()))],
                cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>SQLite stores NaN as NULL; NULL reads back as NaN.</summary>
    private static object? Real(double value) => double.IsNaN(value) ? null : value;

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, (string Name, object? Value)[] parameters, CancellationToken cancellationToken)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, (string Name, object? Value)[] parameters, CancellationToken cancellationToken)
    {
        using DbCommand command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}
