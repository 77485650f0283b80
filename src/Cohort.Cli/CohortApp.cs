using System.CommandLine;
using System.Globalization;
using Cohort.Cli.Console;
using Cohort.Cli.Experiments;
using Cohort.Core.Security;
using Cohort.Engine.Data;
using Cohort.Spec;
using Cohort.Spec.Results;
using Cohort.Storage.Sqlite;
using Spectre.Console;

namespace Cohort.Cli;

/// <summary>
/// The <c>cohort</c> command: run, resume, replay, validate, show. The only place that writes to the console.
/// Exit codes: 0 success, 1 internal failure (one line here, details in the run directory's cohort.log), 2 bad input
/// (spec, options, directory), 130 interrupted.
/// </summary>
public static class CohortApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool interactive, CancellationToken cancellationToken = default)
    {
        // Error messages may quote what the user typed, connection strings included: mask every line.
        await using var masked = new MaskingWriter(error);
        var root = Build(output, masked, interactive);
        var parse = root.Parse(args);
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = masked }, cancellationToken).ConfigureAwait(false);
    }

    private static RootCommand Build(TextWriter output, TextWriter error, bool interactive)
    {
        var root = new RootCommand("Cohort: population based training of neural networks.");

        var specArgument = new Argument<FileInfo>("spec") { Description = "The experiment spec (YAML)." };
        var outOption = new Option<DirectoryInfo?>("--out") { Description = "The experiment directory (default: runs/<experiment>)." };
        var seedOption = new Option<ulong?>("--seed") { Description = "Overrides the spec's root seed." };
        var workersOption = new Option<int?>("--workers") { Description = "Members trained at once (default: one per core)." };
        var dataOption = new Option<DirectoryInfo?>("--data-dir") { Description = $"Where datasets are looked up and downloaded (default: ${DataDirectory.EnvironmentVariable} or {DataDirectory.DefaultRoot})." };
        var dirArgument = new Argument<DirectoryInfo>("dir") { Description = "An experiment directory written by 'cohort run'." };
        var runOption = new Option<string>("--run") { Description = "The run whose best schedule to replay.", Required = true };

        var run = new Command("run", "Run every method of an experiment spec and write summary.json, cohort.db and events.csv.")
        {
            specArgument, outOption, seedOption, workersOption, dataOption,
        };
        var distributed = DistributedOptionsSet.Create();
        distributed.AddTo(run);
        run.SetAction((parse, ct) => Guard(error, parse.GetValue(outOption)?.FullName, async () =>
        {
            var spec = CohortCatalog.Instance.Load(parse.GetValue(specArgument)!.FullName);
            if (parse.GetValue(seedOption) is { } seed)
            {
                spec = spec with { Seed = seed };
            }

            var workers = CheckWorkers(parse.GetValue(workersOption));
            var directory = parse.GetValue(outOption)?.FullName ?? Path.Combine("runs", spec.Experiment);
            if (distributed.Resolve(parse, parse.GetValue(dataOption)?.FullName, interactive) is { } shared)
            {
                return await new DistributedHost(output, shared).RunAsync(spec, directory, ct).ConfigureAwait(false);
            }

            var host = new ExperimentHost(output, new HostOptions(workers, parse.GetValue(dataOption)?.FullName, interactive));
            return await host.RunAsync(spec, directory, resuming: false, ct).ConfigureAwait(false);
        }));

        var resume = new Command("resume", "Continue an interrupted experiment from its last consistent state.")
        {
            dirArgument, workersOption, dataOption,
        };
        resume.SetAction((parse, ct) => Guard(error, parse.GetValue(dirArgument)?.FullName, async () =>
        {
            var directory = parse.GetValue(dirArgument)!.FullName;
            var spec = await ExperimentHost.ReadStoredSpecAsync(directory, ct).ConfigureAwait(false);
            var host = new ExperimentHost(output, new HostOptions(CheckWorkers(parse.GetValue(workersOption)), parse.GetValue(dataOption)?.FullName, interactive));
            return await host.RunAsync(spec, directory, resuming: true, ct).ConfigureAwait(false);
        }));

        var replay = new Command("replay", "Retrain from scratch following the best member's schedule of a run, and report its score.")
        {
            dirArgument, runOption, dataOption,
        };
        replay.SetAction((parse, ct) => Guard(error, parse.GetValue(dirArgument)?.FullName, () =>
            ExperimentHost.ReplayAsync(parse.GetValue(dirArgument)!.FullName, parse.GetValue(runOption)!, parse.GetValue(dataOption)?.FullName, output, ct)));

        var validate = new Command("validate", "Check a spec without training anything.") { specArgument };
        validate.SetAction((parse, ct) => Guard(error, null, () =>
        {
            var path = parse.GetValue(specArgument)!.FullName;
            var spec = CohortCatalog.Instance.Load(path);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{path}: valid — experiment '{spec.Experiment}', {spec.Runs.Count} runs ({string.Join(", ", spec.Runs.Select(r => $"{r.Name}: {r.Method} x{PopulationOf(spec, r)}"))}), {spec.Steps} steps per member"));
            return Task.FromResult(ExitCodes.Success);
        }));

        var show = new Command("show", "Show the runs of an experiment directory as a table.") { dirArgument };
        show.SetAction((parse, ct) => Guard(error, null, () => ShowAsync(parse.GetValue(dirArgument)!.FullName, output, ct)));

        var report = new Command("report", "Regenerate DIR/report.html (charts and tables) from the experiment's store.") { dirArgument };
        report.SetAction((parse, ct) => Guard(error, null, () => ExperimentReport.RegenerateAsync(parse.GetValue(dirArgument)!.FullName, output, ct)));

        root.Subcommands.Add(run);
        root.Subcommands.Add(resume);
        root.Subcommands.Add(replay);
        root.Subcommands.Add(validate);
        root.Subcommands.Add(show);
        root.Subcommands.Add(report);
        root.Subcommands.Add(DistributedOptionsSet.WorkerCommand(output, error, interactive, dataOption));
        root.Subcommands.Add(DashboardCommand.Create(output, error));
        return root;
    }

    private static int PopulationOf(ExperimentSpec spec, RunSpec run) => CohortCatalog.Instance.CreateScheduler(spec, run).Population;

    private static int? CheckWorkers(int? workers) =>
        workers is < 1 ? throw new UsageException($"--workers must be at least 1 (got {workers}).") : workers;

    private static async Task<int> ShowAsync(string directory, TextWriter output, CancellationToken cancellationToken)
    {
        var spec = await ExperimentHost.ReadStoredSpecAsync(directory, cancellationToken).ConfigureAwait(false);
        await using var store = await SqliteExperimentStore.OpenAsync(Path.Combine(directory, ExperimentHost.DatabaseFile), cancellationToken: cancellationToken).ConfigureAwait(false);
        var runs = await ExperimentSummary.ReadAsync(store, spec, cancellationToken).ConfigureAwait(false);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = Math.Max(console.Profile.Width, 160);
        var table = new Table().Title($"{spec.Experiment} (seed {spec.Seed})");
        foreach (var column in new[] { "run", "method", "status", "population", "total steps", $"best {spec.Objective.Metric}", "test", "member", "wall s" })
        {
            table.AddColumn(column);
        }

        foreach (var r in runs)
        {
            table.AddRow(
                r.Name, r.Method, r.Status.ToString().ToLowerInvariant(),
                I(r.Population), I(r.TotalSteps), F(r.BestScore), F(r.BestTestScore),
                r.BestMember is { } m ? I(m) : "—", r.WallSeconds.ToString("F1", CultureInfo.InvariantCulture));
        }

        console.Write(table);
        return ExitCodes.Success;

        static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
        static string F(double? v) => v is { } x ? x.ToString("G6", CultureInfo.InvariantCulture) : "—";
    }

    /// <summary>Maps failures to exit codes: bad input → 2 with every problem listed; anything else → 1 with one line, details logged.</summary>
    internal static async Task<int> Guard(TextWriter error, string? directory, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (SpecException ex)
        {
            foreach (var e in ex.Errors)
            {
                await error.WriteLineAsync(e.ToString()).ConfigureAwait(false);
            }

            await error.WriteLineAsync($"{ex.Errors.Count} problem{(ex.Errors.Count == 1 ? "" : "s")} in the spec; nothing was trained.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (Exception ex) when (ex is UsageException or DatasetException or FileNotFoundException or DirectoryNotFoundException)
        {
            await error.WriteLineAsync($"cohort: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("cohort: interrupted.").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (Exception ex)
        {
            var log = WriteLog(directory, ex);
            await error.WriteLineAsync($"cohort: internal error: {ex.Message}{(log is null ? "" : $" (details in {log})")}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    private static string? WriteLog(string? directory, Exception ex)
    {
        try
        {
            var dir = directory is not null && Directory.Exists(directory) ? directory : Path.GetTempPath();
            var path = Path.Combine(dir, "cohort.log");
            File.AppendAllText(path, $"{DateTimeOffset.UtcNow:O} {SecretMasker.Mask(ex.ToString())}\n");
            return path;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
