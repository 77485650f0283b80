using System.Globalization;
using System.Text.Json;
using Cohort.Cli.Console;
using Cohort.Core.Execution;
using Cohort.Core.Storage;
using Cohort.Spec;
using Cohort.Spec.Results;
using Cohort.Spec.Sections;
using Cohort.Storage.Sqlite;
using Microsoft.Extensions.Logging;

namespace Cohort.Cli.Experiments;

/// <summary>Options of <c>cohort run</c> and <c>cohort resume</c> that are not part of the spec.</summary>
/// <param name="Workers">Members trained at once; null = as many as fit the cores (<see cref="WorkerBudget"/>).</param>
/// <param name="DataDirectory">Explicit data directory; null = COHORT_DATA or the default.</param>
/// <param name="Interactive">Rewrite the progress line in place (a terminal) rather than print lines.</param>
internal sealed record HostOptions(int? Workers, string? DataDirectory, bool Interactive);

/// <summary>
/// Runs an experiment in a directory: the SQLite store (<c>cohort.db</c>), content-addressed checkpoints
/// (<c>checkpoints/</c>), then <c>summary.json</c> and <c>events.csv</c>. Running is resuming: runs already completed
/// are skipped and a run that was interrupted continues from its stored results.
/// </summary>
internal sealed class ExperimentHost(TextWriter output, HostOptions options)
{
    public const string SpecKey = "spec";
    public const string DatabaseFile = "cohort.db";
    public const string CheckpointDirectory = "checkpoints";

    /// <summary>Runs (or continues) <paramref name="spec"/> in <paramref name="directory"/>; returns the process exit code.</summary>
    public async Task<int> RunAsync(ExperimentSpec spec, string directory, bool resuming, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await using var store = await SqliteExperimentStore.OpenAsync(Path.Combine(directory, DatabaseFile), cancellationToken: cancellationToken).ConfigureAwait(false);
        var catalog = CohortCatalog.Instance;
        var specJson = catalog.ToJson(spec);
        var stored = await store.GetMetadataAsync(SpecKey, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            await store.SetMetadataAsync(SpecKey, specJson, cancellationToken).ConfigureAwait(false);
        }
        else if (!IsStored(stored, spec))
        {
            throw new UsageException(
                $"{directory} already holds experiment '{StoredExperimentName(stored, directory)}' with a different spec or seed; " +
                "continue it with 'cohort resume', or choose another --out directory.");
        }

        var factory = await catalog.CreateFactoryAsync(spec, TrainableContextFor(spec, options.DataDirectory, output), cancellationToken).ConfigureAwait(false);
        var checkpoints = new FileCheckpointStore(Path.Combine(directory, CheckpointDirectory));
        var workers = WorkerBudget.Choose(options.Workers, factory.ThreadsPerTrainable, Environment.ProcessorCount, output);
        var objective = spec.Objective;
        var completed = (await store.GetRunsAsync(cancellationToken).ConfigureAwait(false))
            .Where(r => r.Status == RunStatus.Completed)
            .Select(r => r.Name)
            .ToHashSet(StringComparer.Ordinal);

        var status = 0;
        foreach (var run in spec.Runs)
        {
            if (completed.Contains(run.Name))
            {
                if (resuming)
                {
                    output.WriteLine($"[{run.Name}] already completed");
                }

                continue;
            }

            var scheduler = catalog.CreateScheduler(spec, run);
            var progress = new ConsoleProgress(output, options.Interactive, objective, spec.Steps, scheduler.Population);
            var runner = new ExperimentRunner(
                checkpoints,
                store,
                new RunnerOptions
                {
                    Workers = workers,
                    Retries = run.Retries,
                    TaskTimeout = run.TimeoutSeconds > 0 ? TimeSpan.FromSeconds(run.TimeoutSeconds) : null,
                    StepsPerMember = spec.Steps,
                },
                progress);
            var outcome = await runner.RunAsync(
                new RunDefinition(run.Name, SpecMapping.RunSeed(spec, run), objective, catalog.ToJson(spec, run)),
                scheduler,
                factory,
                cancellationToken).ConfigureAwait(false);
            if (outcome.Status == RunStatus.Cancelled)
            {
                output.WriteLine($"Interrupted. Continue with: cohort resume {directory}");
                return ExitCodes.Cancelled;
            }

            if (outcome.Status != RunStatus.Completed)
            {
                status = ExitCodes.Failure;
            }
            else
            {
                await RunSamples.StoreAsync(store, factory, checkpoints.Read, run.Name, objective, output, cancellationToken).ConfigureAwait(false);
            }
        }

        await ExperimentSummary.WriteAsync(store, spec, directory, cancellationToken).ConfigureAwait(false);
        await ExperimentReport.WriteAsync(store, spec, directory, cancellationToken).ConfigureAwait(false);
        output.WriteLine($"Wrote {Path.Combine(directory, "summary.json")}, events.csv and {ExperimentReport.FileName}");
        return status;
    }

