using System.Globalization;
using System.Text.Json;
using Cohort.Cli.Console;
using Cohort.Core.Execution;
using Cohort.Core.Storage;
using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Spec;
using Cohort.Spec.Results;
using Cohort.Spec.Sections;
using Cohort.Storage.Sqlite;
using Microsoft.Extensions.Logging;

namespace Cohort.Cli.Experiments;

/// <summary>Options of <c>cohort run</c> and <c>cohort resume</c> that are not part of the spec.</summary>
/// <param name="Workers">Worker threads; null = one per core.</param>
/// <param name="DataDirectory">Explicit data directory (<c>--data-dir</c>); null = the one the experiment stored, else COHORT_DATA or the default.</param>
/// <param name="Overwrite"><c>--overwrite</c>: delete the experiment already in the directory first.</param>
/// <param name="TrainDelay">Fault injection for tests (hidden <c>--fault-train-delay-ms</c>): every Train call sleeps this long first.</param>
internal sealed record HostOptions(int? Workers, string? DataDirectory, bool Overwrite = false, TimeSpan TrainDelay = default);

/// <summary>
/// Runs an experiment in a directory: the SQLite store (<c>cohort.db</c>), content-addressed checkpoints
/// (<c>checkpoints/</c>), then <c>summary.json</c>, <c>events.csv</c>, the report and the results table. Running is
/// resuming: runs already completed are skipped and a run that was interrupted continues from its stored results.
/// The data is found (or downloaded) before anything is written, so a failed download leaves nothing behind; the data
/// directory is stored with the experiment, so <c>resume</c> and <c>replay</c> find it without <c>--data-dir</c>.
/// </summary>
internal sealed class ExperimentHost(Terminal terminal, HostOptions options)
{
    /// <summary>Runs (or continues) <paramref name="spec"/> in <paramref name="directory"/>; returns the process exit code.</summary>
    public async Task<int> RunAsync(ExperimentSpec spec, ExperimentDirectory directory, bool resuming, CancellationToken cancellationToken)
    {
        var catalog = CohortCatalog.Instance;
        if (options.Overwrite)
        {
            directory.DeleteOutputs();
        }

        string? storedData = null;
        string? storedCheckpoints = null;
        if (directory.HasDatabase)
        {
            await using var existing = await directory.OpenStoreAsync(cancellationToken).ConfigureAwait(false);
            var stored = await existing.GetMetadataAsync(ExperimentDirectory.SpecKey, cancellationToken).ConfigureAwait(false);
            if (stored is not null && !IsStored(stored, spec))
            {
                throw new UsageException(
                    $"{directory.Display} already holds experiment '{StoredExperimentName(stored, directory.Display)}' with a different spec, seed or selection of runs; " +
                    $"continue it with `{directory.ResumeCommand}`, choose another --out directory, or replace it with --overwrite.");
            }

            storedData = await existing.GetMetadataAsync(ExperimentDirectory.DataKey, cancellationToken).ConfigureAwait(false);
            storedCheckpoints = await existing.GetMetadataAsync(ExperimentDirectory.CheckpointsKey, cancellationToken).ConfigureAwait(false);
        }

        // The directory must be writable and the data at hand before the store is created: a failure here leaves nothing.
        var created = directory.Prepare();
        var data = DataRoot(storedData);
        ITrainableFactory factory;
        try
        {
            factory = await catalog.CreateFactoryAsync(spec, TrainableContextFor(spec, data, terminal), cancellationToken).ConfigureAwait(false);
            if (options.TrainDelay > TimeSpan.Zero)
            {
                factory = new SlowTrainableFactory(factory, options.TrainDelay);
            }
        }
        catch
        {
            ExperimentDirectory.Remove(created);
            throw;
        }

        await using var store = await directory.OpenStoreAsync(cancellationToken).ConfigureAwait(false);
        await RememberAsync(store, catalog.ToJson(spec), data, storedData, cancellationToken).ConfigureAwait(false);
        directory.AppendLog(string.Create(CultureInfo.InvariantCulture, $"{(resuming ? "resume" : "run")}: experiment '{spec.Experiment}', runs {string.Join(", ", spec.Runs.Select(r => r.Name))}, seed {spec.Seed}, data {DataDirectory.Resolve(data).Root}"));

        var checkpoints = new FileCheckpointStore(directory.CheckpointsPath(storedCheckpoints));
        var objective = spec.Objective;
        var completed = (await store.GetRunsAsync(cancellationToken).ConfigureAwait(false))
            .Where(r => r.Status == RunStatus.Completed)
            .Select(r => r.Name)
            .ToHashSet(StringComparer.Ordinal);

        var status = ExitCodes.Success;
        for (var i = 0; i < spec.Runs.Count; i++)
        {
            var run = spec.Runs[i];
            if (completed.Contains(run.Name))
            {
                if (resuming)
                {
                    terminal.Line($"[{run.Name}] already completed");
                }

                continue;
            }

            var scheduler = new DecisionCounter(catalog.CreateScheduler(spec, run));
            using var display = new ProgressDisplay(terminal, objective, new RunInfo(run.Name, scheduler.Method, i, spec.Runs.Count, scheduler.Population, spec.Steps, () => scheduler.Exploits));
            var runner = new ExperimentRunner(
                checkpoints,
                store,
                new RunnerOptions
                {
                    Workers = options.Workers ?? Environment.ProcessorCount,
                    Retries = run.Retries,
                    TaskTimeout = run.TimeoutSeconds > 0 ? TimeSpan.FromSeconds(run.TimeoutSeconds) : null,
                    StepsPerMember = spec.Steps,
                },
                display);
            var outcome = await runner.RunAsync(
                new RunDefinition(run.Name, SpecMapping.RunSeed(spec, run), objective, catalog.ToJson(spec, run)),
                scheduler,
                factory,
                cancellationToken).ConfigureAwait(false);
            if (outcome.Status == RunStatus.Cancelled)
            {
                terminal.Problem(directory.InterruptedMessage);
                return ExitCodes.Cancelled;
            }

            if (outcome.Status != RunStatus.Completed)
            {
                status = ExitCodes.Failure;
            }
        }

        await ExperimentSummary.WriteAsync(store, spec, directory.FullPath, cancellationToken).ConfigureAwait(false);
        await ExperimentReport.WriteAsync(store, spec, directory.FullPath, cancellationToken).ConfigureAwait(false);
        if (terminal.Verbosity != Verbosity.Quiet)
        {
            terminal.Out.WriteLine();
            ResultsTable.Write(terminal.Out, terminal.Width, spec, await ExperimentSummary.ReadAsync(store, spec, cancellationToken).ConfigureAwait(false));
        }

        terminal.Line($"Wrote {Path.Combine(directory.Display, "summary.json")}, events.csv and {ExperimentReport.FileName}");
        return status;
    }

