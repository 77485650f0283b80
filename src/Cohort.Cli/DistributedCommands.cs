using System.CommandLine;
using Cohort.Cli.Console;
using Cohort.Cli.Experiments;

namespace Cohort.Cli;

/// <summary>
/// The options shared by <c>cohort run --storage</c> and <c>cohort worker</c>, and the <c>worker</c> command
/// (docs/distributed.md). Kept apart from <see cref="CohortApp"/> so that file only gains a few lines.
/// </summary>
internal sealed class DistributedOptionsSet
{
    private readonly Option<string?> _storage = new("--storage")
    {
        Description = $"A PostgreSQL database shared by many workers: postgresql://user:password@host:port/database (default: ${StorageLocation.EnvironmentVariable}).",
    };

    private readonly Option<FileInfo?> _storageFile = new("--storage-file")
    {
        Description = "Read the PostgreSQL connection string from this file (first line), e.g. a mounted secret.",
    };

    private readonly Option<DirectoryInfo?> _checkpoints = new("--checkpoints")
    {
        Description = "With --storage: a checkpoint directory every worker reaches at the same path (NFS, Lustre); default: checkpoints in the database.",
    };

    private readonly Option<double?> _lease = new("--lease")
    {
        Description = "With --storage: seconds a claim on a task lasts without a heartbeat (default 30); a dead worker's task is taken over after this.",
    };

    // Fault injection for the crash tests; hidden from help.
    private readonly Option<int> _trainDelay = new("--fault-train-delay-ms") { Hidden = true };

    private readonly Option<int> _decisionDelay = new("--fault-decision-delay-ms") { Hidden = true };

    public static DistributedOptionsSet Create() => new();

    public void AddTo(Command command)
    {
        command.Options.Add(_storage);
        command.Options.Add(_storageFile);
        command.Options.Add(_checkpoints);
        command.Options.Add(_lease);
        command.Options.Add(_trainDelay);
        command.Options.Add(_decisionDelay);
    }

    /// <summary>Fault injection (hidden): how long every Train call sleeps first; zero when not given.</summary>
    public TimeSpan TrainDelay(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return TimeSpan.FromMilliseconds(Math.Max(0, parse.GetValue(_trainDelay)));
    }

    /// <summary>The distributed options, or null when no PostgreSQL storage is given (option, file or environment).</summary>
    public DistributedOptions? Resolve(ParseResult parse, string? dataDirectory)
    {
        var storage = StorageLocation.Resolve(parse.GetValue(_storage), parse.GetValue(_storageFile)?.FullName);
        if (storage is null)
        {
            if (parse.GetValue(_checkpoints) is not null)
            {
                throw new UsageException("--checkpoints needs --storage (an embedded run keeps its checkpoints in --out).");
            }

            return null;
        }

        TimeSpan? lease = null;
        if (parse.GetValue(_lease) is { } seconds)
        {
            if (!(seconds >= 0.3))
            {
                throw new UsageException($"--lease must be at least 0.3 seconds (got {seconds}).");
            }

            lease = TimeSpan.FromSeconds(seconds);
        }

        return new DistributedOptions(
            storage,
            parse.GetValue(_checkpoints)?.FullName,
            dataDirectory,
            lease,
            TrainDelay(parse),
            TimeSpan.FromMilliseconds(Math.Max(0, parse.GetValue(_decisionDelay))));
    }

    /// <summary><c>cohort worker</c>: join an experiment in a PostgreSQL database and work until it is complete.</summary>
    public static Command WorkerCommand(Option<DirectoryInfo?> dataOption, VerbosityOptions verbosity, Func<ParseResult, Terminal> terminal)
    {
        var set = Create();
        var experiment = new Option<string?>("--experiment") { Description = "The experiment to join (waits until it is created); default: every experiment not complete." };
        var worker = new Command("worker", "Join experiments stored in PostgreSQL from this machine and train until they are complete.")
        {
            experiment, dataOption,
        };
        set.AddTo(worker);
        verbosity.AddTo(worker);
        worker.SetAction((parse, ct) => CohortApp.Guard(terminal(parse), (ExperimentDirectory?)null, async () =>
        {
            var options = set.Resolve(parse, parse.GetValue(dataOption)?.FullName)
                ?? throw new UsageException($"cohort worker needs a PostgreSQL database: --storage, --storage-file or ${StorageLocation.EnvironmentVariable}.");
            return await new DistributedHost(terminal(parse), options).WorkerAsync(parse.GetValue(experiment), ct).ConfigureAwait(false);
        }));
        return worker;
    }
}
