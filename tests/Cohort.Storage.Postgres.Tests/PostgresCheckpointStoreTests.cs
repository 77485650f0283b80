using Cohort.Core.Storage;

namespace Cohort.Storage.Postgres.Tests;

public sealed class PostgresCheckpointStoreTests
{
    private static async Task<(PostgresExperimentStore Store, PostgresCheckpointStore Checkpoints)> OpenAsync()
    {
        var store = await PostgresExperimentStore.OpenAsync(PostgresTestDatabase.Require(), PostgresTestDatabase.NewExperiment("ckpt"), null, CancellationToken.None);
        return (store, new PostgresCheckpointStore(store.DataSource, store.Experiment));
    }

    private const string Run = "pbt";

    private static CheckpointRef Put(PostgresCheckpointStore checkpoints, byte[] bytes, long step, string run = Run)
    {
        var checkpoint = CheckpointBytes.Of(bytes, step);
        checkpoints.Put(run, [checkpoint]);
        return checkpoint.Checkpoint;
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 31) + seed);
        }

        return bytes;
    }

    [PostgresFact]
    public async Task Put_Should_StoreOnceAndReadBack_When_TheSameBytesArePutTwice()
    {
        var (store, checkpoints) = await OpenAsync();
        await using var _ = store;
        var bytes = Bytes(3_000_000, 1);

        var first = Put(checkpoints, bytes, 40);
        var second = Put(checkpoints, bytes, 40);

        Assert.Equal(first, second);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), first.Hash);
        Assert.Equal(bytes, checkpoints.Read(Run, first));
        Assert.True(checkpoints.Contains(Run, first));
        Assert.Equal([first.Hash], checkpoints.List(Run));
    }

    [PostgresFact]
    public async Task Read_Should_ThrowNamingTheCheckpoint_When_TheStoredBytesWereAltered()
    {
        var (store, checkpoints) = await OpenAsync();
        await using var _ = store;
        var checkpoint = Put(checkpoints, Bytes(1000, 2), 8);
        await using (var connection = await store.DataSource.OpenConnectionAsync())
        {
            await using var command = new Npgsql.NpgsqlCommand(
                "UPDATE cohort_checkpoints SET data = set_byte(data, 10, 255 - get_byte(data, 10)) WHERE experiment = @e AND hash = @h;", connection);
            command.Parameters.AddWithValue("e", store.Experiment);
            command.Parameters.AddWithValue("h", checkpoint.Hash);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var error = Assert.Throws<CheckpointCorruptException>(() => checkpoints.Read(Run, checkpoint));

        Assert.Contains(checkpoint.Hash, error.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Read_Should_Throw_When_TheCheckpointIsMissing_AndDeleteShouldRemoveOnlyTheNamedOnes()
    {
        var (store, checkpoints) = await OpenAsync();
        await using var _ = store;
        var keep = Put(checkpoints, Bytes(100, 3), 1);
        var drop = Put(checkpoints, Bytes(100, 4), 2);
        var otherRun = Put(checkpoints, Bytes(100, 4), 2, "grid");

        checkpoints.Delete(Run, [drop.Hash]);

        Assert.True(checkpoints.Contains(Run, keep));
        Assert.False(checkpoints.Contains(Run, drop));
        Assert.True(checkpoints.Contains("grid", otherRun));
        Assert.Equal([keep.Hash], checkpoints.List(Run));
        Assert.Contains("missing", Assert.Throws<CheckpointCorruptException>(() => checkpoints.Read(Run, drop)).Message, StringComparison.Ordinal);
    }
}
