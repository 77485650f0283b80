using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cohort.Core.Security;
using Cohort.Spec;
using Cohort.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Cohort.Cli.Experiments;

/// <summary>
/// An experiment directory (<c>--out</c>): what <c>cohort run</c> writes there, how it is opened again, what
/// <c>--overwrite</c> deletes, and the messages about it. <see cref="Display"/> is the path as the user gave it, for
/// messages and hints; <see cref="FullPath"/> the absolute one.
/// </summary>
internal sealed class ExperimentDirectory(string path)
{
    public const string DatabaseFile = "cohort.db";
    public const string LogFile = "cohort.log";
    public const string CheckpointDirectory = "checkpoints";

    /// <summary>Written by <c>cohort run --storage</c>: the experiment lives in PostgreSQL, not in this directory.</summary>
    public const string StorageMarkerFile = "storage.json";

    /// <summary>Metadata key: the resolved spec (JSON).</summary>
    public const string SpecKey = "spec";

    /// <summary>Metadata key: the data directory the experiment was run with (absolute), used by resume and replay.</summary>
    public const string DataKey = "data_dir";

    /// <summary>Metadata key: where checkpoints live — a path relative to the directory, an absolute path, or "database".</summary>
    public const string CheckpointsKey = "checkpoints";

    /// <summary>The files and folders <c>cohort run</c> and the other commands write; <c>--overwrite</c> deletes these and nothing else.</summary>
    private static readonly string[] s_outputs =
        [DatabaseFile, DatabaseFile + "-wal", DatabaseFile + "-shm", DatabaseFile + "-journal", LogFile, StorageMarkerFile, "summary.json", "summary.json.tmp", "events.csv", "events.csv.tmp", "report.html", "report.html.tmp"];

    private static readonly string[] s_outputFolders = [CheckpointDirectory, "export"];

    public string Display { get; } = path;

    public string FullPath { get; } = System.IO.Path.GetFullPath(path);

    public string Database => System.IO.Path.Combine(FullPath, DatabaseFile);

    public bool HasDatabase => File.Exists(Database);

    /// <summary><c>cohort resume DIR</c>, quoted for a shell when needed.</summary>
    public string ResumeCommand => "cohort resume " + Quote(Display);

    /// <summary>The message of an interrupted command.</summary>
    public string InterruptedMessage => $"interrupted; continue with `{ResumeCommand}`";

    /// <summary>
    /// Creates the directory if missing and checks that files can be written in it; returns the folders it created
    /// (deepest last), so that a failure before anything is stored can remove them again. A path that cannot be
    /// written is a <see cref="UsageException"/> naming it.
    /// </summary>
    public IReadOnlyList<string> Prepare()
    {
        var created = new List<string>();
        for (var dir = new DirectoryInfo(FullPath); dir is not null && !dir.Exists; dir = dir.Parent)
        {
            created.Insert(0, dir.FullName);
        }

        try
        {
            Directory.CreateDirectory(FullPath);
            var probe = System.IO.Path.Combine(FullPath, $".cohort-write-test-{Environment.ProcessId}");
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Remove(created);
            throw new UsageException($"cannot write to the experiment directory {Display}: {e.Message} (choose another --out)");
        }

        return created;
    }

