using System.Data.Common;
using System.Globalization;
using Cohort.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Cohort.Storage.Sqlite;

/// <summary>
/// Opening an experiment database and the SQL helpers its stores share. A connection is opened in WAL mode with
/// <c>synchronous=FULL</c>: a commit is on disk when it returns (one fsync of the WAL per commit, which group commits
/// make rare), and a process killed at any moment, even mid-write, leaves the database at its last commit. Commits
/// reach the disk in order, so a later commit never survives without an earlier one (on power loss too).
/// </summary>
internal static class SqliteDatabase
{
    private const string TimeFormat = "yyyy-MM-ddTHH:mm:ss.fffffffZ";

    private static readonly Lazy<bool> s_initialised = new(() =>
    {
        SQLitePCL.Batteries_V2.Init();
        return true;
    });

    /// <summary>Opens (creating when missing) the database at <paramref name="path"/>, in WAL mode, migrated to the latest schema.</summary>
    /// <exception cref="InvalidOperationException">The database was written by a newer Cohort (unknown schema version).</exception>
    public static async Task<SqliteConnection> OpenAsync(string path, TimeProvider time, CancellationToken cancellationToken)
    {
        _ = s_initialised.Value;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
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

            await ExecuteAsync(connection, null, "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;", [], cancellationToken).ConfigureAwait(false);
            await MigrateAsync(connection, path, time, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (SqliteException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Failed(path, ex);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// An SQLite error as a <see cref="StoreException"/> naming the database file, with what it means for the common
    /// cases (a damaged file, a full disk, a read-only file).
    /// </summary>
    public static StoreException Failed(string path, SqliteException ex)
    {
        var meaning = ex.SqliteErrorCode switch
        {
            SQLitePCL.raw.SQLITE_CORRUPT or SQLitePCL.raw.SQLITE_NOTADB => " The file is damaged or is not a Cohort database; restore it from a copy, or run the experiment again.",
            SQLitePCL.raw.SQLITE_FULL => " The disk holding it is full; free space, then continue with 'cohort resume'.",
            SQLitePCL.raw.SQLITE_READONLY or SQLitePCL.raw.SQLITE_CANTOPEN or SQLitePCL.raw.SQLITE_PERM => " It cannot be opened for writing; check the file and its folder.",
            SQLitePCL.raw.SQLITE_IOERR => " Reading or writing the file failed.",
            _ => "",
        };
        return new StoreException($"SQLite database {path}: {ex.Message}{meaning}", path, inner: ex);
    }

    public static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
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

    public static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, (string Name, object? Value)[] parameters, CancellationToken cancellationToken)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, (string Name, object? Value)[] parameters, CancellationToken cancellationToken)
    {
        using DbCommand command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
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
}
