using System.CommandLine;
using System.Globalization;
using Cohort.Cli.Console;
using Cohort.Cli.Experiments;
using Cohort.Dashboard;
using Npgsql;

namespace Cohort.Cli;

/// <summary><c>cohort dashboard [DIR | --storage …] [--port N] [--host H]</c>: serves Cohort.Dashboard until Ctrl+C (docs/dashboard.md).</summary>
internal sealed class DashboardCommand
{
    // One set of symbols per command built (as DistributedOptionsSet does): parses of separate roots share nothing.
    private readonly Argument<DirectoryInfo?> _dir = new("dir") { Description = "An experiment directory written by 'cohort run', or a directory of them.", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<string?> _storage = new("--storage") { Description = $"A PostgreSQL database: postgresql://user:password@host:port/database (default: ${StorageLocation.EnvironmentVariable})." };
    private readonly Option<FileInfo?> _storageFile = new("--storage-file") { Description = "Read the PostgreSQL connection string from this file (first line)." };
    private readonly Option<int> _port = new("--port") { Description = "The port to serve on (0: any free port).", DefaultValueFactory = _ => 8080 };
    private readonly Option<string> _host = new("--host") { Description = "The address to bind; 0.0.0.0 exposes the dashboard to the network.", DefaultValueFactory = _ => "127.0.0.1" };

    public static Command Create(Func<ParseResult, Terminal> terminalFor) => new DashboardCommand().Build(terminalFor);

    private Command Build(Func<ParseResult, Terminal> terminalFor)
    {
        var command = new Command("dashboard", "Serve a live, read-only web dashboard of an experiment store (SQLite directory or PostgreSQL).")
        {
            _dir, _storage, _storageFile, _port, _host,
        };
        command.SetAction((parse, ct) =>
        {
            var terminal = terminalFor(parse);
            return CohortApp.Guard(terminal, (ExperimentDirectory?)null, () => ServeAsync(parse, terminal, ct));
        });
        return command;
    }

    private async Task<int> ServeAsync(ParseResult parse, Terminal terminal, CancellationToken cancellationToken)
    {
        var directory = parse.GetValue(_dir)?.FullName;
        var location = directory is null ? StorageLocation.Resolve(parse.GetValue(_storage), parse.GetValue(_storageFile)?.FullName) : null;
        if (directory is null && location is null)
        {
            throw new UsageException($"Give an experiment directory (cohort dashboard runs/NAME) or --storage postgresql://… (or ${StorageLocation.EnvironmentVariable}).");
        }

        var options = new DashboardOptions
        {
            Directory = directory,
            Storage = location?.ConnectionString,
            Port = parse.GetValue(_port),
            Host = parse.GetValue(_host)!,
        };
        if (options.Port is < 0 or > 65535)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--port must be between 0 and 65535 (got {options.Port})."));
        }

        if (!DashboardServer.IsLoopback(options.Host))
        {
            terminal.Problem(
                $"warning: --host {options.Host} serves the dashboard to every machine that reaches this one, without authentication; it shows experiment names, hyperparameters and scores (never credentials).");
        }

        DashboardServer server;
        try
        {
            server = await DashboardServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or NpgsqlException)
        {
            throw new UsageException(ex.Message.Split(" (Parameter", 2)[0]);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C or SIGTERM before it served: stopping a server is its normal end (exit 0), not an interrupted run (130).
            return ExitCodes.Success;
        }

        await using (server.ConfigureAwait(false))
        {
            terminal.Write(terminal.Out, $"Dashboard of {server.Source} at {server.Address} (read-only; Ctrl+C to stop)");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM (Program's InterruptSignal): the normal way to stop a server, exit 0.
            }
        }

        return ExitCodes.Success;
    }
}
