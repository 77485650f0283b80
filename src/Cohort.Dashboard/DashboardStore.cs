using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Cohort.Core.Scheduling;
using Cohort.Core.Security;
using Cohort.Core.Storage;
using Cohort.Core.Storage.Serialization;
using Cohort.Storage.Postgres;
using Cohort.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;
using SQLitePCL;

namespace Cohort.Dashboard;

/// <summary>A stored row with its store-assigned id (the cursor position), its experiment and run.</summary>
internal sealed record StoredRow<T>(long Id, string Experiment, string Run, T Value);

/// <summary>
/// What the feed reads of a stored task result: its id, run, member, steps and outcome, the objective's value (NaN when
/// missing) and the text of the hyperparameters it trained with (<see cref="CohortJson"/>'s form).
/// </summary>
internal readonly record struct ResultRow(long Id, string Run, int Member, long Start, long End, TaskOutcome Outcome, double Value, string Hyperparameters);

/// <summary>
/// What the feed reads of a stored event: its id and run, and the exploit when it is one, or the whole event when it is
/// another decision the page draws (both null otherwise).
/// </summary>
internal readonly record struct EventRow(long Id, string Run, ExploitRow? Exploit, RunEvent? Event);

/// <summary>An exploit as the feed keeps it (compact, without a string): the event's id, when, who took whose weights, and their hash.</summary>
internal readonly record struct ExploitRow(long Id, long Step, int Member, int Donor, CheckpointHash? Hash);

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
/// Thread-safe: statements run one at a time (the poller and lineage requests of <see cref="DashboardFeed"/>).
/// </summary>
internal sealed class DashboardStore : IAsyncDisposable
{
    private const string SpecKey = "spec";

    /// <summary>The event kinds <see cref="EventsAfterAsync"/> reads whole: the decisions the page draws, but exploits.</summary>
    private static IReadOnlyList<string> DecisionKinds { get; } =
    [
        CohortJson.BredKind, CohortJson.SubPopulationJoinedKind,
        CohortJson.EvaluatorStartedKind, CohortJson.EvaluatorSucceededKind, CohortJson.EvaluatorStoppedKind,
    ];

    /// <summary>The event kinds the page draws as decisions, as a SQL list.</summary>
    private static readonly string s_decisionKinds = string.Join(", ", DecisionKinds.Select(k => "'" + k + "'"));

    private static readonly byte[][] s_decisionKindsUtf8 = [.. DecisionKinds.Select(Encoding.UTF8.GetBytes)];
    private static readonly byte[] s_exploitedKind = Encoding.UTF8.GetBytes(CohortJson.ExploitedKind);


    private readonly Dictionary<string, string> _sqliteFiles; // experiment → database file
    private readonly Dictionary<string, SqliteConnection> _sqliteOpen = new(StringComparer.Ordinal); // kept open between polls
    private readonly Dictionary<string, SqliteTexts> _sqliteTexts = new(StringComparer.Ordinal); // experiment → the texts its rows repeat
    private readonly NpgsqlDataSource? _postgres;
    private readonly SemaphoreSlim _gate = new(1, 1); // one statement at a time: the poller and a lineage request share the connection

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

