using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cohort.Core.Storage;
using Npgsql;
using static Cohort.Storage.Postgres.PostgresExperimentStore;

namespace Cohort.Storage.Postgres;

/// <summary>
/// The coordinator's lock on a PostgreSQL experiment: one <c>cohort run --storage</c> at a time drives an experiment
/// (any number of <c>cohort worker</c>s may join it). A session-level advisory lock held on a connection of its own for
/// as long as this object lives: the server releases it when the connection closes, however the process ends. The
/// holder records itself (process id, host, start time) in the experiment's metadata, so that a second coordinator fails
/// at once with a <see cref="RunLockedException"/> naming it.
/// </summary>
public sealed class PostgresExperimentLock : IAsyncDisposable
{
    /// <summary>The metadata key under which the holder describes itself.</summary>
    public const string OwnerKey = "coordinator";

    private readonly NpgsqlConnection _connection;
    private readonly long _key;

    private PostgresExperimentLock(NpgsqlConnection connection, long key, string owner)
    {
        _connection = connection;
        _key = key;
        Owner = owner;
    }

    /// <summary>This process, as recorded for others.</summary>
    public string Owner { get; }

    /// <summary>Takes the lock of <paramref name="experiment"/>, or fails at once.</summary>
    /// <exception cref="RunLockedException">Another coordinator holds it; the message names it.</exception>
    public static async Task<PostgresExperimentLock> AcquireAsync(NpgsqlDataSource dataSource, string experiment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrWhiteSpace(experiment);
        var key = KeyOf(experiment);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var acquired = await ScalarAsync(connection, null, "SELECT pg_try_advisory_lock(@key);", [P("key", key)], cancellationToken).ConfigureAwait(false);
            if (acquired is not true)
            {
                var holder = await ScalarAsync(
                    connection,
                    null,
                    "SELECT value FROM cohort_metadata WHERE experiment = @e AND key = @key;",
                    [P("e", experiment), P("key", OwnerKey)],
                    cancellationToken).ConfigureAwait(false) as string;
                throw new RunLockedException(
                    holder is null
                        ? $"Experiment '{experiment}' in {connection.Database} on {connection.Host} is driven by another 'cohort run'. Join it with 'cohort worker', or wait for it to finish."
                        : $"Experiment '{experiment}' in {connection.Database} on {connection.Host} is driven by another 'cohort run': {holder}. Join it with 'cohort worker', or wait for it to finish.",
                    holder);
            }

            var owner = string.Create(
                CultureInfo.InvariantCulture,
                $"process {Environment.ProcessId} on host {Environment.MachineName}, started {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC");
            await ExecuteAsync(
                connection,
                null,
                """
                INSERT INTO cohort_metadata (experiment, key, value) VALUES (@e, @key, @value)
                ON CONFLICT (experiment, key) DO UPDATE SET value = excluded.value;
                """,
                [P("e", experiment), P("key", OwnerKey), P("value", owner)],
                cancellationToken).ConfigureAwait(false);
            return new PostgresExperimentLock(connection, key, owner);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsync(_connection, null, "SELECT pg_advisory_unlock(@key);", [P("key", _key)], CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // The connection is gone: so is the lock.
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The advisory lock key of an experiment: the first 8 bytes of the SHA-256 of its name, tagged.</summary>
    private static long KeyOf(string experiment) =>
        BinaryPrimitives.ReadInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes("cohort-experiment-lock:" + experiment)));
}
