using System.Globalization;
using Cohort.Cli.Console;
using Cohort.Core.Execution;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Trainables;
using Cohort.Spec;
using Cohort.Spec.Results;
using Cohort.Storage.Postgres;
using Microsoft.Extensions.Logging;

namespace Cohort.Cli.Experiments;

/// <summary>Options of <c>cohort run --storage</c> and <c>cohort worker</c>.</summary>
/// <param name="Storage">The PostgreSQL database.</param>
/// <param name="Checkpoints">A checkpoint directory every worker reaches (same path on every machine); null: the database (or what the experiment recorded).</param>
/// <param name="DataDirectory">Explicit data directory; null = the one the experiment stored (when it exists on this machine), else COHORT_DATA or the default.</param>
/// <param name="Lease">Claim lease; null = 30 s.</param>
/// <param name="TrainDelay">Fault injection: sleep before every Train call.</param>
/// <param name="DecisionDelay">Fault injection: hold the run lock this long in a decision transaction.</param>
internal sealed record DistributedOptions(
    StorageLocation Storage,
    string? Checkpoints,
    string? DataDirectory,
    TimeSpan? Lease,
    TimeSpan TrainDelay,
    TimeSpan DecisionDelay);

/// <summary>
/// Runs an experiment whose store is PostgreSQL, as one of any number of worker processes (docs/distributed.md).
/// <c>cohort run SPEC --storage …</c> creates the experiment (spec, runs, checkpoint location), works like any worker,
/// and when every run is complete writes <c>summary.json</c>, <c>events.csv</c> and the report to <c>--out</c>,
/// exactly as an embedded run does. <c>cohort worker --storage …</c> joins from any machine and leaves when the
/// experiment is complete. Runs are worked on in spec order.
/// </summary>
internal sealed class DistributedHost(Terminal terminal, DistributedOptions options)
{
    /// <summary>Metadata value of <see cref="ExperimentDirectory.CheckpointsKey"/>: checkpoints live in the database.</summary>
    public const string DatabaseCheckpoints = "database";

    private TextWriter Output => terminal.Out;

    /// <summary><c>cohort run SPEC --storage</c>: create or rejoin the experiment, work, then write the summary.</summary>
    public async Task<int> RunAsync(ExperimentSpec spec, ExperimentDirectory directory, CancellationToken cancellationToken)
    {
        await using var store = await OpenAsync(spec.Experiment, cancellationToken).ConfigureAwait(false);
        var catalog = CohortCatalog.Instance;
        var specJson = catalog.ToJson(spec);
        var stored = await store.GetMetadataAsync(ExperimentDirectory.SpecKey, cancellationToken).ConfigureAwait(false);
        if (stored is not null && !ExperimentHost.IsStored(stored, spec))
        {
            throw new UsageException(
                $"{options.Storage.Display} already holds experiment '{spec.Experiment}' with a different spec or seed; rename the experiment or use another database.");
        }

        var location = options.Checkpoints is { } dir ? Path.GetFullPath(dir) : DatabaseCheckpoints;
        if (await store.GetMetadataAsync(ExperimentDirectory.CheckpointsKey, cancellationToken).ConfigureAwait(false) is null)
        {
            await store.SetMetadataAsync(ExperimentDirectory.CheckpointsKey, location, cancellationToken).ConfigureAwait(false);
        }

        if (options.DataDirectory is { } data)
        {
            await store.SetMetadataAsync(ExperimentDirectory.DataKey, Path.GetFullPath(data), cancellationToken).ConfigureAwait(false);
        }

        // The output folder says where the experiment lives, so that `cohort resume DIR` can tell how to continue it.
        directory.Prepare();
        directory.WriteStorageMarker(spec.Experiment, options.Storage.Display);

        // Runs first, then the spec: a worker that sees the spec sees every run.
        foreach (var run in spec.Runs)
        {
            var scheduler = catalog.CreateScheduler(spec, run);
            await store.CreateRunAsync(new RunRecord(run.Name, scheduler.Method, catalog.ToJson(spec, run)), cancellationToken).ConfigureAwait(false);
        }

        if (stored is null)
        {
            await store.SetMetadataAsync(ExperimentDirectory.SpecKey, specJson, cancellationToken).ConfigureAwait(false);
        }

        terminal.Line($"Experiment '{spec.Experiment}' in {options.Storage.Display}; join with: cohort worker --storage <url> --experiment {spec.Experiment}");
        var status = await WorkAsync(store, spec, cancellationToken).ConfigureAwait(false);
        if (status != ExitCodes.Success)
        {
            return status;
        }

        await ExperimentSummary.WriteAsync(store, spec, directory.FullPath, cancellationToken).ConfigureAwait(false);
        await ExperimentReport.WriteAsync(store, spec, directory.FullPath, cancellationToken).ConfigureAwait(false);
        if (terminal.Verbosity != Verbosity.Quiet)
        {
            Output.WriteLine();
            ResultsTable.Write(Output, terminal.Width, spec, await ExperimentSummary.ReadAsync(store, spec, cancellationToken).ConfigureAwait(false));
        }

        terminal.Line($"Wrote {Path.Combine(directory.Display, "summary.json")}, events.csv and {ExperimentReport.FileName}");
        return ExitCodes.Success;
    }

