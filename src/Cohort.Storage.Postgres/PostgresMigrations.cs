namespace Cohort.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema as plain, versioned SQL. Migration n takes a database from version n − 1 to n; a released
/// migration is never edited — a change is a new migration. <c>cohort_schema_version</c> records every version applied.
/// Every table is keyed by experiment, so one database holds any number of experiments. Migrations run under a
/// transaction-scoped advisory lock, so processes that start together migrate once.
/// </summary>
public static class PostgresMigrations
{
    /// <summary>The advisory lock key taken while migrating (any constant unlikely to clash with an application's).</summary>
    public const long MigrationLockKey = 0x436F686F72744D67; // "CohortMg"

    /// <summary>Creates the bookkeeping table itself; run before reading the version.</summary>
    public const string Bootstrap = """
        CREATE TABLE IF NOT EXISTS cohort_schema_version (
            version    integer PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        """;

    /// <summary>Migration 1: experiments, runs, the result and event log, leases, claims, reports, checkpoints.</summary>
    public const string Initial = """
        CREATE TABLE cohort_experiments (
            name       text PRIMARY KEY,
            created_at timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE cohort_metadata (
            experiment text NOT NULL,
            key        text NOT NULL,
            value      text NOT NULL,
            PRIMARY KEY (experiment, key)
        );

        CREATE TABLE cohort_runs (
            id           bigserial PRIMARY KEY,
            experiment   text NOT NULL,
            name         text NOT NULL,
            method       text NOT NULL,
            spec_json    text NOT NULL,
            status       text NOT NULL,
            message      text,
            wall_seconds double precision,
            created_at   timestamptz NOT NULL DEFAULT now(),
            started_at   timestamptz,
            UNIQUE (experiment, name)
        );

        CREATE TABLE cohort_results (
            id         bigserial PRIMARY KEY,
            experiment text    NOT NULL,
            run        text    NOT NULL,
            member     integer NOT NULL,
            ordinal    integer NOT NULL,
            generation integer NOT NULL,
            start_step bigint  NOT NULL,
            end_step   bigint  NOT NULL,
            outcome    text    NOT NULL,
            json       text    NOT NULL,
            UNIQUE (experiment, run, member, ordinal)
        );

        CREATE INDEX cohort_results_by_run ON cohort_results (experiment, run, id);

        CREATE TABLE cohort_events (
            id         bigserial PRIMARY KEY,
            experiment text    NOT NULL,
            run        text    NOT NULL,
            member     integer NOT NULL,
            step       bigint  NOT NULL,
            kind       text    NOT NULL,
            json       text    NOT NULL,
            result_id  bigint  NOT NULL REFERENCES cohort_results (id)
        );

        CREATE INDEX cohort_events_by_run ON cohort_events (experiment, run, id);

        CREATE TABLE cohort_leases (
            experiment text        NOT NULL,
            run        text        NOT NULL,
            member     integer     NOT NULL,
            owner      text        NOT NULL,
            expires_at timestamptz NOT NULL,
            PRIMARY KEY (experiment, run, member)
        );

        CREATE TABLE cohort_claims (
            experiment text        NOT NULL,
            run        text        NOT NULL,
            member     integer     NOT NULL,
            ordinal    integer     NOT NULL,
            owner      text,
            expires_at timestamptz,
            claims     integer     NOT NULL DEFAULT 0,
            PRIMARY KEY (experiment, run, member, ordinal)
        );

        CREATE TABLE cohort_reports (
            id         bigserial PRIMARY KEY,
            experiment text    NOT NULL,
            run        text    NOT NULL,
            member     integer NOT NULL,
            ordinal    integer NOT NULL,
            json       text    NOT NULL,
            UNIQUE (experiment, run, member, ordinal)
        );

        CREATE TABLE cohort_checkpoints (
            experiment text   NOT NULL,
            hash       text   NOT NULL,
            step       bigint NOT NULL,
            size       bigint NOT NULL,
            data       bytea  NOT NULL,
            PRIMARY KEY (experiment, hash)
        );
        """;

    /// <summary>
    /// Migration 2: checkpoints are scoped by run (issue 12), so that one run's collection never deletes a checkpoint of
    /// another that happens to hold the same bytes. Rows written before keep the run '' and are still readable.
    /// </summary>
    public const string CheckpointsByRun = """
        ALTER TABLE cohort_checkpoints ADD COLUMN run text NOT NULL DEFAULT '';
        ALTER TABLE cohort_checkpoints DROP CONSTRAINT cohort_checkpoints_pkey;
        ALTER TABLE cohort_checkpoints ADD PRIMARY KEY (experiment, run, hash);
        """;

    /// <summary>
    /// Migration 3: a checksum on every result and event row (issue 13; <see cref="Cohort.Core.Storage.RowChecksum"/>),
    /// verified when the row is read. Rows written before this version keep a NULL checksum and are read unverified.
    /// </summary>
    public const string RowChecksums = """
        ALTER TABLE cohort_results ADD COLUMN checksum text;
        ALTER TABLE cohort_events ADD COLUMN checksum text;
        """;

    /// <summary>All migrations in order; the index + 1 is the version each produces.</summary>
    public static IReadOnlyList<string> All { get; } = [Initial, CheckpointsByRun, RowChecksums];

    /// <summary>The version a database has after every migration ran.</summary>
    public static int LatestVersion => All.Count;
}
