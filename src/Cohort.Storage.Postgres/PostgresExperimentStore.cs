using System.Globalization;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Storage.Serialization;
using Npgsql;
using NpgsqlTypes;

namespace Cohort.Storage.Postgres;

/// <summary>
/// The <see cref="IExperimentStore"/> for many machines: one experiment in a PostgreSQL database that any number of
/// worker processes share (<see cref="ICoordinationStore"/>).
/// <list type="bullet">
/// <item>Every row is keyed by the experiment name, so one database holds many experiments.</item>
/// <item>Appending a result takes the run's row lock (<c>SELECT … FOR UPDATE</c>) first, so a run's result and event
/// ids are assigned and committed in one order: a reader that saw id n has seen every smaller id of that run.</item>
/// <item>Task claims: <c>FOR UPDATE SKIP LOCKED</c> on <c>cohort_claims</c>, with a lease that expires by the
/// database's clock (or by the <see cref="TimeProvider"/> given, for tests), so workers' clocks need not agree.</item>
/// <item>Connections come from a pool (<see cref="NpgsqlDataSource"/>) with automatic statement preparation; the store
/// is thread-safe and caches nothing.</item>
/// <item>A batch of told results is appended in one statement (<see cref="AppendBatchAsync"/>), not a round trip per row.</item>
/// </list>
/// Schema: <see cref="PostgresMigrations"/>. All SQL is parameterised.
/// </summary>
public sealed class PostgresExperimentStore : ICoordinationStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly TimeProvider? _time;
    private readonly HashSet<(string Run, TaskKey Task)> _ensured = [];
    private readonly HashSet<string> _started = new(StringComparer.Ordinal);

    private PostgresExperimentStore(NpgsqlDataSource dataSource, bool ownsDataSource, string experiment, TimeProvider? time)
    {
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        Experiment = experiment;
        _time = time;
    }

    /// <summary>The experiment this store reads and writes.</summary>
    public string Experiment { get; }

    /// <summary>How messages name this store: the database, its host and the experiment (never the password).</summary>
    private string Description
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
            return $"PostgreSQL database {builder.Database} on {builder.Host} (experiment '{Experiment}')";
        }
    }

    /// <summary>The connection pool, for a <see cref="PostgresCheckpointStore"/> on the same database.</summary>
    public NpgsqlDataSource DataSource => _dataSource;

    /// <summary>Opens experiment <paramref name="experiment"/> (created when missing) in the database, migrating the schema first.</summary>
    /// <param name="connectionString">An Npgsql connection string or a <c>postgresql://</c> URI (<see cref="PostgresConnection"/>).</param>
    /// <param name="experiment">The experiment's name.</param>
    /// <param name="time">The clock leases expire by; null: the database's clock (recommended across machines).</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    public static async Task<PostgresExperimentStore> OpenAsync(
        string connectionString,
        string experiment,
        TimeProvider? time = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        // The same few statements run all the time (claim, report, append): let Npgsql prepare them once per connection.
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnection.ToNpgsql(connectionString));
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 32;
        }

        var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        try
        {
            return await OpenAsync(dataSource, experiment, time, ownsDataSource: true, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens <paramref name="experiment"/> on an existing pool, which the caller keeps owning.</summary>
    public static Task<PostgresExperimentStore> OpenAsync(
        NpgsqlDataSource dataSource,
        string experiment,
        TimeProvider? time,
        CancellationToken cancellationToken) =>
        OpenAsync(dataSource, experiment, time, ownsDataSource: false, cancellationToken);

    private static async Task<PostgresExperimentStore> OpenAsync(
        NpgsqlDataSource dataSource,
        string experiment,
        TimeProvider? time,
        bool ownsDataSource,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrWhiteSpace(experiment);
        await MigrateAsync(dataSource, cancellationToken).ConfigureAwait(false);
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            await ExecuteAsync(
                connection,
                null,
                "INSERT INTO cohort_experiments (name) VALUES (@e) ON CONFLICT (name) DO NOTHING;",
                [P("e", experiment)],
                cancellationToken).ConfigureAwait(false);
        }

        return new PostgresExperimentStore(dataSource, ownsDataSource, experiment, time);
    }

    /// <summary>Creates or upgrades the schema (idempotent; safe when many processes start at once).</summary>
    public static async Task MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key);", [P("key", PostgresMigrations.MigrationLockKey)], cancellationToken)
            .ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, PostgresMigrations.Bootstrap, [], cancellationToken).ConfigureAwait(false);
        var current = Convert.ToInt32(
            await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM cohort_schema_version;", [], cancellationToken).ConfigureAwait(false),
            CultureInfo.InvariantCulture);
        if (current > PostgresMigrations.LatestVersion)
        {
            throw new InvalidOperationException(
                $"PostgreSQL database {connection.Database} on {connection.Host} has Cohort schema version {current}; this Cohort knows versions up to {PostgresMigrations.LatestVersion}. Use a newer Cohort.");
        }

        for (var version = current + 1; version <= PostgresMigrations.LatestVersion; version++)
        {
            await ExecuteAsync(connection, transaction, PostgresMigrations.All[version - 1], [], cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "INSERT INTO cohort_schema_version (version) VALUES (@v);", [P("v", version)], cancellationToken)
                .ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The experiments in the database that hold metadata <paramref name="key"/> (for example a spec), oldest first.</summary>
    public static async Task<IReadOnlyList<string>> ListExperimentsAsync(NpgsqlDataSource dataSource, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await MigrateAsync(dataSource, cancellationToken).ConfigureAwait(false);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            null,
            """
            SELECT e.name FROM cohort_experiments e
            WHERE EXISTS (SELECT 1 FROM cohort_metadata m WHERE m.experiment = e.name AND m.key = @key)
            ORDER BY e.created_at, e.name;
            """,
            [P("key", key)]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>The schema version of the database (always <see cref="PostgresMigrations.LatestVersion"/> once open).</summary>
    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken)
    {
        return Convert.ToInt32(
            await ScalarAsync("SELECT MAX(version) FROM cohort_schema_version;", [], cancellationToken).ConfigureAwait(false),
            CultureInfo.InvariantCulture);
    }

    public async Task<RunRecord> CreateRunAsync(RunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            connection,
            null,
            """
            INSERT INTO cohort_runs (experiment, name, method, spec_json, status, message, wall_seconds)
            VALUES (@e, @name, @method, @spec, @status, @message, @wall)
            ON CONFLICT (experiment, name) DO NOTHING;
            """,
            [
                P("e", Experiment), P("name", run.Name), P("method", run.Method), P("spec", run.SpecJson),
                P("status", RunStatusNames.Name(run.Status)), P("message", run.Message), P("wall", run.WallSeconds),
            ],
            cancellationToken).ConfigureAwait(false);
        return (await ReadRunsAsync(connection, run.Name, cancellationToken).ConfigureAwait(false))[0];
    }

    public async Task<IReadOnlyList<RunRecord>> GetRunsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadRunsAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> AppendAsync(string run, TaskResult result, IReadOnlyList<RunEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(events);
        return await AppendBatchAsync(run, [new ToldResult(result, events)], cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Appends the batch in one transaction holding the run's lock, in one statement (<see cref="IRunCoordination.AppendBatchAsync"/>).</summary>
    public async Task<int> AppendBatchAsync(string run, IReadOnlyList<ToldResult> told, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(told);
        var rows = Serialise(told);
        var ids = await CoordinateAsync(run, (c, ct) => ((Coordination)c).AppendSerialisedAsync(rows, ct), cancellationToken).ConfigureAwait(false);
        return ids.Count(id => id is not null);
    }

    public async Task<IReadOnlyList<TaskResult>> ReadResultsAsync(string run, CancellationToken cancellationToken) =>
        (await ReadResultsAfterAsync(run, 0, cancellationToken).ConfigureAwait(false)).Select(r => r.Result).ToList();

    public async Task<IReadOnlyList<SequencedResult>> ReadResultsAfterAsync(string run, long after, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var results = await ReadResultsAfterAsync(connection, null, run, after, cancellationToken).ConfigureAwait(false);
        if (results.Count == 0 && after == 0)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await RequireRunAsync(connection, transaction, run, forUpdate: false, cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(string run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            null,
            "SELECT id, member, step, kind, json, checksum FROM cohort_events WHERE experiment = @e AND run = @run ORDER BY id;",
            [P("e", Experiment), P("run", run)]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var events = new List<StoredEvent>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(RowChecksum.ReadEvent(reader, Description, run, "cohort_events"));
        }

        return events;
    }

    public async Task FinishRunAsync(string run, RunStatus status, string? message, double wallSeconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var changed = await ExecuteAsync(
            "UPDATE cohort_runs SET status = @status, message = @message, wall_seconds = @wall WHERE experiment = @e AND name = @run;",
            [P("e", Experiment), P("run", run), P("status", RunStatusNames.Name(status)), P("message", message), P("wall", wallSeconds)],
            cancellationToken).ConfigureAwait(false);
        if (changed == 0)
        {
            throw new KeyNotFoundException($"Run '{run}' does not exist.");
        }
    }

    public async Task<bool> TryLeaseAsync(string run, int member, string owner, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(owner);
        var changed = await ExecuteAsync(
            """
            INSERT INTO cohort_leases (experiment, run, member, owner, expires_at)
            VALUES (@e, @run, @member, @owner, COALESCE(@now, clock_timestamp()) + @duration)
            ON CONFLICT (experiment, run, member) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
            WHERE cohort_leases.owner = excluded.owner OR cohort_leases.expires_at <= COALESCE(@now, clock_timestamp());
            """,
            [P("e", Experiment), P("run", run), P("member", member), P("owner", owner), Now(), P("duration", duration)],
            cancellationToken).ConfigureAwait(false);
        return changed > 0;
    }

    public async Task ReleaseLeaseAsync(string run, int member, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(owner);
        await ExecuteAsync(
            "DELETE FROM cohort_leases WHERE experiment = @e AND run = @run AND member = @member AND owner = @owner;",
            [P("e", Experiment), P("run", run), P("member", member), P("owner", owner)],
            cancellationToken).ConfigureAwait(false);
    }

    public async Task SetMetadataAsync(string key, string value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        await ExecuteAsync(
            """
            INSERT INTO cohort_metadata (experiment, key, value) VALUES (@e, @key, @value)
            ON CONFLICT (experiment, key) DO UPDATE SET value = excluded.value;
            """,
            [P("e", Experiment), P("key", key), P("value", value)],
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<string?> GetMetadataAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return await ScalarAsync(
            "SELECT value FROM cohort_metadata WHERE experiment = @e AND key = @key;",
            [P("e", Experiment), P("key", key)],
            cancellationToken).ConfigureAwait(false) as string;
    }

    public async Task<int> TryClaimAsync(string run, IReadOnlyList<TaskKey> candidates, string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(owner);
        if (candidates.Count == 0)
        {
            return -1;
        }

        var members = candidates.Select(c => c.Member).ToArray();
        var ordinals = candidates.Select(c => c.Ordinal).ToArray();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // Claim rows are created on first sight (each store instance inserts a key once), in key order so that
        // concurrent inserts cannot deadlock, and committed before claiming so that every claimer sees them.
        List<TaskKey> unseen;
        lock (_ensured)
        {
            unseen = candidates.Where(c => !_ensured.Contains((run, c))).ToList();
        }

        if (unseen.Count > 0)
        {
            await ExecuteAsync(
                connection,
                null,
                """
                INSERT INTO cohort_claims (experiment, run, member, ordinal)
                SELECT @e, @run, c.m, c.o FROM unnest(@members, @ordinals) AS c(m, o)
                ORDER BY c.m, c.o
                ON CONFLICT DO NOTHING;
                """,
                [P("e", Experiment), P("run", run), P("members", unseen.Select(c => c.Member).ToArray()), P("ordinals", unseen.Select(c => c.Ordinal).ToArray())],
                cancellationToken).ConfigureAwait(false);
            lock (_ensured)
            {
                foreach (var c in unseen)
                {
                    _ensured.Add((run, c));
                }
            }
        }

        // One statement, so one implicit transaction: lock the first free candidate (skipping rows other claimers
        // hold locked right now) and take it.
        await using var command = Command(
            connection,
            null,
            """
            WITH candidate AS (
                SELECT c.m, c.o, c.pos FROM unnest(@members, @ordinals) WITH ORDINALITY AS c(m, o, pos)
            ), chosen AS (
                SELECT k.member, k.ordinal
                FROM cohort_claims k JOIN candidate ON k.member = candidate.m AND k.ordinal = candidate.o
                WHERE k.experiment = @e AND k.run = @run
                  AND (k.owner IS NULL OR k.owner = @owner OR k.expires_at <= COALESCE(@now, clock_timestamp()))
                  AND NOT EXISTS (SELECT 1 FROM cohort_results r
                                  WHERE r.experiment = @e AND r.run = @run AND r.member = k.member AND r.ordinal = k.ordinal)
                  AND NOT EXISTS (SELECT 1 FROM cohort_reports p
                                  WHERE p.experiment = @e AND p.run = @run AND p.member = k.member AND p.ordinal = k.ordinal)
                ORDER BY candidate.pos
                LIMIT 1
                FOR UPDATE OF k SKIP LOCKED
            )
            UPDATE cohort_claims k
            SET owner = @owner, expires_at = COALESCE(@now, clock_timestamp()) + @lease, claims = k.claims + 1
            FROM chosen
            WHERE k.experiment = @e AND k.run = @run AND k.member = chosen.member AND k.ordinal = chosen.ordinal
            RETURNING k.member, k.ordinal;
            """,
            [P("e", Experiment), P("run", run), P("members", members), P("ordinals", ordinals), P("owner", owner), Now(), P("lease", lease)]);
        TaskKey? claimed = null;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                claimed = new TaskKey(reader.GetInt32(0), reader.GetInt32(1));
            }
        }

        bool started;
        lock (_ensured)
        {
            started = _started.Contains(run);
        }

        if (claimed is not null && !started)
        {
            // The run's wall time counts from its first claim (a started run's row is not even locked).
            await ExecuteAsync(
                connection,
                null,
                "UPDATE cohort_runs SET started_at = clock_timestamp() WHERE experiment = @e AND name = @run AND started_at IS NULL;",
                [P("e", Experiment), P("run", run)],
                cancellationToken).ConfigureAwait(false);
            lock (_ensured)
            {
                _started.Add(run);
            }
        }

        if (claimed is not { } key)
        {
            return -1;
        }

        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates[i] == key)
            {
                return i;
            }
        }

        return -1;
    }

    public async Task<bool> RenewClaimAsync(string run, TaskKey task, string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(owner);
        var changed = await ExecuteAsync(
            """
            UPDATE cohort_claims SET expires_at = COALESCE(@now, clock_timestamp()) + @lease
            WHERE experiment = @e AND run = @run AND member = @member AND ordinal = @ordinal AND owner = @owner;
            """,
            [P("e", Experiment), P("run", run), P("member", task.Member), P("ordinal", task.Ordinal), P("owner", owner), Now(), P("lease", lease)],
            cancellationToken).ConfigureAwait(false);
        return changed > 0;
    }

    public async Task ReleaseClaimAsync(string run, TaskKey task, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(owner);
        await ExecuteAsync(
            """
            UPDATE cohort_claims SET owner = NULL, expires_at = NULL
            WHERE experiment = @e AND run = @run AND member = @member AND ordinal = @ordinal AND owner = @owner;
            """,
            [P("e", Experiment), P("run", run), P("member", task.Member), P("ordinal", task.Ordinal), P("owner", owner)],
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many times each task of the run was claimed (tests and diagnostics: &gt; 1 means it was re-run).</summary>
    public async Task<IReadOnlyDictionary<TaskKey, int>> ReadClaimCountsAsync(string run, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            null,
            "SELECT member, ordinal, claims FROM cohort_claims WHERE experiment = @e AND run = @run;",
            [P("e", Experiment), P("run", run)]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var counts = new Dictionary<TaskKey, int>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts[new TaskKey(reader.GetInt32(0), reader.GetInt32(1))] = reader.GetInt32(2);
        }

        return counts;
    }

    public async Task<T> CoordinateAsync<T>(string run, Func<IRunCoordination, CancellationToken, Task<T>> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(decide);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await RequireRunAsync(connection, transaction, run, forUpdate: true, cancellationToken).ConfigureAwait(false);
        var value = await decide(new Coordination(this, connection, transaction, run), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return value;
    }

    public async Task<(bool Acquired, T Value)> TryCoordinateAsync<T>(string run, Func<IRunCoordination, CancellationToken, Task<T>> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(decide);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var locked = await ScalarAsync(
            connection,
            transaction,
            "SELECT 1 FROM cohort_runs WHERE experiment = @e AND name = @run FOR UPDATE SKIP LOCKED;",
            [P("e", Experiment), P("run", run)],
            cancellationToken).ConfigureAwait(false);
        if (locked is null)
        {
            await RequireRunAsync(connection, transaction, run, forUpdate: false, cancellationToken).ConfigureAwait(false);
            return (false, default!);
        }

        var value = await decide(new Coordination(this, connection, transaction, run), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (true, value);
    }

    public async Task<bool> ReportAsync(string run, TaskResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(result);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new Coordination(this, connection, null, run).ReportAsync(result, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The body's view of one run's locked transaction.</summary>
    private sealed class Coordination(PostgresExperimentStore store, NpgsqlConnection connection, NpgsqlTransaction? transaction, string run)
        : IRunCoordination
    {
        private string Experiment => store.Experiment;

        public Task<IReadOnlyList<SequencedResult>> ReadResultsAfterAsync(long after, CancellationToken cancellationToken) =>
            store.ReadResultsAfterAsync(connection, transaction, run, after, cancellationToken);

        public async Task<IReadOnlyList<TaskResult>> ReadReportsAsync(CancellationToken cancellationToken)
        {
            await using var command = Command(
                connection,
                transaction,
                "SELECT json FROM cohort_reports WHERE experiment = @e AND run = @run ORDER BY id;",
                [P("e", Experiment), P("run", run)]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var reports = new List<TaskResult>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                reports.Add(CohortJson.DeserializeTaskResult(reader.GetString(0)));
            }

            return reports;
        }

        public async Task<IReadOnlyList<TaskKey>> ReadReportedAsync(CancellationToken cancellationToken)
        {
            await using var command = Command(
                connection,
                transaction,
                "SELECT member, ordinal FROM cohort_reports WHERE experiment = @e AND run = @run ORDER BY id;",
                [P("e", Experiment), P("run", run)]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var keys = new List<TaskKey>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                keys.Add(new TaskKey(reader.GetInt32(0), reader.GetInt32(1)));
            }

            return keys;
        }

        public async Task<IReadOnlyList<TaskResult>> ReadReportsAsync(IReadOnlyList<TaskKey> tasks, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(tasks);
            if (tasks.Count == 0)
            {
                return [];
            }

            await using var command = Command(
                connection,
                transaction,
                """
                SELECT p.json
                FROM unnest(@members, @ordinals) WITH ORDINALITY AS k(m, o, pos)
                JOIN cohort_reports p ON p.experiment = @e AND p.run = @run AND p.member = k.m AND p.ordinal = k.o
                ORDER BY k.pos;
                """,
                [P("e", Experiment), P("run", run), P("members", tasks.Select(t => t.Member).ToArray()), P("ordinals", tasks.Select(t => t.Ordinal).ToArray())]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var reports = new List<TaskResult>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                reports.Add(CohortJson.DeserializeTaskResult(reader.GetString(0)));
            }

            return reports;
        }

        public async Task<bool> ReportAsync(TaskResult result, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(result);
            var json = CohortJson.Serialize(result);
            var task = result.Task;
            var inserted = await ExecuteAsync(
                connection,
                transaction,
                """
                INSERT INTO cohort_reports (experiment, run, member, ordinal, json)
                SELECT @e, @run, @member, @ordinal, @json
                WHERE NOT EXISTS (SELECT 1 FROM cohort_results r
                                  WHERE r.experiment = @e AND r.run = @run AND r.member = @member AND r.ordinal = @ordinal)
                ON CONFLICT (experiment, run, member, ordinal) DO NOTHING;
                """,
                [P("e", Experiment), P("run", run), P("member", task.Member), P("ordinal", task.Ordinal), P("json", json)],
                cancellationToken).ConfigureAwait(false);
            return inserted > 0;
        }

        public async Task<CheckpointRef?> DiscardReportAsync(TaskKey task, CancellationToken cancellationToken)
        {
            var json = await ScalarAsync(
                connection,
                transaction,
                "DELETE FROM cohort_reports WHERE experiment = @e AND run = @run AND member = @member AND ordinal = @ordinal RETURNING json;",
                [P("e", Experiment), P("run", run), P("member", task.Member), P("ordinal", task.Ordinal)],
                cancellationToken).ConfigureAwait(false);
            return json is string text ? CohortJson.DeserializeTaskResult(text).Checkpoint : null;
        }

        public async Task<long?> AppendAsync(TaskResult result, IReadOnlyList<RunEvent> events, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(result);
            ArgumentNullException.ThrowIfNull(events);
            return (await AppendSerialisedAsync(Serialise([new ToldResult(result, events)]), cancellationToken).ConfigureAwait(false))[0];
        }

        public async Task<IReadOnlyList<long?>> AppendBatchAsync(IReadOnlyList<ToldResult> told, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(told);
            return await AppendSerialisedAsync(Serialise(told), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// One statement for the whole batch: removes the results' reports, inserts the results in order (skipping those
        /// recorded already) and inserts the events of those inserted, in order; returns each result's id or null.
        /// </summary>
        public async Task<IReadOnlyList<long?>> AppendSerialisedAsync(IReadOnlyList<SerialisedResult> rows, CancellationToken cancellationToken)
        {
            if (rows.Count == 0)
            {
                return [];
            }

            var events = rows.SelectMany(r => r.Events.Select(e => (r.Task, Event: e))).ToList();
            await using var command = Command(
                connection,
                transaction,
                """
                WITH told AS (
                    DELETE FROM cohort_reports p
                    USING unnest(@members, @ordinals) AS k(m, o)
                    WHERE p.experiment = @e AND p.run = @run AND p.member = k.m AND p.ordinal = k.o
                ), inserted AS (
                    INSERT INTO cohort_results (experiment, run, member, ordinal, generation, start_step, end_step, outcome, json, checksum)
                    SELECT @e, @run, x.m, x.o, x.g, x.s, x.t, x.outcome, x.json, x.checksum
                    FROM unnest(@members, @ordinals, @generations, @starts, @ends, @outcomes, @jsons, @checksums) WITH ORDINALITY
                         AS x(m, o, g, s, t, outcome, json, checksum, pos)
                    ORDER BY x.pos
                    ON CONFLICT (experiment, run, member, ordinal) DO NOTHING
                    RETURNING id, member, ordinal
                ), logged AS (
                    INSERT INTO cohort_events (experiment, run, member, step, kind, json, result_id, checksum)
                    SELECT @e, @run, v.member, v.step, v.kind, v.json, i.id, v.checksum
                    FROM unnest(@eventOwners, @eventOrdinals, @eventMembers, @eventSteps, @eventKinds, @eventJsons, @eventChecksums) WITH ORDINALITY
                         AS v(om, oo, member, step, kind, json, checksum, pos)
                    JOIN inserted i ON i.member = v.om AND i.ordinal = v.oo
                    ORDER BY v.pos
                )
                SELECT member, ordinal, id FROM inserted;
                """,
                [
                    P("e", Experiment), P("run", run),
                    P("members", rows.Select(r => r.Task.Member).ToArray()),
                    P("ordinals", rows.Select(r => r.Task.Ordinal).ToArray()),
                    P("generations", rows.Select(r => r.Task.Generation).ToArray()),
                    P("starts", rows.Select(r => r.Task.StartStep).ToArray()),
                    P("ends", rows.Select(r => r.Task.EndStep).ToArray()),
                    P("outcomes", rows.Select(r => r.Outcome).ToArray()),
                    P("jsons", rows.Select(r => r.Json).ToArray()),
                    P("checksums", rows.Select(r => RowChecksum.OfResult(run, r.Task.Member, r.Task.Ordinal, r.Task.Generation, r.Task.StartStep, r.Task.EndStep, r.Outcome, r.Json)).ToArray()),
                    P("eventOwners", events.Select(e => e.Task.Member).ToArray()),
                    P("eventOrdinals", events.Select(e => e.Task.Ordinal).ToArray()),
                    P("eventMembers", events.Select(e => e.Event.Member).ToArray()),
                    P("eventSteps", events.Select(e => e.Event.Step).ToArray()),
                    P("eventKinds", events.Select(e => e.Event.Kind).ToArray()),
                    P("eventJsons", events.Select(e => e.Event.Json).ToArray()),
                    P("eventChecksums", events.Select(e => RowChecksum.OfEvent(run, e.Event.Member, e.Event.Step, e.Event.Kind, e.Event.Json)).ToArray()),
                ]);
            var ids = new Dictionary<TaskKey, long>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    ids[new TaskKey(reader.GetInt32(0), reader.GetInt32(1))] = reader.GetInt64(2);
                }
            }

            return rows.Select(r => ids.TryGetValue(TaskKey.Of(r.Task), out var id) ? id : (long?)null).ToList();
        }

        public async Task CompleteRunAsync(RunStatus status, string? message, CancellationToken cancellationToken) =>
            await ExecuteAsync(
                connection,
                transaction,
                """
                UPDATE cohort_runs
                SET status = @status, message = @message,
                    wall_seconds = EXTRACT(EPOCH FROM (clock_timestamp() - COALESCE(started_at, created_at)))::double precision
                WHERE experiment = @e AND name = @run;
                """,
                [P("e", Experiment), P("run", run), P("status", RunStatusNames.Name(status)), P("message", message)],
                cancellationToken).ConfigureAwait(false);
    }

    private sealed record SerialisedEvent(int Member, long Step, string Kind, string Json);

    private sealed record SerialisedResult(TrainTask Task, string Outcome, string Json, IReadOnlyList<SerialisedEvent> Events);

    /// <summary>Serialises before touching the database: an unserialisable event fails the call with nothing written.</summary>
    private static List<SerialisedResult> Serialise(IReadOnlyList<ToldResult> told) =>
        told.Select(t => new SerialisedResult(
            t.Result.Task,
            t.Result.Outcome.ToString().ToLowerInvariant(),
            CohortJson.Serialize(t.Result),
            t.Events.Select(e => new SerialisedEvent(e.Member, e.Step, CohortJson.KindOf(e), CohortJson.Serialize(e))).ToList())).ToList();

    private async Task<IReadOnlyList<SequencedResult>> ReadResultsAfterAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        string run,
        long after,
        CancellationToken cancellationToken)
    {
        await using var command = Command(
            connection,
            transaction,
            """
            SELECT id, member, ordinal, generation, start_step, end_step, outcome, json, checksum
            FROM cohort_results WHERE experiment = @e AND run = @run AND id > @after ORDER BY id;
            """,
            [P("e", Experiment), P("run", run), P("after", after)]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<SequencedResult>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var (id, result) = RowChecksum.ReadResult(reader, Description, run, "cohort_results");
            results.Add(new SequencedResult(id, result));
        }

        return results;
    }

    private async Task RequireRunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string run, bool forUpdate, CancellationToken cancellationToken)
    {
        var sql = forUpdate
            ? "SELECT 1 FROM cohort_runs WHERE experiment = @e AND name = @run FOR UPDATE;"
            : "SELECT 1 FROM cohort_runs WHERE experiment = @e AND name = @run;";
        if (await ScalarAsync(connection, transaction, sql, [P("e", Experiment), P("run", run)], cancellationToken).ConfigureAwait(false) is null)
        {
            throw new KeyNotFoundException($"Run '{run}' does not exist.");
        }
    }

    private async Task<List<RunRecord>> ReadRunsAsync(NpgsqlConnection connection, string? name, CancellationToken cancellationToken)
    {
        var sql = name is null
            ? "SELECT name, method, spec_json, status, message, wall_seconds FROM cohort_runs WHERE experiment = @e ORDER BY id;"
            : "SELECT name, method, spec_json, status, message, wall_seconds FROM cohort_runs WHERE experiment = @e AND name = @name;";
        await using var command = Command(connection, null, sql, name is null ? [P("e", Experiment)] : [P("e", Experiment), P("name", name)]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var runs = new List<RunRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            runs.Add(new RunRecord(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                RunStatusNames.Parse(reader.GetString(3), "cohort_runs"),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? double.NaN : reader.GetDouble(5)));
        }

        return runs;
    }

    /// <summary>The clock parameter: the injected time, or NULL for the database's <c>clock_timestamp()</c>.</summary>
    private NpgsqlParameter Now() =>
        new("now", NpgsqlDbType.TimestampTz) { Value = _time is null ? DBNull.Value : _time.GetUtcNow().ToUniversalTime() };

    internal static NpgsqlParameter P(string name, object? value) => new(name, value ?? DBNull.Value);

    internal static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>Runs one statement, outside any transaction, on a connection of its own.</summary>
    private async Task<int> ExecuteAsync(string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(connection, null, sql, parameters, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads one value (null for none or NULL), outside any transaction, on a connection of its own.</summary>
    private async Task<object?> ScalarAsync(string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ScalarAsync(connection, null, sql, parameters, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<object?> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }
}