    /// <summary>
    /// Up to <paramref name="limit"/> task results after the cursor, in id order, appended to <paramref name="rows"/>
    /// (returns how many): what the feed follows of each (<see cref="ResultRow"/>: member, steps, outcome, the value of
    /// <paramref name="metric"/>, the hyperparameters' text); the rest of the document is not read
    /// (<see cref="ResultsOfRunAsync"/> reads it).
    /// <para>
    /// SQLite: each row's id, run and JSON are read where SQLite holds them (<see cref="SqliteColumns"/>) and the JSON is
    /// read in place as UTF-8 (<see cref="StoredJson"/>); a run's name and a member's hyperparameters are the same string
    /// instance as long as they do not change, so a row that changes nothing allocates nothing. Following a run costs
    /// this per stored result. PostgreSQL: the columns, and the two JSON parts extracted by the database.
    /// </para>
    /// </summary>
    public Task<int> ResultsAfterAsync(string experiment, RowCursor cursor, int limit, string metric, List<ResultRow> rows, CancellationToken cancellationToken)
    {
        if (_postgres is null)
        {
            var name = Encoding.UTF8.GetBytes(metric);
            return StepSqliteAsync(
                experiment,
                "SELECT id, run, json FROM results WHERE id > @after ORDER BY id LIMIT @limit;",
                cursor.Low,
                limit,
                rows,
                (row, texts) =>
                {
                    var run = texts.Run(row.Bytes(1));
                    var json = row.Bytes(2);
                    var parts = StoredJson.Result(json, name);
                    return new ResultRow(
                        row.Int64(0),
                        run,
                        parts.Member,
                        parts.Start,
                        parts.End,
                        parts.Outcome,
                        parts.Value,
                        texts.Hyperparameters(run, parts.Member, json[parts.Hyperparameters]));
                },
                cancellationToken);
        }

        return AppendAsync(
            experiment,
            "SELECT id, run, member, start_step, end_step, outcome, json::json -> 'validation' ->> @metric, json::json #>> '{task,hyperparameters}' "
            + "FROM cohort_results WHERE experiment = @experiment AND id > @after AND NOT (id = ANY(@recent)) ORDER BY id LIMIT @limit;",
            [("after", cursor.Low), ("limit", limit), ("recent", cursor.Recent.ToArray()), ("metric", metric)],
            rows,
            r => new ResultRow(
                r.GetInt64(0),
                r.GetString(1),
                r.GetInt32(2),
                r.GetInt64(3),
                r.GetInt64(4),
                StoredJson.Outcome(Encoding.UTF8.GetBytes(r.GetString(5))),
                r.IsDBNull(6) ? double.NaN : StoredJson.Number(r.GetString(6)),
                r.GetString(7)),
            cancellationToken);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> events after the cursor, in id order, appended to <paramref name="rows"/> (returns
    /// how many). Only the decisions the page draws are read: an exploit's member, step, donor and checkpoint hash
    /// (SQLite: read in place by <see cref="StoredJson"/>; PostgreSQL: columns and parts extracted by the database); the
    /// rarer decisions (<see cref="DecisionKinds"/>: GA breedings, FIRE's sub-populations and evaluators) are read whole
    /// and parsed; other events come with neither.
    /// </summary>
    public Task<int> EventsAfterAsync(string experiment, RowCursor cursor, int limit, List<EventRow> rows, CancellationToken cancellationToken)
    {
        if (_postgres is null)
        {
            return StepSqliteAsync(
                experiment,
                "SELECT id, run, kind, json FROM events WHERE id > @after ORDER BY id LIMIT @limit;",
                cursor.Low,
                limit,
                rows,
                (row, texts) =>
                {
                    var id = row.Int64(0);
                    var kind = row.Bytes(2);
                    ExploitRow? exploit = null;
                    if (kind.SequenceEqual(s_exploitedKind))
                    {
                        var json = row.Bytes(3);
                        var parts = StoredJson.Exploit(json);
                        exploit = new ExploitRow(id, parts.Step, parts.Member, parts.Donor, parts.Hash is { } hash ? CheckpointHash.Parse(json[hash]) : null);
                    }

                    var decision = IsDecision(kind) ? CohortJson.DeserializeEvent(Encoding.UTF8.GetString(row.Bytes(3))) : null;
                    return new EventRow(id, texts.Run(row.Bytes(1)), exploit, decision);
                },
                cancellationToken);
        }

        var exploit = $"CASE WHEN kind = '{CohortJson.ExploitedKind}' THEN ";
        return AppendAsync(
            experiment,
            $"SELECT id, run, member, step, {exploit}(json::json ->> 'donor')::integer END, {exploit}json::json -> 'checkpoint' ->> 'hash' END, CASE WHEN kind IN ({s_decisionKinds}) THEN json END "
            + "FROM cohort_events WHERE experiment = @experiment AND id > @after AND NOT (id = ANY(@recent)) ORDER BY id LIMIT @limit;",
            [("after", cursor.Low), ("limit", limit), ("recent", cursor.Recent.ToArray())],
            rows,
            r => new EventRow(
                r.GetInt64(0),
                r.GetString(1),
                r.IsDBNull(4) ? null : new ExploitRow(r.GetInt64(0), r.GetInt64(3), r.GetInt32(2), r.GetInt32(4), r.IsDBNull(5) ? null : CheckpointHash.Parse(Encoding.UTF8.GetBytes(r.GetString(5)))),
                r.IsDBNull(6) ? null : CohortJson.DeserializeEvent(r.GetString(6))),
            cancellationToken);
    }

    /// <summary>The run's task results with the ids <paramref name="ids"/>, whole, in id order (a lineage's rows).</summary>
    public Task<IReadOnlyList<StoredRow<TaskResult>>> ResultsOfRunAsync(string experiment, string run, IReadOnlyCollection<long> ids, CancellationToken cancellationToken) =>
        RowsOfRunAsync(experiment, run, "results", ids, CohortJson.DeserializeTaskResult, cancellationToken);

    /// <summary>The run's events with the ids <paramref name="ids"/>, whole, in id order (a lineage's rows).</summary>
    public Task<IReadOnlyList<StoredRow<RunEvent>>> EventsOfRunAsync(string experiment, string run, IReadOnlyCollection<long> ids, CancellationToken cancellationToken) =>
        RowsOfRunAsync(experiment, run, "events", ids, CohortJson.DeserializeEvent, cancellationToken);

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

        _gate.Dispose();
    }

    /// <summary>
    /// The rows of <paramref name="run"/> among <paramref name="ids"/> (ids the feed has read), in id order: one range
    /// query from the smallest to the largest, keeping the ids asked for (on PostgreSQL the range may hold rows the feed
    /// has not read yet; they are read when it has).
    /// </summary>
    private async Task<IReadOnlyList<StoredRow<T>>> RowsOfRunAsync<T>(
        string experiment, string run, string table, IReadOnlyCollection<long> ids, Func<string, T> parse, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var wanted = ids.ToHashSet();
        var rows = await ReadAsync(
            experiment,
            _postgres is null
                ? $"SELECT id, json FROM {table} WHERE run = @run AND id BETWEEN @low AND @high ORDER BY id;"
                : $"SELECT id, json FROM cohort_{table} WHERE experiment = @experiment AND run = @run AND id BETWEEN @low AND @high ORDER BY id;",
            [("run", run), ("low", wanted.Min()), ("high", wanted.Max())],
            r => wanted.Contains(r.GetInt64(0)) ? new StoredRow<T>(r.GetInt64(0), experiment, run, parse(r.GetString(1))) : null,
            cancellationToken).ConfigureAwait(false);
        return rows.OfType<StoredRow<T>>().ToArray();
    }

    private static bool IsDecision(ReadOnlySpan<byte> kind)
    {
        foreach (var decision in s_decisionKindsUtf8)
        {
            if (kind.SequenceEqual(decision))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How long a PostgreSQL row id stays "recent" (<see cref="RowCursor"/>); SQLite ids become visible in order.</summary>
    public TimeSpan Settle => _postgres is null ? TimeSpan.Zero : TimeSpan.FromSeconds(5);

    /// <summary>As <see cref="ReadAsync{T}(string?, string, IReadOnlyList{ValueTuple{string, object}}, Func{DbDataReader, T}, CancellationToken)"/>, appending to <paramref name="rows"/>; returns how many it appended.</summary>
    private async Task<int> AppendAsync<T>(
        string experiment, string sql, IReadOnlyList<(string Name, object Value)> parameters, List<T> rows, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        var read = await ReadAsync(experiment, sql, parameters, map, cancellationToken).ConfigureAwait(false);
        rows.AddRange(read);
        return read.Count;
    }

    private async Task<IReadOnlyList<T>> ReadAsync<T>(
        string? experiment, string sql, IReadOnlyList<(string Name, object Value)> parameters, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReadConnectedAsync(experiment, sql, parameters, map, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IReadOnlyList<T>> ReadConnectedAsync<T>(
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

    /// <summary>
    /// Steps <paramref name="sql"/> (parameters <c>@after</c> and <c>@limit</c>) on the experiment's SQLite connection
    /// through its native handle, mapping each row while it is current (its text and blob columns are read in place)
    /// and appending it to <paramref name="rows"/>; returns how many it appended.
    /// The statement is finalized before this returns, so no read transaction outlives the call.
    /// </summary>
    private async Task<int> StepSqliteAsync<T>(
        string experiment, string sql, long after, int limit, List<T> rows, Func<SqliteColumns, SqliteTexts, T> map, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (connection, _) = await ConnectAsync(experiment, cancellationToken).ConfigureAwait(false);
            if (!_sqliteTexts.TryGetValue(experiment, out var texts))
            {
                _sqliteTexts[experiment] = texts = new SqliteTexts();
            }

            var db = ((SqliteConnection)connection).Handle!;
            try
            {
                SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(db, sql, out var statement), db);
                using (statement)
                {
                    SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_int64(statement, raw.sqlite3_bind_parameter_index(statement, "@after"), after), db);
                    SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_int(statement, raw.sqlite3_bind_parameter_index(statement, "@limit"), limit), db);
                    var count = rows.Count;
                    var columns = new SqliteColumns(statement);
                    int rc;
                    while ((rc = columns.Step()) == raw.SQLITE_ROW)
                    {
                        rows.Add(map(columns, texts));
                    }

                    if (rc != raw.SQLITE_DONE)
                    {
                        SqliteException.ThrowExceptionForRC(rc, db);
                    }

                    return rows.Count - count;
                }
            }
            catch (DbException)
            {
                // As ReadConnectedAsync: drop the connection kept open, so the next poll opens the file afresh.
                _sqliteOpen.Remove(experiment);
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        finally
        {
            _gate.Release();
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

            // A small page cache: SQLite drops its cache whenever another connection wrote since the last read (so
            // following a run reads each page once anyway), and a large one is freed and allocated again on every
            // poll. 64 pages cut the dashboard's CPU by about a fifth, measured side by side on one followed run.
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA cache_size = 64;";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _sqliteOpen[experiment] = connection;
        }

        return (connection, false);
    }

    /// <summary>
    /// The texts an experiment's SQLite rows repeat, kept with their UTF-8 bytes so that an unchanged one is compared in
    /// place and returned as the same string instead of being decoded again: run names, and each member's latest
    /// hyperparameters (a member keeps them until it explores). Bounded by the runs and members.
    /// </summary>
    private sealed class SqliteTexts
    {
        private readonly List<(byte[] Utf8, string Text)> _runs = [];
        private readonly Dictionary<(string Run, int Member), (byte[] Utf8, string Text)> _hyperparameters = [];

        public string Run(ReadOnlySpan<byte> utf8)
        {
            foreach (var (bytes, text) in _runs)
            {
                if (utf8.SequenceEqual(bytes))
                {
                    return text;
                }
            }

            var run = Encoding.UTF8.GetString(utf8);
            _runs.Add((utf8.ToArray(), run));
            return run;
        }

        public string Hyperparameters(string run, int member, ReadOnlySpan<byte> utf8)
        {
            if (_hyperparameters.TryGetValue((run, member), out var last) && utf8.SequenceEqual(last.Utf8))
            {
                return last.Text;
            }

            var text = Encoding.UTF8.GetString(utf8);
            _hyperparameters[(run, member)] = (utf8.ToArray(), text);
            return text;
        }
    }
}