    /// <summary>Reads the spec stored in an experiment directory.</summary>
    public static async Task<ExperimentSpec> ReadStoredSpecAsync(string directory, CancellationToken cancellationToken)
    {
        var db = Path.Combine(directory, DatabaseFile);
        if (!File.Exists(db))
        {
            throw new UsageException($"{directory} holds no experiment ({DatabaseFile} not found).");
        }

        await using var store = await SqliteExperimentStore.OpenAsync(db, cancellationToken: cancellationToken).ConfigureAwait(false);
        var json = await store.GetMetadataAsync(SpecKey, cancellationToken).ConfigureAwait(false)
            ?? throw new UsageException($"{db} holds no spec: it was not written by 'cohort run'.");
        return CohortCatalog.Instance.Parse(json, db + " (stored spec)");
    }

    /// <summary>The context in which the CLI builds trainable factories: messages (a download) go to <paramref name="output"/>.</summary>
    public static TrainableContext TrainableContextFor(ExperimentSpec spec, string? dataDirectory, TextWriter output) =>
        new(spec.Seed, dataDirectory, new LineLogger<TrainableContext>(output, LogLevel.Information));

    /// <summary><c>cohort replay DIR --run NAME</c>: retrains the run's best schedule from scratch and writes <c>replay-NAME.json</c>.</summary>
    public static async Task<int> ReplayAsync(string directory, string runName, string? dataDirectory, TextWriter output, CancellationToken cancellationToken)
    {
        var spec = await ReadStoredSpecAsync(directory, cancellationToken).ConfigureAwait(false);
        if (spec.Runs.All(r => r.Name != runName))
        {
            throw new UsageException($"{directory} has no run '{runName}'; runs: {string.Join(", ", spec.Runs.Select(r => r.Name))}.");
        }

        var factory = await CohortCatalog.Instance.CreateFactoryAsync(spec, TrainableContextFor(spec, dataDirectory, output), cancellationToken).ConfigureAwait(false);
        ReplayOutcome outcome;
        await using (var store = await SqliteExperimentStore.OpenAsync(Path.Combine(directory, DatabaseFile), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            try
            {
                outcome = await ScheduleReplay.RunAsync(spec, store, runName, factory, cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException e) when (e.ParamName == "runName")
            {
                throw new UsageException(e.Message.Split(" (Parameter", 2)[0] + $" ({directory})");
            }
        }

        var metric = outcome.Metric;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"[{runName}] replayed member {outcome.Member}'s schedule ({outcome.Segments} segments, {spec.Steps} steps) from scratch: validation {metric} {outcome.Score:G6}{(outcome.TestScore is { } ts ? $", test {metric} {ts:G6}" : "")} (the run's best member had {outcome.OriginalScore:G6})"));
        var path = Path.Combine(directory, $"replay-{runName}.json");
        await File.WriteAllTextAsync(path, outcome.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", cancellationToken).ConfigureAwait(false);
        output.WriteLine($"Wrote {path}");
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

/// <summary>A problem with what the user asked for (exit code 2), as opposed to an internal failure.</summary>
internal sealed class UsageException(string message) : Exception(message);

internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int Cancelled = 130;
}
