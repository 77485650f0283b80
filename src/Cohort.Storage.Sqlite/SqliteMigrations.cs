namespace Cohort.Storage.Sqlite;

/// <summary>
/// The schema as plain, versioned SQL. Migration n takes a database from version n − 1 to n; a migration is never edited
/// once released — a change is a new migration. <c>schema_version</c> records every version applied.
/// </summary>
public static class SqliteMigrations
{
    /// <summary>Creates the bookkeeping table itself; run before reading the version.</summary>
    public const string Bootstrap = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version     INTEGER PRIMARY KEY NOT NULL,
            applied_utc TEXT    NOT NULL
        );
        """;

    /// <summary>Migration 1: the initial schema.</summary>
    public const string Initial = """
        CREATE TABLE metadata (
            key   TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        );

        CREATE TABLE runs (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            name         TEXT    NOT NULL UNIQUE,
            method       TEXT    NOT NULL,
            spec_json    TEXT    NOT NULL,
            status       TEXT    NOT NULL,
            message      TEXT,
            wall_seconds REAL
        );

        CREATE TABLE results (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            run        TEXT    NOT NULL REFERENCES runs (name),
            member     INTEGER NOT NULL,
            ordinal    INTEGER NOT NULL,
            generation INTEGER NOT NULL,
            start_step INTEGER NOT NULL,
            end_step   INTEGER NOT NULL,
            outcome    TEXT    NOT NULL,
            json       TEXT    NOT NULL,
            UNIQUE (run, member, ordinal)
        );

        CREATE TABLE events (
            id        INTEGER PRIMARY KEY AUTOINCREMENT,
            run       TEXT    NOT NULL REFERENCES runs (name),
            member    INTEGER NOT NULL,
            step      INTEGER NOT NULL,
            kind      TEXT    NOT NULL,
            json      TEXT    NOT NULL,
            result_id INTEGER NOT NULL REFERENCES results (id)
        );

        CREATE INDEX events_by_run ON events (run, id);

        CREATE TABLE leases (
            run         TEXT    NOT NULL,
            member      INTEGER NOT NULL,
            owner       TEXT    NOT NULL,
            expires_utc TEXT    NOT NULL,
            PRIMARY KEY (run, member)
        );
        """;

    /// <summary>
    /// Migration 2: checkpoints in the database (issue 12), keyed by run and content hash, so that a group commit stores
    /// the checkpoints its results refer to in the same file, and their deletion is a row deletion.
    /// </summary>
    public const string Checkpoints = """
        CREATE TABLE checkpoints (
            id   INTEGER PRIMARY KEY AUTOINCREMENT,
            run  TEXT    NOT NULL,
            hash TEXT    NOT NULL,
            step INTEGER NOT NULL,
            size INTEGER NOT NULL,
            data BLOB    NOT NULL,
            UNIQUE (run, hash)
        );
        """;

    /// <summary>
    /// Migration 3: a checksum on every result and event row (issue 13; <see cref="Cohort.Core.Storage.RowChecksum"/>),
    /// verified when the row is read. Rows written before this version keep a NULL checksum and are read unverified:
    /// they decode as before, and a damaged one that no longer decodes is reported with its file and row.
    /// </summary>
    public const string RowChecksums = """
        ALTER TABLE results ADD COLUMN checksum TEXT;
        ALTER TABLE events ADD COLUMN checksum TEXT;
        """;

    /// <summary>All migrations in order; the index + 1 is the version each produces.</summary>
    public static IReadOnlyList<string> All { get; } = [Initial, Checkpoints, RowChecksums];

    /// <summary>The version a database has after every migration ran.</summary>
    public static int LatestVersion => All.Count;
}
