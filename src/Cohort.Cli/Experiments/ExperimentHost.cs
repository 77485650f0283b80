using Cohort.Cli.Console;
using Cohort.Cli.Spec;
using Cohort.Core.Execution;
using Cohort.Core.Storage;
using Cohort.Engine.Data;
using Cohort.Storage.Sqlite;

namespace Cohort.Cli.Experiments;

/// <summary>Options of <c>cohort run</c> and <c>cohort resume</c> that are not part of the spec.</summary>
/// <param name="Workers">Worker threads; null = one per core.</param>
/// <param name="DataDirectory">Explicit data directory; null = COHORT_DATA or the default.</param>
/// <param name="Interactive">Rewrite the progress line in place (a terminal) rather than print lines.</param>
/// <param name="CommitDelay">Fault injection for crash tests: <see cref="RunnerOptions.CommitDelay"/>.</param>
internal sealed record HostOptions(int? Workers, string? DataDirectory, bool Interactive, TimeSpan CommitDelay = default);

/// <summary>
/// Runs an experiment in a directory: the SQLite store (<c>cohort.db</c>, which also holds the content-addressed
/// checkpoints), then <c>summary.json</c> and <c>events.csv</c>. Running is resuming: runs already completed
/// are skipped and a run that was interrupted continues from its stored results.
/// </summary>
internal sealed class ExperimentHost(TextWriter output, HostOptions options)
{
    public const string SpecKey = "spec";
    public const string DatabaseFile = "cohort.db";

    /// <summary>Runs (or continues) <paramref name="spec"/> in <paramref name="directory"/>; returns the process exit code.</summary>
    public async Task<int> RunAsync(ExperimentSpec spec, string directory, bool resuming, CancellationToken cancellationToken)
    {
        using var writer = RunDirectoryLock.Acquire(directory);
        await using var store = await SqliteExperimentStore.OpenAsync(Path.Combine(directory, DatabaseFile), cancellationToken: cancellationToken).ConfigureAwait(false);
        var specJson = SpecJson.Serialize(spec);
        var stored = await store.GetMetadataAsync(SpecKey, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            await store.SetMetadataAsync(SpecKey, specJson, cancellationToken).ConfigureAwait(false);
        }
        else if (!string.Equals(stored, specJson, StringComparison.Ordinal))
        {
            throw new UsageException(
                $"{directory} already holds experiment '{SpecLoader.Parse(stored, directory).Experiment}' with a different spec or seed; " +
                "continue it with 'cohort resume', or choose another --out directory.");
        }

        var data = DataDirectory.Resolve(options.DataDirectory);
        var factory = await TrainableFactories.CreateAsync(spec, data, output, cancellationToken).ConfigureAwait(false);
        await using var checkpoints = await SqliteCheckpointStore.OpenAsync(Path.Combine(directory, DatabaseFile), cancellationToken).ConfigureAwait(false);
        var objective = SpecMapping.Objective(spec);
        var completed = (await store.GetRunsAsync(cancellationToken).ConfigureAwait(false))
            .Where(r => r.Status is RunStatus.Completed or RunStatus.CompletedWithFailures)
            .ToDictionary(r => r.Name, StringComparer.Ordinal);

        var status = 0;
        foreach (var run in spec.Runs)
        {
            if (completed.TryGetValue(run.Name, out var done))
            {
                if (done.Status != RunStatus.Completed)
                {
                    status = ExitCodes.Failure;
                    output.WriteLine($"[{run.Name}] already {RunStatusNames.Name(done.Status)}: {done.Message}");
                }
                else if (resuming)
                {
                    output.WriteLine($"[{run.Name}] already completed");
                }

                continue;
            }

            var scheduler = SpecMapping.Scheduler(spec, run);
            var progress = new ConsoleProgress(output, options.Interactive, objective, spec.Steps, scheduler.Population);
            var runner = new ExperimentRunner(
                checkpoints,
                store,
                new RunnerOptions
                {
                    Workers = options.Workers ?? Environment.ProcessorCount,
                    Retries = run.Retries,
                    TaskTimeout = run.TimeoutSeconds > 0 ? TimeSpan.FromSeconds(run.TimeoutSeconds) : null,
                    StepsPerMember = spec.Steps,
                    CommitDelay = options.CommitDelay,
                },
                progress);
            var outcome = await runner.RunAsync(
                new RunDefinition(run.Name, SpecMapping.RunSeed(spec, run), objective, SpecJson.Serialize(run)),
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
        return SpecLoader.Parse(json, db + " (stored spec)");
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