    /// <summary><c>cohort resume DIR</c>: continues the experiment stored in the directory, with the data directory it stored.</summary>
    public async Task<int> ResumeAsync(ExperimentDirectory directory, CancellationToken cancellationToken)
    {
        ExperimentSpec spec;
        var (store, stored) = await directory.OpenExistingAsync(cancellationToken).ConfigureAwait(false);
        await using (store.ConfigureAwait(false))
        {
            spec = stored;
        }

        return await RunAsync(spec, directory, resuming: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores the spec (first), and the data directory when it was chosen (an option or COHORT_DATA) and has changed.</summary>
    private static async Task RememberAsync(SqliteExperimentStore store, string specJson, string? data, string? storedData, CancellationToken cancellationToken)
    {
        if (await store.GetMetadataAsync(ExperimentDirectory.SpecKey, cancellationToken).ConfigureAwait(false) is null)
        {
            await store.SetMetadataAsync(ExperimentDirectory.SpecKey, specJson, cancellationToken).ConfigureAwait(false);
            await store.SetMetadataAsync(ExperimentDirectory.CheckpointsKey, ExperimentDirectory.CheckpointDirectory, cancellationToken).ConfigureAwait(false);
        }

        var resolved = DataDirectory.Resolve(data);
        if (resolved.Source != DataDirectorySource.Default && !string.Equals(resolved.Root, storedData, StringComparison.Ordinal))
        {
            await store.SetMetadataAsync(ExperimentDirectory.DataKey, resolved.Root, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The data directory to use: <c>--data-dir</c>, else the one the experiment stored (when it still exists), else null (COHORT_DATA or the default).</summary>
    private string? DataRoot(string? stored) => DataRoot(options.DataDirectory, stored, terminal);

    private static string? DataRoot(string? explicitDirectory, string? stored, Terminal terminal)
    {
        if (explicitDirectory is not null)
        {
            return explicitDirectory;
        }

        if (stored is null)
        {
            return null;
        }

        if (Directory.Exists(stored))
        {
            return stored;
        }

        terminal.Problem($"warning: the data directory this experiment was run with, {stored}, does not exist here; using {DataDirectory.Resolve(null).Root} (pass --data-dir to choose).");
        return null;
    }

    /// <summary>The context in which the CLI builds trainable factories: what they say (a download) goes to the terminal.</summary>
    public static TrainableContext TrainableContextFor(ExperimentSpec spec, string? dataDirectory, Terminal terminal)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(terminal);
        var writer = terminal.Verbosity == Verbosity.Quiet ? TextWriter.Null : terminal.Out;
        return new(spec.Seed, dataDirectory, new LineLogger<TrainableContext>(writer, terminal.Verbosity == Verbosity.Verbose ? LogLevel.Debug : LogLevel.Information));
    }

    /// <summary><c>cohort replay DIR --run NAME</c>: retrains the run's best schedule from scratch and writes <c>replay-NAME.json</c>.</summary>
    public static async Task<int> ReplayAsync(ExperimentDirectory directory, string runName, string? dataDirectory, Terminal terminal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(terminal);
        var (store, spec) = await directory.OpenExistingAsync(cancellationToken).ConfigureAwait(false);
        ReplayOutcome outcome;
        await using (store.ConfigureAwait(false))
        {
            if (spec.Runs.All(r => r.Name != runName))
            {
                throw new UsageException($"{directory.Display} has no run '{runName}'; runs: {string.Join(", ", spec.Runs.Select(r => r.Name))}.");
            }

            var data = DataRoot(dataDirectory, await ExperimentDirectory.StoredDataDirectoryAsync(store, cancellationToken).ConfigureAwait(false), terminal);
            var factory = await CohortCatalog.Instance.CreateFactoryAsync(spec, TrainableContextFor(spec, data, terminal), cancellationToken).ConfigureAwait(false);
            try
            {
                outcome = await ScheduleReplay.RunAsync(spec, store, runName, factory, cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException e) when (e.ParamName == "runName")
            {
                throw new UsageException(e.Message.Split(" (Parameter", 2)[0] + $" ({directory.Display})");
            }
        }

        var metric = outcome.Metric;
        terminal.Line(string.Create(
            CultureInfo.InvariantCulture,
            $"[{runName}] replayed member {outcome.Member}'s schedule ({outcome.Segments} segments, {spec.Steps} steps) from scratch: validation {metric} {outcome.Score:G6}{(outcome.TestScore is { } ts ? $", test {metric} {ts:G6}" : "")} (the run's best member had {outcome.OriginalScore:G6}; {ResultsTable.Direction(spec.Objective)})"));
        var path = Path.Combine(directory.FullPath, $"replay-{runName}.json");
        await File.WriteAllTextAsync(path, outcome.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", cancellationToken).ConfigureAwait(false);
        terminal.Line($"Wrote {Path.Combine(directory.Display, $"replay-{runName}.json")}");
        return ExitCodes.Success;
    }

    /// <summary>
    /// Whether <paramref name="stored"/> (a directory's or database's spec JSON) is <paramref name="spec"/>: the same
    /// text, or — written by an older version in another layout — the same spec once read.
    /// </summary>
    public static bool IsStored(string stored, ExperimentSpec spec)
    {
        var catalog = CohortCatalog.Instance;
        if (string.Equals(stored, catalog.ToJson(spec), StringComparison.Ordinal))
        {
            return true;
        }

        try
        {
            return catalog.Parse(stored, "stored spec") == spec;
        }
        catch (SpecException)
        {
            return false;
        }
    }

    /// <summary>The experiment name of a stored spec, for a message; the raw JSON's when it no longer parses.</summary>
    private static string StoredExperimentName(string json, string directory)
    {
        try
        {
            return CohortCatalog.Instance.Parse(json, directory).Experiment;
        }
        catch (SpecException)
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty("experiment", out var name) ? name.GetString() ?? "?" : "?";
        }
    }
}
