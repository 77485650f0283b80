using Cohort.Core.Storage;
using Cohort.Core.Tests.Storage;

namespace Cohort.Storage.Postgres.Tests;

public sealed class PostgresCheckpointStoreTests : CheckpointStoreContractTests, IAsyncLifetime
{
    private readonly List<PostgresExperimentStore> _stores = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    protected override async Task<ICheckpointStore> CreateStoreAsync()
    {
        var store = await PostgresExperimentStore.OpenAsync(PostgresTestDatabase.Require(), PostgresTestDatabase.NewExperiment("ckpt"), null, CancellationToken.None);
        _stores.Add(store);
        return new PostgresCheckpointStore(store.DataSource, store.Experiment);
    }

    protected override void Corrupt(ICheckpointStore store, string run, string hash)
    {
        var checkpoints = (PostgresCheckpointStore)store;
        using var connection = _stores.Single(s => s.Experiment == checkpoints.Experiment).DataSource.OpenConnection();
        using var command = new Npgsql.NpgsqlCommand(
            "UPDATE cohort_checkpoints SET data = set_byte(data, 10, 255 - get_byte(data, 10)) WHERE experiment = @e AND run = @r AND hash = @h;", connection);
        command.Parameters.AddWithValue("e", checkpoints.Experiment);
        command.Parameters.AddWithValue("r", run);
        command.Parameters.AddWithValue("h", hash);
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    [PostgresFact]
    public async Task Read_Should_FindACheckpointStoredBeforeRunsScopedThem_When_ItsRunIsEmpty()
    {
        // Given a checkpoint row written by schema version 1 (no run: '' after migration 2)
        var store = (PostgresCheckpointStore)await CreateStoreAsync();
        var a = Bytes(500, 8);
        store.Put("", [a]);

        // Then a run can still read it
        Assert.Equal(a.Bytes, store.Read("pbt", a.Checkpoint));
        Assert.True(store.Contains("pbt", a.Checkpoint));
    }
}