    /// <summary>
    /// <c>cohort worker</c>: work on <paramref name="experiment"/> (waiting for it to be created), or on every
    /// experiment of the database that is not complete, oldest first; return when there is nothing left.
    /// </summary>
    public async Task<int> WorkerAsync(string? experiment, CancellationToken cancellationToken)
    {
        if (experiment is not null)
        {
            return await WorkOnAsync(experiment, wait: true, cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<string> names;
        await using (var dataSource = Npgsql.NpgsqlDataSource.Create(PostgresConnection.ToNpgsql(options.Storage.ConnectionString)))
        {
            names = await PostgresExperimentStore.ListExperimentsAsync(dataSource, ExperimentDirectory.SpecKey, cancellationToken).ConfigureAwait(false);
        }

        var worked = 0;
        foreach (var name in names)
        {
            var status = await WorkOnAsync(name, wait: false, cancellationToken).ConfigureAwait(false);
            if (status != ExitCodes.Success)
            {
                return status;
            }

            worked++;
        }

        if (worked == 0)
        {
            terminal.Line($"No experiment in {options.Storage.Display}; start one with: cohort run SPEC --storage <url>");
        }

        return ExitCodes.Success;
    }

    private async Task<int> WorkOnAsync(string experiment, bool wait, CancellationToken cancellationToken)
    {
        await using var store = await OpenAsync(experiment, cancellationToken).ConfigureAwait(false);
        string? json;
        var announced = false;
        while ((json = await store.GetMetadataAsync(ExperimentDirectory.SpecKey, cancellationToken).ConfigureAwait(false)) is null)
        {
            if (!wait)
            {
                return ExitCodes.Success;
            }

            if (!announced)
            {
                terminal.Line($"Waiting for experiment '{experiment}' to be created in {options.Storage.Display} (cohort run SPEC --storage …)");
                announced = true;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }

        var spec = CohortCatalog.Instance.Parse(json, $"{options.Storage.Display} (experiment '{experiment}')");
        return await WorkAsync(store, spec, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Works on every run of the experiment that is not complete, in spec order.</summary>
    private async Task<int> WorkAsync(PostgresExperimentStore store, ExperimentSpec spec, CancellationToken cancellationToken)
    {
        var checkpoints = await CheckpointsAsync(store, cancellationToken).ConfigureAwait(false);
        var catalog = CohortCatalog.Instance;
        var storedData = await store.GetMetadataAsync(ExperimentDirectory.DataKey, cancellationToken).ConfigureAwait(false);
        var data = options.DataDirectory ?? (storedData is not null && Directory.Exists(storedData) ? storedData : null);
        var factory = await catalog.CreateFactoryAsync(spec, ExperimentHost.TrainableContextFor(spec, data, terminal), cancellationToken).ConfigureAwait(false);
        if (options.TrainDelay > TimeSpan.Zero)
        {
            factory = new SlowTrainableFactory(factory, options.TrainDelay);
        }

        var objective = spec.Objective;
        var logger = new LineLogger<DistributedWorker>(Output, terminal.Verbosity == Verbosity.Verbose ? LogLevel.Debug : LogLevel.Warning);
        var workerOptions = new DistributedWorkerOptions
        {
            StepsPerMember = spec.Steps,
            DecisionDelay = options.DecisionDelay,
        };
        if (options.Lease is { } lease)
        {
            workerOptions = workerOptions with { Lease = lease, Heartbeat = lease / 3 };
        }

        terminal.Line(string.Create(CultureInfo.InvariantCulture, $"Worker {workerOptions.Owner} on experiment '{spec.Experiment}'"));
        var completed = (await store.GetRunsAsync(cancellationToken).ConfigureAwait(false))
            .Where(r => r.Status == RunStatus.Completed)
            .Select(r => r.Name)
            .ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < spec.Runs.Count; i++)
        {
            var run = spec.Runs[i];
            if (completed.Contains(run.Name))
            {
                continue;
            }

            // The worker rebuilds its scheduler from the store from time to time: the display counts the latest one's decisions.
            var latest = new DecisionCounter(catalog.CreateScheduler(spec, run));
            var info = new RunInfo(run.Name, latest.Method, i, spec.Runs.Count, latest.Population, spec.Steps, () => latest.Exploits);
            using var display = new ProgressDisplay(terminal, objective, info);
            var worker = new DistributedWorker(store, checkpoints, workerOptions with { Retries = run.Retries }, display, logger: logger);
            var outcome = await worker.RunAsync(
                new RunDefinition(run.Name, SpecMapping.RunSeed(spec, run), objective, catalog.ToJson(spec, run)),
                () => latest = new DecisionCounter(catalog.CreateScheduler(spec, run)),
                factory,
                cancellationToken).ConfigureAwait(false);
            if (outcome.Status == RunStatus.Cancelled)
            {
                terminal.Problem($"interrupted; the other workers carry on. Rejoin with `cohort worker --storage <url> --experiment {spec.Experiment}`.");
                return ExitCodes.Cancelled;
            }
        }

        return ExitCodes.Success;
    }

    private async Task<ICheckpointStore> CheckpointsAsync(PostgresExperimentStore store, CancellationToken cancellationToken)
    {
        var location = options.Checkpoints is { } dir
            ? Path.GetFullPath(dir)
            : await store.GetMetadataAsync(ExperimentDirectory.CheckpointsKey, cancellationToken).ConfigureAwait(false) ?? DatabaseCheckpoints;
        return string.Equals(location, DatabaseCheckpoints, StringComparison.Ordinal)
            ? new PostgresCheckpointStore(store.DataSource, store.Experiment)
            : new FileCheckpointStore(location);
    }

    private async Task<PostgresExperimentStore> OpenAsync(string experiment, CancellationToken cancellationToken)
    {
        try
        {
            return await PostgresExperimentStore.OpenAsync(options.Storage.ConnectionString, experiment, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Npgsql.NpgsqlException ex)
        {
            // Npgsql's messages name the host and user, never the password.
            throw new UsageException($"Cannot open {options.Storage.Display}: {ex.Message}");
        }
    }
}
