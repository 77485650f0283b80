using System.Data.Common;
using System.Globalization;
using Cohort.Core.Scheduling;
using Cohort.Core.Security;
using Cohort.Core.Storage;
using Cohort.Core.Storage.Serialization;
using Cohort.Storage.Postgres;
using Cohort.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Cohort.Dashboard;

/// <summary>A stored row with its store-assigned id (the cursor position), its experiment and run.</summary>
internal sealed record StoredRow<T>(long Id, string Experiment, string Run, T Value);

/// <summary>
/// The dashboard's only access to storage: read-only queries on the tables <see cref="SqliteExperimentStore"/> and
/// <see cref="PostgresExperimentStore"/> write, through the same JSON (<see cref="CohortJson"/>). It never writes and
/// never migrates: a SQLite database is opened read-only (a WAL reader never blocks the run writing it), so the dashboard
/// can follow a run in progress. Rows are read after a cursor (<c>id &gt; N</c>, the primary key): following a run reads
/// each row once.
/// <para>
/// SQLite: one database per experiment (<c>DIR/cohort.db</c>, or every <c>DIR/*/cohort.db</c>). PostgreSQL: every
/// experiment of the database.
/// </para>
/// Not thread-safe: one poller calls it (<see cref="DashboardFeed"/>).
/// </summary>
internal sealed class DashboardStore : IAsyncDisposable
{
    private const string SpecKey = "spec";

    private readonly Dictionary<string, string> _sqliteFiles; // experiment → database file
    private readonly Dictionary<string, SqliteConnection> _sqliteOpen = new(StringComparer.Ordinal); // kept open between polls
    private readonly NpgsqlDataSource? _postgres;

    private DashboardStore(Dictionary<string, string> sqliteFiles, NpgsqlDataSource? postgres, string display)
    {
        _sqliteFiles = sqliteFiles;
        _postgres = postgres;
        Display = display;
    }

    /// <summary>What the page may show about the source: a directory, or the connection string with its secrets masked.</summary>
    public string Display { get; }

