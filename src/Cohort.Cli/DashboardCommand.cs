using System.CommandLine;
using System.Globalization;
using Cohort.Cli.Experiments;
using Cohort.Dashboard;
using Npgsql;

namespace Cohort.Cli;

/// <summary><c>cohort dashboard [DIR | --storage …] [--port N] [--host H]</c>: serves Cohort.Dashboard until Ctrl+C (docs/dashboard.md).</summary>
internal static class DashboardCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var dir = new Argument<DirectoryInfo?>("dir") { Description = "An experiment directory written by 'cohort run', or a directory of them.", Arity = ArgumentArity.ZeroOrOne };
        var storage = new Option<string?>("--storage") { Description = $"A PostgreSQL database: postgresql://user:password@host:port/database (default: ${StorageLocation.EnvironmentVariable})." };
        var storageFile = new Option<FileInfo?>("--storage-file") { Description = "Read the PostgreSQL connection string from this file (first line)." };
        var port = new Option<int>("--port") { Description = "The port to serve on (0: any free port).", DefaultValueFactory = _ => 8080 };
        var host = new Option<string>("--host") { Description = "The address to bind; 0.0.0.0 exposes the dashboard to the network.", DefaultValueFactory = _ => "127.0.0.1" };
        var command = new Command("dashboard", "Serve a live, read-only web dashboard of an experiment store (SQLite directory or PostgreSQL).")
        {
            dir, storage, storageFile, port, host,
        };
        command.SetAction((parse, ct) => CohortApp.Guard(error, null, async () =>
        {
            var directory = parse.GetValue(dir)?.FullName;
            var location = directory is null ? StorageLocation.Resolve(parse.GetValue(storage), parse.GetValue(storageFile)?.FullName) : null;
            if (directory is null && location is null)
            {
                throw new UsageException($"Give an experiment directory (cohort dashboard runs/NAME) or --storage postgresql://… (or ${StorageLocation.EnvironmentVariable}).");
            }

            var options = new DashboardOptions
            {
                Directory = directory,
                Storage = location?.ConnectionString,
                Port = parse.GetValue(port),
                Host = parse.GetValue(host)!,
            };
            if (options.Port is < 0 or > 65535)
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--port must be between 0 and 65535 (got {options.Port})."));
            }

            if (!DashboardServer.IsLoopback(options.Host))
            {
                await error.WriteLineAsync(
                    $"warning: --host {options.Host} serves the dashboard to every machine that reaches this one, without authentication; it shows experiment names, hyperparameters and scores (never credentials).").ConfigureAwait(false);
            }

            DashboardServer server;
            try
            {
                server = await DashboardServer.StartAsync(options, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or NpgsqlException)
            {
                throw new UsageException(ex.Message.Split(" (Parameter", 2)[0]);
            }

            await using (server.ConfigureAwait(false))
            {
                await output.WriteLineAsync($"Dashboard of {server.Source} at {server.Address} (read-only; Ctrl+C to stop)").ConfigureAwait(false);
                try
                {
                    await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C: the normal way to stop a server.
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
