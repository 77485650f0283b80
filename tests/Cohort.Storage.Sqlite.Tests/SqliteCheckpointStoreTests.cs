using Cohort.Core.Storage;
using Cohort.Core.Tests.Storage;
using Microsoft.Data.Sqlite;

namespace Cohort.Storage.Sqlite.Tests;

public sealed class SqliteCheckpointStoreTests : CheckpointStoreContractTests, IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cohort-sqlite-ckpt-" + Guid.NewGuid().ToString("N"));
    private readonly List<SqliteCheckpointStore> _stores = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    protected override async Task<ICheckpointStore> CreateStoreAsync()
    {
        var store = await SqliteCheckpointStore.OpenAsync(Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".db"));
        _stores.Add(store);
        return store;
    }

    protected override void Corrupt(ICheckpointStore store, string run, string hash)
    {
        using var connection = new SqliteConnection($"Data Source={((SqliteCheckpointStore)store).Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE checkpoints SET data = (substr(data, 1, 10) || x'FF' || substr(data, 12)) WHERE run = @run AND hash = @hash;";
        command.Parameters.AddWithValue("@run", run);
        command.Parameters.AddWithValue("@hash", hash);
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    [Fact]
    public async Task Checkpoints_Should_SurviveReopening_When_PutReturned()
    {
        // Given checkpoints put into an experiment database next to its results
        var path = Path.Combine(_directory, "cohort.db");
        var a = Bytes(20_000, 9);
        await using (var results = await SqliteExperimentStore.OpenAsync(path))
        await using (var store = await SqliteCheckpointStore.OpenAsync(path))
        {
            store.Put("pbt", [a]);
        }

        // When the database is opened again
        await using var reopened = await SqliteCheckpointStore.OpenAsync(path);

        // Then they are there, and their errors name the file
        Assert.Equal(a.Bytes, reopened.Read("pbt", a.Checkpoint));
        Assert.Contains(path, reopened.Describe("pbt", a.Checkpoint), StringComparison.Ordinal);
    }
}
