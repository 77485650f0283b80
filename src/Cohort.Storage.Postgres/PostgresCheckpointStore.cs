using System.Data;
using System.Globalization;
using System.Security.Cryptography;
using Cohort.Core.Storage;
using Npgsql;
using static Cohort.Storage.Postgres.PostgresExperimentStore;

namespace Cohort.Storage.Postgres;

/// <summary>
/// Content-addressed checkpoints in the experiment's PostgreSQL database (table <c>cohort_checkpoints</c>), for
/// workers that share no filesystem. A checkpoint is stored once under the SHA-256 of its bytes. Reading streams the
/// value (<see cref="CommandBehavior.SequentialAccess"/>) into one buffer of the stored size while hashing it, so a
/// checkpoint is held once in memory, and a mismatch throws <see cref="CheckpointCorruptException"/>.
/// The interface is synchronous (training threads call it), so this class uses Npgsql's synchronous API.
/// </summary>
public sealed class PostgresCheckpointStore : ICheckpointStore
{
    private readonly NpgsqlDataSource _dataSource;

    /// <param name="dataSource">The pool of the experiment's database (<see cref="PostgresExperimentStore.DataSource"/>).</param>
    /// <param name="experiment">The experiment the checkpoints belong to.</param>
    public PostgresCheckpointStore(NpgsqlDataSource dataSource, string experiment)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrWhiteSpace(experiment);
        _dataSource = dataSource;
        Experiment = experiment;
    }

    public string Experiment { get; }

    public CheckpointRef Put(ReadOnlySpan<byte> bytes, long step)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        using var connection = _dataSource.OpenConnection();
        using var command = Command(
            connection,
            null,
            """
            INSERT INTO cohort_checkpoints (experiment, hash, step, size, data) VALUES (@e, @hash, @step, @size, @data)
            ON CONFLICT (experiment, hash) DO NOTHING;
            """,
            [P("e", Experiment), P("hash", hash), P("step", step), P("size", (long)bytes.Length), P("data", bytes.ToArray())]);
        command.ExecuteNonQuery();
        return new CheckpointRef(hash, step, bytes.Length);
    }

    public byte[] Read(CheckpointRef checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        using var connection = _dataSource.OpenConnection();
        using var command = Command(
            connection,
            null,
            "SELECT size, data FROM cohort_checkpoints WHERE experiment = @e AND hash = @hash;",
            [P("e", Experiment), P("hash", checkpoint.Hash)]);
        using var reader = command.ExecuteReader(CommandBehavior.SequentialAccess | CommandBehavior.SingleRow);
        if (!reader.Read())
        {
            throw new CheckpointCorruptException($"Checkpoint {checkpoint.Hash} is missing from {Where}.");
        }

        var size = reader.GetInt64(0);
        var bytes = new byte[size];
        using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long read = 0;
        using (var stream = reader.GetStream(1))
        {
            int n;
            while (read < size && (n = stream.Read(bytes, (int)read, (int)Math.Min(1 << 20, size - read))) > 0)
            {
                hasher.AppendData(bytes, (int)read, n);
                read += n;
            }

            if (read != size || stream.ReadByte() >= 0)
            {
                throw new CheckpointCorruptException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Checkpoint {checkpoint.Hash} in {Where} holds a different number of bytes than the {size} recorded."));
            }
        }

        var actual = Convert.ToHexStringLower(hasher.GetHashAndReset());
        if (!string.Equals(actual, checkpoint.Hash, StringComparison.Ordinal))
        {
            throw new CheckpointCorruptException($"Checkpoint {checkpoint.Hash} in {Where} is corrupt: its bytes hash to {actual}.");
        }

        return bytes;
    }

    public bool Contains(CheckpointRef checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        using var connection = _dataSource.OpenConnection();
        using var command = Command(
            connection,
            null,
            "SELECT 1 FROM cohort_checkpoints WHERE experiment = @e AND hash = @hash;",
            [P("e", Experiment), P("hash", checkpoint.Hash)]);
        return command.ExecuteScalar() is not null;
    }

    public int Collect(IReadOnlySet<string> live)
    {
        ArgumentNullException.ThrowIfNull(live);
        using var connection = _dataSource.OpenConnection();
        using var command = Command(
            connection,
            null,
            "DELETE FROM cohort_checkpoints WHERE experiment = @e AND NOT (hash = ANY(@live));",
            [P("e", Experiment), P("live", live.ToArray())]);
        return command.ExecuteNonQuery();
    }

    private string Where => $"the database's cohort_checkpoints (experiment '{Experiment}')";
}