    /// <summary>Removes <paramref name="created"/> folders (from <see cref="Prepare"/>) that are still empty, deepest first.</summary>
    public static void Remove(IReadOnlyList<string> created)
    {
        ArgumentNullException.ThrowIfNull(created);
        foreach (var dir in created.Reverse())
        {
            try
            {
                if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
                {
                    Directory.Delete(dir);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return;
            }
        }
    }

    /// <summary><c>--overwrite</c>: deletes what Cohort wrote here (store, checkpoints, outputs, log); other files stay.</summary>
    public void DeleteOutputs()
    {
        foreach (var file in s_outputs)
        {
            File.Delete(System.IO.Path.Combine(FullPath, file));
        }

        foreach (var file in Directory.Exists(FullPath) ? Directory.EnumerateFiles(FullPath, "replay-*.json") : [])
        {
            File.Delete(file);
        }

        foreach (var folder in s_outputFolders.Select(f => System.IO.Path.Combine(FullPath, f)).Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Opens (creating if needed) the directory's store; a damaged database is an error naming it.</summary>
    public async Task<SqliteExperimentStore> OpenStoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await SqliteExperimentStore.OpenAsync(Database, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw StoreError(e);
        }
    }

    /// <summary>
    /// Opens the store of an experiment this directory holds and reads its spec, or explains what the directory is
    /// instead: empty, an experiment in PostgreSQL, or a run stopped before its spec was stored.
    /// </summary>
    public async Task<(SqliteExperimentStore Store, ExperimentSpec Spec)> OpenExistingAsync(CancellationToken cancellationToken)
    {
        if (!HasDatabase)
        {
            if (ReadStorageMarker() is { } marker)
            {
                throw new UsageException(
                    $"{Display} belongs to experiment '{marker.Experiment}', which lives in PostgreSQL ({marker.Storage}), not in this directory. " +
                    $"Continue it with `cohort run SPEC --storage <url> --out {Quote(Display)}` (the same spec rejoins it and writes the summary here), " +
                    $"or add workers with `cohort worker --storage <url> --experiment {marker.Experiment}`.");
            }

            throw new UsageException(Directory.Exists(FullPath)
                ? $"{Display} holds no experiment ({DatabaseFile} not found): nothing was stored there (a run stopped while it started stores nothing). " +
                  $"Start one with `cohort run SPEC --out {Quote(Display)}`."
                : $"{Display} does not exist.");
        }

        var store = await OpenStoreAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var json = await store.GetMetadataAsync(SpecKey, cancellationToken).ConfigureAwait(false)
                ?? throw new UsageException(
                    $"{Display}/{DatabaseFile} holds no spec: the run was stopped while it started, before anything was trained. " +
                    $"Start it again with `cohort run SPEC --out {Quote(Display)}`.");
            return (store, CohortCatalog.Instance.Parse(json, $"{Display}/{DatabaseFile} (stored spec)"));
        }
        catch (Exception e)
        {
            await store.DisposeAsync().ConfigureAwait(false);
            if (e is SqliteException sqlite)
            {
                throw StoreError(sqlite);
            }

            throw;
        }
    }

    /// <summary>The stored data directory, when the experiment recorded one.</summary>
    public static async Task<string?> StoredDataDirectoryAsync(SqliteExperimentStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return await store.GetMetadataAsync(DataKey, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Where this experiment's checkpoints are (stored relative paths start at the directory).</summary>
    public string CheckpointsPath(string? stored) =>
        System.IO.Path.GetFullPath(stored ?? CheckpointDirectory, FullPath);

    /// <summary>Appends a time-stamped line to cohort.log (secrets masked); null when that failed, else the log's path.</summary>
    public string? AppendLog(string text) => AppendLog(FullPath, text);

    /// <summary>Appends to <c>cohort.log</c> in <paramref name="directory"/> (the temporary folder when it does not exist); the log's path, or null when it could not be written.</summary>
    public static string? AppendLog(string? directory, string text)
    {
        try
        {
            var dir = directory is not null && Directory.Exists(directory) ? directory : System.IO.Path.GetTempPath();
            var log = System.IO.Path.Combine(dir, LogFile);
            File.AppendAllText(log, string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:O} [pid {Environment.ProcessId}] {SecretMasker.Mask(text)}\n"));
            return log;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Marks the directory as the output folder of an experiment stored in PostgreSQL (the storage as displayed: no password).</summary>
    public void WriteStorageMarker(string experiment, string storageDisplay)
    {
        Directory.CreateDirectory(FullPath);
        var json = new JsonObject { ["experiment"] = experiment, ["storage"] = storageDisplay };
        File.WriteAllText(System.IO.Path.Combine(FullPath, StorageMarkerFile), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private (string Experiment, string Storage)? ReadStorageMarker()
    {
        var file = System.IO.Path.Combine(FullPath, StorageMarkerFile);
        if (!File.Exists(file))
        {
            return null;
        }

        try
        {
            var node = JsonNode.Parse(File.ReadAllText(file));
            return (node?["experiment"]?.GetValue<string>() ?? "?", node?["storage"]?.GetValue<string>() ?? "?");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A SQLite failure as a message naming the database: damaged (bad input, exit 2) or anything else (exit 1).</summary>
    public Exception StoreError(SqliteException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Describe(e, Database);
    }

    /// <summary>See <see cref="StoreError"/>; for a database at <paramref name="database"/>.</summary>
    public static Exception Describe(SqliteException e, string database)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.SqliteErrorCode switch
        {
            11 or 26 => new UsageException(
                $"{database} is damaged and cannot be read ({e.Message}); restore it from a copy, or start afresh with `cohort run SPEC --out DIR --overwrite`."),
            13 => new StoreFullException(
                $"the disk is full: writing {database} failed ({e.Message}); free some space, then continue with `cohort resume {Quote(System.IO.Path.GetDirectoryName(database) ?? ".")}`.",
                e),
            14 => new UsageException($"cannot open {database}: {e.Message}"),
            _ => new StoreFailedException($"{database}: {e.Message}", e),
        };
    }

    /// <summary>A path as a shell word: quoted when it holds anything but safe characters.</summary>
    public static string Quote(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.Length > 0 && path.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or '~' or '+' or ':' or '=' or ',')
            ? path
            : "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}

/// <summary>The disk filled up while the store was written (exit 1, the message names the file).</summary>
internal sealed class StoreFullException(string message, Exception inner) : Exception(message, inner);

/// <summary>Any other failure of the SQLite store, named (exit 1).</summary>
internal sealed class StoreFailedException(string message, Exception inner) : Exception(message, inner);
