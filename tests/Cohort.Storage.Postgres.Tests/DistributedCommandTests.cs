using Cohort.Cli;
using Cohort.Cli.Experiments;

namespace Cohort.Storage.Postgres.Tests;

/// <summary><c>cohort worker</c> and <c>cohort run --storage</c>: bad input, and the password never shown. No database needed.</summary>
public sealed class DistributedCommandTests
{
    private static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var code = await CohortApp.RunAsync(args, output, output, interactive: false);
        return (code, output.ToString());
    }

    [Fact]
    public async Task Worker_Should_ExitWithUsageError_When_NoStorageIsGiven()
    {
        if (Environment.GetEnvironmentVariable(StorageLocation.EnvironmentVariable) is not null)
        {
            return; // the environment supplies one
        }

        var (code, output) = await RunAsync("worker", "--experiment", "toy");

        Assert.Equal(2, code);
        Assert.Contains("needs a PostgreSQL database", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_Should_NotPrintThePassword_When_TheDatabaseCannotBeReached()
    {
        var (code, output) = await RunAsync("worker", "--storage", "postgresql://pbt:hunter2@127.0.0.1:1/cohort?connect_timeout=2", "--experiment", "toy");

        Assert.Equal(2, code);
        Assert.Contains("Cannot open", output, StringComparison.Ordinal);
        Assert.Contains("pbt:***@127.0.0.1:1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("worker", "postgresql://pbt:p@ss:hunter2@127.0.0.1:1/cohort")] // misplaced: the parser quotes it
    [InlineData("worker", "--storage", "postgresql://pbt:p@ss:hunter2@127.0.0.1:1/cohort")] // not a valid URI
    [InlineData("worker", "--storage", "postgresql://pbt@127.0.0.1:1/cohort?PassWord=hunter2&frobnicate=1")]
    [InlineData("worker", "--storage", "Host=127.0.0.1;Port=1;Password=hunter2;Frobnicate=1")]
    [InlineData("worker", "Host=127.0.0.1;Port=1;Pwd='hunter2;x';Database=d")] // misplaced, quoted value
    public async Task Worker_Should_NotPrintThePassword_When_ItsInputIsRejected(params string[] args)
    {
        var (code, output) = await RunAsync(args);

        Assert.NotEqual(0, code);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
        Assert.Contains("***", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Should_RejectStorage_When_ItIsNotAPostgresConnectionString()
    {
        var spec = Path.Combine(Path.GetTempPath(), "cohort-cmd-" + Guid.NewGuid().ToString("N")[..8] + ".yaml");
        await File.WriteAllTextAsync(spec, ToySpecs.Yaml("cmd", 2, 8, 4, "synchronous"));
        try
        {
            var (code, output) = await RunAsync("run", spec, "--storage", "runs/somewhere");

            Assert.Equal(2, code);
            Assert.Contains("not a PostgreSQL connection string", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(spec);
        }
    }

    [Fact]
    public void StorageLocation_Should_PreferOptionThenFileThenEnvironment()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "\n  postgresql://f:pw@file-host/db  \n");
        try
        {
            string? Env(string name) => name == StorageLocation.EnvironmentVariable ? "postgresql://e@env-host/db" : null;

            Assert.Equal("postgresql://o@option-host/db", StorageLocation.Resolve("postgresql://o@option-host/db", file, Env)!.ConnectionString);
            Assert.Equal("postgresql://f:pw@file-host/db", StorageLocation.Resolve(null, file, Env)!.ConnectionString);
            Assert.Equal("postgresql://f:***@file-host/db", StorageLocation.Resolve(null, file, Env)!.Display);
            Assert.Equal("postgresql://e@env-host/db", StorageLocation.Resolve(null, null, Env)!.ConnectionString);
            Assert.Null(StorageLocation.Resolve(null, null, _ => null));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