    /// <summary>
    /// Opens the experiment directory <paramref name="directory"/> (it holds <c>cohort.db</c>), or a directory of them
    /// (each subdirectory with a <c>cohort.db</c> is one experiment).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No such directory, or it holds no experiment.</exception>
    public static DashboardStore OpenDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"{directory} does not exist.");
        }

        var own = Path.Combine(full, SqliteExperimentStore.DefaultFileName);
        var files = File.Exists(own)
            ? [own]
            : Directory.EnumerateDirectories(full)
                .Select(d => Path.Combine(d, SqliteExperimentStore.DefaultFileName))
                .Where(File.Exists)
                .Order(StringComparer.Ordinal)
                .ToList();
        if (files.Count == 0)
        {
            throw new DirectoryNotFoundException(
                $"{directory} holds no experiment: neither {SqliteExperimentStore.DefaultFileName} nor a subdirectory with one (write one with 'cohort run').");
        }

        SQLitePCL.Batteries_V2.Init();
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var name = Path.GetFileName(Path.GetDirectoryName(file)!);
            while (byName.ContainsKey(name))
            {
                name += "'";
            }

            byName[name] = file;
        }

        return new DashboardStore(byName, null, full);
    }

    /// <summary>Opens every experiment of a PostgreSQL database (<c>postgresql://…</c> or <c>Host=…;…</c>).</summary>
    public static DashboardStore OpenPostgres(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnection.ToNpgsql(connectionString)) { ApplicationName = "cohort dashboard" };
        return new DashboardStore([], NpgsqlDataSource.Create(builder.ConnectionString), SecretMasker.Mask(connectionString));
    }

    /// <summary>The experiments the source holds now.</summary>
    public async Task<IReadOnlyList<string>> ExperimentsAsync(CancellationToken cancellationToken)
    {
        if (_postgres is null)
        {
            return _sqliteFiles.Keys.ToArray();
        }

        return await ReadAsync(
            null,
            """
            SELECT e.name FROM cohort_experiments e
            WHERE EXISTS (SELECT 1 FROM cohort_metadata m WHERE m.experiment = e.name AND m.key = @key)
            ORDER BY e.created_at, e.name;
            """,
            [("key", SpecKey)],
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The experiment's stored (resolved) spec as JSON; null when it has none yet.</summary>
    public async Task<string?> SpecJsonAsync(string experiment, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync(
            experiment,
            _postgres is null
                ? "SELECT value FROM metadata WHERE key = @key;"
                : "SELECT value FROM cohort_metadata WHERE experiment = @experiment AND key = @key;",
            [("key", SpecKey)],
            r => r.GetString(0),
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>The experiment's runs, in creation order.</summary>
    public Task<IReadOnlyList<RunRecord>> RunsAsync(string experiment, CancellationToken cancellationToken) =>
        ReadAsync(
            experiment,
            _postgres is null
                ? "SELECT name, method, status, message, wall_seconds FROM runs ORDER BY id;"
                : "SELECT name, method, status, message, wall_seconds FROM cohort_runs WHERE experiment = @experiment ORDER BY id;",
            [],
            r => new RunRecord(
                r.GetString(0),
                r.GetString(1),
                "{}",
                RunStatusNames.Parse(r.GetString(2), $"run '{r.GetString(0)}'"),
                r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? 0 : r.GetDouble(4)),
            cancellationToken);

    /// <summary>Up to <paramref name="limit"/> task results after the cursor, in id order.</summary>
    public Task<IReadOnlyList<StoredRow<TaskResult>>> ResultsAfterAsync(string experiment, RowCursor cursor, int limit, CancellationToken cancellationToken) =>
        RowsAfterAsync(experiment, "results", cursor, limit, CohortJson.DeserializeTaskResult, cancellationToken);

    /// <summary>Up to <paramref name="limit"/> events after the cursor, in id order.</summary>
    public Task<IReadOnlyList<StoredRow<RunEvent>>> EventsAfterAsync(string experiment, RowCursor cursor, int limit, CancellationToken cancellationToken) =>
        RowsAfterAsync(experiment, "events", cursor, limit, CohortJson.DeserializeEvent, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _sqliteOpen.Values)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _sqliteOpen.Clear();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Rows above <see cref="RowCursor.Low"/> not among <see cref="RowCursor.Recent"/>, in id order.</summary>
    private Task<IReadOnlyList<StoredRow<T>>> RowsAfterAsync<T>(
        string experiment, string table, RowCursor cursor, int limit, Func<string, T> parse, CancellationToken cancellationToken) =>
        ReadAsync(
            experiment,
            _postgres is null
                ? $"SELECT id, run, json FROM {table} WHERE id > @after ORDER BY id LIMIT @limit;"
                : $"SELECT id, run, json FROM cohort_{table} WHERE experiment = @experiment AND id > @after AND NOT (id = ANY(@recent)) ORDER BY id LIMIT @limit;",
            _postgres is null
                ? [("after", cursor.Low), ("limit", limit)]
                : [("after", cursor.Low), ("limit", limit), ("recent", cursor.Recent.ToArray())],
            r => new StoredRow<T>(r.GetInt64(0), experiment, r.GetString(1), parse(r.GetString(2))),
            cancellationToken);

    /// <summary>How long a PostgreSQL row id stays "recent" (<see cref="RowCursor"/>); SQLite ids become visible in order.</summary>
    public TimeSpan Settle => _postgres is null ? TimeSpan.Zero : TimeSpan.FromSeconds(5);

    private async Task<IReadOnlyList<T>> ReadAsync<T>(
        string? experiment, string sql, IReadOnlyList<(string Name, object Value)> parameters, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        var (connection, owned) = await ConnectAsync(experiment, cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReadAsync(connection, sql, parameters, experiment, map, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException) when (!owned)
        {
            // A SQLite connection kept open between polls: drop it, so the next poll opens the file afresh.
            _sqliteOpen.Remove(experiment!);
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            if (owned)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<IReadOnlyList<T>> ReadAsync<T>(
        DbConnection connection, string sql, IReadOnlyList<(string Name, object Value)> parameters, string? experiment, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            Add(command, name, value);
        }

        if (_postgres is not null && experiment is not null)
        {
            Add(command, "experiment", experiment);
        }

        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(map(reader));
        }

        return rows;

        static void Add(DbCommand command, string name, object value)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
    }

    /// <summary>A PostgreSQL connection from the pool (owned: dispose it), or the experiment's SQLite connection kept open between polls.</summary>
    private async Task<(DbConnection Connection, bool Owned)> ConnectAsync(string? experiment, CancellationToken cancellationToken)
    {
        if (_postgres is not null)
        {
            return (await _postgres.OpenConnectionAsync(cancellationToken).ConfigureAwait(false), true);
        }

        if (experiment is null || !_sqliteFiles.TryGetValue(experiment, out var file))
        {
            throw new KeyNotFoundException(string.Create(CultureInfo.InvariantCulture, $"No experiment '{experiment}' in {Display}."));
        }

        if (!_sqliteOpen.TryGetValue(experiment, out var connection))
        {
            // Read-only: the dashboard cannot write, and (WAL) it reads while the run writes. Between statements it
            // holds no read transaction, so it never keeps the writer from checkpointing.
            connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = file,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
                DefaultTimeout = 5,
            }.ToString());
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            _sqliteOpen[experiment] = connection;
        }

        return (connection, false);
    }
}
