using Cohort.Core.Storage;
using Microsoft.Data.Sqlite;
using static Cohort.Storage.Sqlite.SqliteDatabase;

namespace Cohort.Storage.Sqlite;

/// <summary>
/// The embedded <see cref="ICheckpointStore"/>: checkpoints as rows of the experiment database's <c>checkpoints</c>
/// table (<see cref="SqliteMigrations.Checkpoints"/>), keyed by run and content hash. Keeping them in the same file as
/// the results makes a group commit's durability one ordered write-ahead log: the checkpoints a batch of results needs
/// are committed (one transaction, one fsync) just before the batch, so a committed result never refers to a
/// checkpoint the disk lacks, even after a power loss; a checkpoint nothing references any more is one deleted row.
/// This suits the checkpoints Cohort's engine writes (kilobytes to a few megabytes); SQLite holds blobs up to 1 GB.
/// The store has its own connection, so workers reading a checkpoint do not queue behind the results' writes
/// (WAL readers never block the writer). Thread-safe: calls are serialised on the connection.
/// </summary>
public sealed class SqliteCheckpointStore : ICheckpointStore, IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    private bool _disposed;

    private SqliteCheckpointStore(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
    }

    /// <summary>The absolute path of the database file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating and migrating when needed) the checkpoints of the experiment database at <paramref name="databasePath"/>.</summary>
    public static async Task<SqliteCheckpointStore> OpenAsync(string databasePath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var path = System.IO.Path.GetFullPath(databasePath);
        var connection = await SqliteDatabase.OpenAsync(path, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        return new SqliteCheckpointStore(path, connection);
    }

    /// <summary>Inserts the checkpoints not stored yet in one transaction (one prepared statement), committed to disk on return.</summary>
    public void Put(string run, IReadOnlyList<CheckpointBytes> checkpoints)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(checkpoints);
        if (checkpoints.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                using var transaction = _connection.BeginTransaction(deferred: false);
                using var insert = Command(
                    _connection,
                    transaction,
                    "INSERT INTO checkpoints (run, hash, step, size, data) VALUES (@run, @hash, @step, @size, @data) ON CONFLICT (run, hash) DO NOTHING;",
                    [("@run", run), ("@hash", ""), ("@step", 0L), ("@size", 0L), ("@data", Array.Empty<byte>())]);
                insert.Prepare();
                foreach (var c in checkpoints)
                {
                    insert.Parameters["@hash"].Value = c.Checkpoint.Hash;
                    insert.Parameters["@step"].Value = c.Checkpoint.Step;
                    insert.Parameters["@size"].Value = (long)c.Bytes.Length;
                    insert.Parameters["@data"].Value = c.Bytes;
                    insert.ExecuteNonQuery();
                }

                transaction.Commit();
            }
            catch (SqliteException ex)
            {
                throw SqliteDatabase.Failed(Path, ex);
            }
        }
    }

    /// <exception cref="CheckpointCorruptException">The row is missing or its bytes do not hash to the id; the message names the file, the run and the id.</exception>
    public byte[] Read(string run, CheckpointRef checkpoint)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(checkpoint);
        byte[]? bytes;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                using var select = Command(_connection, null, "SELECT data FROM checkpoints WHERE run = @run AND hash = @hash;", [("@run", run), ("@hash", checkpoint.Hash)]);
                using var reader = select.ExecuteReader();
                bytes = reader.Read() ? reader.GetFieldValue<byte[]>(0) : null;
            }
            catch (SqliteException ex)
            {
                throw SqliteDatabase.Failed(Path, ex);
            }
        }

        if (bytes is null)
        {
            throw new CheckpointCorruptException($"Checkpoint {checkpoint.Hash} is missing from {Describe(run, checkpoint)}.");
        }

        var actual = ContentHash.Like(checkpoint.Hash, bytes);
        if (!string.Equals(actual, checkpoint.Hash, StringComparison.Ordinal))
        {
            throw new CheckpointCorruptException(
                $"Checkpoint {checkpoint.Hash} in {Describe(run, checkpoint)} is corrupt: its {bytes.Length} bytes hash to {actual}.");
        }

        return bytes;
    }

    public bool Contains(string run, CheckpointRef checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                using var select = Command(_connection, null, "SELECT 1 FROM checkpoints WHERE run = @run AND hash = @hash;", [("@run", run), ("@hash", checkpoint.Hash)]);
                return select.ExecuteScalar() is not null;
            }
            catch (SqliteException ex)
            {
                throw SqliteDatabase.Failed(Path, ex);
            }
        }
    }

    /// <summary>Deletes the rows in one transaction (one prepared statement).</summary>
    public void Delete(string run, IReadOnlyCollection<string> hashes)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(hashes);
        if (hashes.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                using var transaction = _connection.BeginTransaction(deferred: false);
                using var delete = Command(_connection, transaction, "DELETE FROM checkpoints WHERE run = @run AND hash = @hash;", [("@run", run), ("@hash", "")]);
                delete.Prepare();
                foreach (var hash in hashes)
                {
                    delete.Parameters["@hash"].Value = hash;
                    delete.ExecuteNonQuery();
                }

                transaction.Commit();
            }
            catch (SqliteException ex)
            {
                throw SqliteDatabase.Failed(Path, ex);
            }
        }
    }

    public IReadOnlyCollection<string> List(string run)
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                using var select = Command(_connection, null, "SELECT hash FROM checkpoints WHERE run = @run ORDER BY id;", [("@run", run)]);
                using var reader = select.ExecuteReader();
                var hashes = new List<string>();
                while (reader.Read())
                {
                    hashes.Add(reader.GetString(0));
                }

                return hashes;
            }
            catch (SqliteException ex)
            {
                throw SqliteDatabase.Failed(Path, ex);
            }
        }
    }

    public string Describe(string run, CheckpointRef checkpoint) => $"{Path} (table checkpoints, run '{run}')";

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
