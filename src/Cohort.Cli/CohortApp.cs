using System.CommandLine;
using System.Globalization;
using Cohort.Cli.Console;
using Cohort.Cli.Experiments;
using Cohort.Cli.Export;
using Cohort.Core.Storage;
using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Spec;
using Cohort.Spec.Results;
using Microsoft.Data.Sqlite;

namespace Cohort.Cli;

/// <summary>
/// The <c>cohort</c> command: run, resume, replay, validate, show, report, export, worker. The only place that writes
/// to the console. Exit codes (<see cref="ExitCodes"/>): 0 success, 1 internal failure or failed run (one line here,
/// details in the run directory's cohort.log), 2 bad input (spec, options, files, directory) or a trainable this system cannot run
/// (<see cref="PlatformNotSupportedException"/>: for example LibTorch that does not load), 130 interrupted.
/// </summary>
internal static class CohortApp
{
    /// <summary>Runs the command line <paramref name="args"/>; returns the exit code.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error (every line is passed through the secret masker).</param>
    /// <param name="interactive">Whether <paramref name="output"/> is a terminal: a live display redrawn in place, lines fitted to its width.</param>
    /// <param name="width">The terminal's width now (it may change); null: 80 on a terminal.</param>
    /// <param name="cancellationToken">Cancelled by Ctrl+C: the command stops with a consistent store and exit code 130.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool interactive, Func<int>? width = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        // Error messages may quote what the user typed, connection strings included: mask every line.
        await using var masked = new MaskingWriter(error);
        var root = Build(output, masked, interactive, width ?? (() => 80));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var problem in parse.Errors)
            {
                await masked.WriteLineAsync("cohort: " + problem.Message).ConfigureAwait(false);
            }

            await masked.WriteLineAsync($"Run 'cohort {parse.CommandResult.Command.Name} --help' for its options.".Replace("cohort cohort ", "cohort ", StringComparison.Ordinal)).ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        // Ctrl+C is the caller's (Program's InterruptSignal): the parser must not install its own handler, which would
        // end the process two seconds later without the resume hint.
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = masked, ProcessTerminationTimeout = null }, cancellationToken).ConfigureAwait(false);
    }

    private static RootCommand Build(TextWriter output, TextWriter error, bool interactive, Func<int> width)
    {
        var root = new RootCommand("Cohort: population based training of neural networks.");
        var verbosity = new VerbosityOptions();
        Terminal TerminalFor(ParseResult parse) => new(output, error, interactive, width, verbosity.Peek(parse));

        var specArgument = new Argument<FileInfo>("spec") { Description = "The experiment spec (YAML)." };
        var outOption = new Option<DirectoryInfo?>("--out") { Description = "The experiment directory (default: runs/<experiment>)." };
        var seedOption = new Option<ulong?>("--seed") { Description = "Overrides the spec's root seed." };
        var setOption = new Option<string[]>("--set")
        {
            Description = "Overrides a key of the spec, validated like the file and stored with the experiment: --set steps=500, --set runs[1].population=8, --set runs.pbt-6.exploit.fraction=0.25 (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var runsOption = new Option<string?>("--runs") { Description = "Runs only the named runs of the spec, comma-separated: --runs grid,pbt-6." };
        var overwriteOption = new Option<bool>("--overwrite") { Description = "Deletes the experiment already in --out (its store, checkpoints, outputs and log; nothing else) and starts afresh." };
        var workersOption = new Option<int?>("--workers") { Description = "Members trained at once (default: as many as fit the cores, given the threads each member uses)." };
        var dataOption = new Option<DirectoryInfo?>("--data-dir")
        {
            Description = $"Where datasets are looked up and downloaded (default: the one the experiment was run with, else ${DataDirectory.EnvironmentVariable} or {DataDirectory.DefaultRoot}); stored with the experiment.",
        };
        var dirArgument = new Argument<DirectoryInfo>("dir") { Description = "An experiment directory written by 'cohort run'." };
        var commitDelay = new Option<int>("--fault-commit-delay-ms") { Hidden = true };
        var runOption = new Option<string>("--run") { Description = "The run whose best schedule to replay.", Required = true };

        ExperimentSpec LoadSpec(ParseResult parse)
        {
            var overrides = (parse.GetValue(setOption) ?? []).Select(SpecOverride.Parse).ToList();
            var spec = CohortCatalog.Instance.Load(parse.GetValue(specArgument)!.FullName, overrides);
            if (parse.GetValue(seedOption) is { } seed)
            {
                spec = spec with { Seed = seed };
            }

            return parse.GetValue(runsOption) is { } runs ? SelectRuns(spec, runs) : spec;
        }

        var run = new Command("run", "Run every method of an experiment spec and write summary.json, report.html, cohort.db and events.csv.")
        {
            specArgument, outOption, seedOption, setOption, runsOption, overwriteOption, workersOption, dataOption, commitDelay,
        };
        var distributed = DistributedOptionsSet.Create();
        distributed.AddTo(run);
        verbosity.AddTo(run);
        run.SetAction((parse, ct) =>
        {
            var terminal = TerminalFor(parse);
            var given = parse.GetValue(outOption);
            ExperimentDirectory? target = given is null ? null : new ExperimentDirectory(given.ToString());
            return Guard(terminal, () => target, async () =>
            {
                verbosity.Resolve(parse);
                var spec = LoadSpec(parse);
                var workers = CheckWorkers(parse.GetValue(workersOption));
                var directory = target ??= new ExperimentDirectory(Path.Combine("runs", spec.Experiment));
                if (distributed.Resolve(parse, parse.GetValue(dataOption)?.FullName) is { } shared)
                {
                    return await new DistributedHost(terminal, shared).RunAsync(spec, directory, ct).ConfigureAwait(false);
                }

                var host = new ExperimentHost(terminal, new HostOptions(workers, parse.GetValue(dataOption)?.FullName, parse.GetValue(overwriteOption), distributed.TrainDelay(parse), FaultDelay(parse.GetValue(commitDelay))));
                return await host.RunAsync(spec, directory, resuming: false, ct).ConfigureAwait(false);
            });
        });

        var resume = new Command("resume", "Continue an interrupted experiment from its last consistent state (with the data directory it was run with).")
        {
            dirArgument, workersOption, dataOption, commitDelay,
        };
        verbosity.AddTo(resume);
        resume.SetAction((parse, ct) =>
        {
            var terminal = TerminalFor(parse);
            var directory = new ExperimentDirectory(parse.GetValue(dirArgument)!.ToString());
            return Guard(terminal, directory, () =>
            {
                verbosity.Resolve(parse);
                var host = new ExperimentHost(terminal, new HostOptions(CheckWorkers(parse.GetValue(workersOption)), parse.GetValue(dataOption)?.FullName, CommitDelay: FaultDelay(parse.GetValue(commitDelay))));
                return host.ResumeAsync(directory, ct);
            });
        });

        var replay = new Command("replay", "Retrain from scratch following the best member's schedule of a run, and report its score.")
        {
            dirArgument, runOption, dataOption,
        };
        verbosity.AddTo(replay);
        replay.SetAction((parse, ct) =>
        {
            var terminal = TerminalFor(parse);
            var directory = new ExperimentDirectory(parse.GetValue(dirArgument)!.ToString());
            return Guard(terminal, directory, () =>
            {
                verbosity.Resolve(parse);
                return ExperimentHost.ReplayAsync(directory, parse.GetValue(runOption)!, parse.GetValue(dataOption)?.FullName, terminal, ct);
            });
        });

        var validate = new Command("validate", "Check a spec without training anything.") { specArgument, setOption, runsOption };
        validate.SetAction((parse, ct) => Guard(TerminalFor(parse), (ExperimentDirectory?)null, () =>
        {
            var path = parse.GetValue(specArgument)!.FullName;
            var spec = LoadSpec(parse);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{path}: valid — experiment '{spec.Experiment}', {spec.Runs.Count} run{(spec.Runs.Count == 1 ? "" : "s")} ({string.Join(", ", spec.Runs.Select(r => $"{r.Name}: {r.Method} x{PopulationOf(spec, r)}"))}), {spec.Steps} steps per member, {spec.Objective.Metric}: {ResultsTable.Direction(spec.Objective)}"));
            return Task.FromResult(ExitCodes.Success);
        }));

        var show = new Command("show", "Show the runs of an experiment directory as a table.") { dirArgument };
        show.SetAction((parse, ct) =>
        {
            var terminal = TerminalFor(parse);
            var directory = new ExperimentDirectory(parse.GetValue(dirArgument)!.ToString());
            return Guard(terminal, directory, () => ShowAsync(directory, terminal, ct));
        });

        var report = new Command("report", "Regenerate DIR/report.html (charts and tables) from the experiment's store.") { dirArgument };
        report.SetAction((parse, ct) =>
        {
            var directory = new ExperimentDirectory(parse.GetValue(dirArgument)!.ToString());
            return Guard(TerminalFor(parse), directory, () => ExperimentReport.RegenerateAsync(directory, output, ct));
        });

        var formatOption = new Option<ExportFormat>("--format") { Description = "csv (one row per evaluation), jsonl (one JSON object per evaluation) or tensorboard (event files, one folder per run and member).", DefaultValueFactory = _ => ExportFormat.Csv };
        var exportOutOption = new Option<string?>("--output", "-o") { Description = "Where to write (default: DIR/export/evaluations.csv, DIR/export/evaluations.jsonl or DIR/export/tensorboard)." };
        var export = new Command("export", "Export every evaluation of an experiment as a tidy table (one column per hyperparameter and metric, with lineage) or TensorBoard event files.")
        {
            dirArgument, formatOption, exportOutOption,
        };
        verbosity.AddTo(export);
        export.SetAction((parse, ct) =>
        {
            var terminal = TerminalFor(parse);
            var directory = new ExperimentDirectory(parse.GetValue(dirArgument)!.ToString());
            return Guard(terminal, directory, () => ExperimentExport.RunAsync(directory, parse.GetValue(formatOption), parse.GetValue(exportOutOption), terminal, ct));
        });

        root.Subcommands.Add(run);
        root.Subcommands.Add(resume);
        root.Subcommands.Add(replay);
        root.Subcommands.Add(validate);
        root.Subcommands.Add(show);
        root.Subcommands.Add(report);
        root.Subcommands.Add(export);
        root.Subcommands.Add(DistributedOptionsSet.WorkerCommand(dataOption, verbosity, TerminalFor));
        root.Subcommands.Add(DashboardCommand.Create(TerminalFor));
        return root;
    }

    /// <summary>The spec with only the runs named in <paramref name="names"/> (comma-separated, in the spec's order).</summary>
    internal static ExperimentSpec SelectRuns(ExperimentSpec spec, string names)
    {
        var wanted = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var known = spec.Runs.Select(r => r.Name).ToList();
        var unknown = wanted.Where(w => !known.Contains(w, StringComparer.Ordinal)).ToList();
        if (wanted.Length == 0 || unknown.Count > 0)
        {
            var problems = unknown.Select(u => NameSuggestions.DidYouMean(u, known) is { Length: > 0 } hint ? $"'{u}'{hint}" : $"'{u}'");
            throw new UsageException(wanted.Length == 0
                ? $"--runs names no run; the spec's runs: {string.Join(", ", known)}."
                : $"--runs: the spec has no run {string.Join(", ", problems)}; its runs: {string.Join(", ", known)}.");
        }

        return spec with { Runs = SpecList<RunSpec>.From(spec.Runs.Where(r => wanted.Contains(r.Name, StringComparer.Ordinal))) };
    }

    private static TimeSpan FaultDelay(int milliseconds) => TimeSpan.FromMilliseconds(Math.Max(0, milliseconds));

    private static int PopulationOf(ExperimentSpec spec, RunSpec run) => CohortCatalog.Instance.CreateScheduler(spec, run).Population;

    private static int? CheckWorkers(int? workers) =>
        workers is < 1 ? throw new UsageException($"--workers must be at least 1 (got {workers}).") : workers;

    private static async Task<int> ShowAsync(ExperimentDirectory directory, Terminal terminal, CancellationToken cancellationToken)
    {
        var (store, spec) = await directory.OpenExistingAsync(cancellationToken).ConfigureAwait(false);
        await using (store.ConfigureAwait(false))
        {
            var runs = await ExperimentSummary.ReadAsync(store, spec, cancellationToken).ConfigureAwait(false);
            ResultsTable.Write(terminal.Out, terminal.Width, spec, runs);
            foreach (var r in runs)
            {
                foreach (var f in r.FailedMembers ?? [])
                {
                    terminal.Line(string.Create(CultureInfo.InvariantCulture, $"{r.Name}: member {f.Member} failed at step {f.Step}: {f.Message}"));
                }
            }
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// Maps failures to exit codes: bad input → 2 with every problem listed; an interruption → 130 with the resume
    /// hint; anything else → 1 with one line naming what failed, details appended to the directory's cohort.log.
    /// </summary>
    internal static Task<int> Guard(Terminal terminal, ExperimentDirectory? directory, Func<Task<int>> action) =>
        Guard(terminal, () => directory, action);

    /// <summary>As above, for a directory known only once the action has read the spec.</summary>
    internal static async Task<int> Guard(Terminal terminal, Func<ExperimentDirectory?> target, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (SpecException ex)
        {
            foreach (var e in ex.Errors)
            {
                terminal.Problem(e.ToString());
            }

            terminal.Problem($"{ex.Errors.Count} problem{(ex.Errors.Count == 1 ? "" : "s")} in the spec; nothing was trained.");
            return ExitCodes.Usage;
        }
        catch (DatasetException ex)
        {
            var hint = ex.Message.Contains("download from", StringComparison.Ordinal) ? " Or pass --data-dir with a folder that already holds it." : "";
            terminal.Problem($"cohort: {ex.Message}{hint}");
            return ExitCodes.Usage;
        }
        catch (Exception ex) when (ex is UsageException or FileNotFoundException or DirectoryNotFoundException or RunLockedException or PlatformNotSupportedException)
        {
            terminal.Problem($"cohort: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException)
        {
            terminal.Problem(target() is { HasDatabase: true } d ? d.InterruptedMessage : "interrupted; nothing was stored.");
            return ExitCodes.Cancelled;
        }
        catch (SqliteException ex)
        {
            var described = ExperimentDirectory.Describe(ex, target()?.Database ?? "the experiment's store");
            return await Guard(terminal, target, () => Task.FromException<int>(described)).ConfigureAwait(false);
        }
        catch (IOException ex) when (IsDiskFull(ex))
        {
            var directory = target();
            var log = ExperimentDirectory.AppendLog(directory?.FullPath, ex.ToString());
            var resume = directory is { HasDatabase: true } d ? $"; free some space, then continue with `{d.ResumeCommand}`" : "";
            terminal.Problem($"cohort: the disk is full: {ex.Message}{resume}{LogNote(log, directory)}");
            return ExitCodes.Failure;
        }
        catch (Exception ex)
        {
            var directory = target();
            var log = ExperimentDirectory.AppendLog(directory?.FullPath, ex.ToString());
            // A damaged store or a full disk names the file (and run and row): not a bug, so no "internal error".
            var what = ex is StoreException or StoreFullException or StoreFailedException ? ex.Message : "internal error: " + ex.Message;
            terminal.Problem($"cohort: {what}{LogNote(log, directory)}");
            return ExitCodes.Failure;
        }
    }

    private static string LogNote(string? log, ExperimentDirectory? directory) =>
        log is not null
            ? $" (details in {log})"
            : $" (the details could not be written to {Path.Combine(directory?.FullPath ?? Path.GetTempPath(), ExperimentDirectory.LogFile)} either)";

    /// <summary>ENOSPC (28) or ERROR_DISK_FULL (112) / ERROR_HANDLE_DISK_FULL (39).</summary>
    private static bool IsDiskFull(IOException ex) => (ex.HResult & 0xFFFF) is 28 or 39 or 112;
}
