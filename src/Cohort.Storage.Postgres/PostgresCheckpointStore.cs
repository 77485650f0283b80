using System.Data;
using System.Globalization;
using Cohort.Core.Storage;
using Npgsql;
using static Cohort.Storage.Postgres.PostgresExperimentStore;

namespace Cohort.Storage.Postgres;

/// <summary>
/// Content-addressed checkpoints in the experiment's PostgreSQL database (table <c>cohort_checkpoints</c>, keyed by
/// experiment, run and hash), for workers that share no filesystem. <see cref="Put"/> writes a batch in one statement;
/// it is committed (durable) when the call returns. Reading streams the value (<see cref="CommandBehavior.SequentialAccess"/>)
/// into one buffer of the stored size while hashing it, so a checkpoint is held once in memory, and a mismatch throws
/// <see cref="CheckpointCorruptException"/>. The interface is synchronous (training threads call it), so this class uses
/// Npgsql's synchronous API.
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

    public void Put(string run, IReadOnlyList<CheckpointBytes> checkpoints)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(checkpoints);
        if (checkpoints.Count == 0)
        {
            return;
        }

        using var connection = _dataSource.OpenConnection();
        using var command = Command(
            connection,
            null,
            """
            INSERT INTO cohort_checkpoints (experiment, run, hash, step, size, data)
            SELECT @e, @run, c.hash, c.step, c.size, c.data FROM unnest(@hashes, @steps, @sizes, @datas) AS c(hash, step, size, data)
            ON CONFLICT (experiment, run, hash) DO NOTHING;
            """,
            [
                P("e", Experiment), P("run", run),
                P("hashes", checkpoints.Select(c => c.Checkpoint.Hash).ToArray()),
                P("steps", checkpoints.Select(c => c.Checkpoint.Step).ToArray()),
                P("sizes", checkpoints.Select(c => (long)c.Bytes.Length).ToArray()),
                P("datas", checkpoints.Select(c => c.Bytes).ToArray()),
            ]);
        command.ExecuteNonQuery();
    }

    public byte[] Read(string run, CheckpointRef checkpoint)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(checkpoint);
        using var connection = _dataSource.OpenConnection();

        // Rows stored before checkpoints were scoped by run (schema version 1) have the run ''.
        using var command = Command(
            connection,
            null,
            "SELECT size, data FROM cohort_checkpoints WHERE experiment = @e AND run IN (@run, '') AND hash = @hash ORDER BY run DESC LIMIT 1;",
            [P("e", Experiment), P("run", run), P("hash", checkpoint.Hash)]);
        using var reader = command.ExecuteReader(CommandBehavior.SequentialAccess | CommandBehavior.SingleRow);
        if (!reader.Read())
        {
            throw new CheckpointCorruptException($"Checkpoint {checkpoint.Hash} is missing from {Describe(run, checkpoint)}.");
        }

        var size = reader.GetInt64(0);
        var bytes = new byte[size];
        long read = 0;
        using (var stream = reader.GetStream(1))
        {
            int n;
            while (read < size && (n = stream.Read(bytes, (int)read, (int)Math.Min(1 << 20, size - read))) > 0)
            {
                read += n;
            }

            if (read != size || stream.ReadByte() >= 0)
            {
                throw new CheckpointCorruptException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Checkpoint {checkpoint.Hash} in {Describe(run, checkpoint)} holds a different number of bytes than the {size} recorded."));
            }
        }

        var actual = ContentHash.Like(checkpoint.Hash, bytes);
        if (!string.Equals(actual, checkpoint.Hash, StringComparison.Ordinal))
        {
            throw new CheckpointCorruptException($"Checkpoint {checkpoint.Hash} in {Describe(run, checkpoint)} is corrupt: its bytes hash to {actual}.");
        }

        return bytes;
    }

    public bool Contains(string run, CheckpointRef checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        using var connection = _dataSource.OpenConnection();
        using var command = Command(
            connection,
            null,
            "SELECT 1 FROM cohort_checkpoints WHERE experiment = @e AND run IN (@run, '') AND hash = @hash LIMIT 1;",
            [P("e", Experiment), P("run", run), P("hash", checkpoint.Hash)]);
        return command.ExecuteScalar() is not null;
    }

    public void Delete(string run, IReadOnlyCollection<string> hashes)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(hashes);
        if (hashes.Count == 0)
        {
            return;
        }

        using var connection = _dataSource.OpenConnection();
        using var command = Command(
            connection,
            null,
            "DELETE FROM cohort_checkpoints WHERE experiment = @e AND run = @run AND hash = ANY(@hashes);",
            [P("e", Experiment), P("run", run), P("hashes", hashes.ToArray())]);
        command.ExecuteNonQuery();
    }

    public IReadOnlyCollection<string> List(string run)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var connection = _dataSource.OpenConnection();
        using var command = Command(
            connection,
            null,
            "SELECT hash FROM cohort_checkpoints WHERE experiment = @e AND run = @run;",
            [P("e", Experiment), P("run", run)]);
        using var reader = command.ExecuteReader();
        var hashes = new List<string>();
        while (reader.Read())
        {
            hashes.Add(reader.GetString(0));
        }

        return hashes;
    }

    public string Describe(string run, CheckpointRef checkpoint) =>
        $"the database's cohort_checkpoints (experiment '{Experiment}', run '{run}')";
}
