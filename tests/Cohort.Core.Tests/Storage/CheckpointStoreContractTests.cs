using Cohort.Core.Storage;

namespace Cohort.Core.Tests.Storage;

/// <summary>
/// The semantics every <see cref="ICheckpointStore"/> keeps; each implementation runs this class unchanged through a
/// subclass that opens a fresh store and says how to damage a stored checkpoint.
/// </summary>
public abstract class CheckpointStoreContractTests
{
    /// <summary>A fresh, empty store.</summary>
    protected abstract Task<ICheckpointStore> CreateStoreAsync();

    /// <summary>Flips a byte of the stored checkpoint <paramref name="hash"/> of <paramref name="run"/>, behind the store's back.</summary>
    protected abstract void Corrupt(ICheckpointStore store, string run, string hash);

    protected static CheckpointBytes Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 31) + seed);
        }

        return CheckpointBytes.Of(bytes, seed);
    }

    [Fact]
    public async Task Put_Should_StoreOnceAndReadBack_When_ABatchRepeatsACheckpoint()
    {
        var store = await CreateStoreAsync();
        var (a, b) = (Bytes(5000, 1), Bytes(300, 2));

        store.Put("pbt", [a, b, a]);
        store.Put("pbt", [a]);

        Assert.Equal(a.Bytes, store.Read("pbt", a.Checkpoint));
        Assert.Equal(b.Bytes, store.Read("pbt", b.Checkpoint));
        Assert.True(store.Contains("pbt", a.Checkpoint));
        Assert.Equal(new[] { a.Checkpoint.Hash, b.Checkpoint.Hash }.Order(), store.List("pbt").Order());
    }

    [Fact]
    public async Task Runs_Should_KeepTheirOwnCheckpoints_When_TheyHoldTheSameBytes()
    {
        var store = await CreateStoreAsync();
        var a = Bytes(100, 3);
        store.Put("grid", [a]);
        store.Put("pbt", [a]);

        store.Delete("grid", [a.Checkpoint.Hash]);

        Assert.False(store.Contains("grid", a.Checkpoint));
        Assert.Equal(a.Bytes, store.Read("pbt", a.Checkpoint));
        Assert.Empty(store.List("grid"));
        Assert.Empty(store.List("never-written"));
    }

    [Fact]
    public async Task Delete_Should_RemoveOnlyTheNamedCheckpoints_When_SomeAreMissing()
    {
        var store = await CreateStoreAsync();
        var (a, b, c) = (Bytes(10, 4), Bytes(10, 5), Bytes(10, 6));
        store.Put("pbt", [a, b, c]);

        store.Delete("pbt", [a.Checkpoint.Hash, c.Checkpoint.Hash, new string('0', 64)]);

        Assert.Equal([b.Checkpoint.Hash], store.List("pbt"));
        var missing = Assert.Throws<CheckpointCorruptException>(() => store.Read("pbt", a.Checkpoint));
        Assert.Contains(a.Checkpoint.Hash, missing.Message, StringComparison.Ordinal);
        Assert.Contains("missing", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_Should_ThrowNamingTheCheckpointAndWhereItLives_When_TheStoredBytesWereAltered()
    {
        var store = await CreateStoreAsync();
        var a = Bytes(1000, 7);
        store.Put("pbt", [a]);

        Corrupt(store, "pbt", a.Checkpoint.Hash);

        var error = Assert.Throws<CheckpointCorruptException>(() => store.Read("pbt", a.Checkpoint));
        Assert.Contains(a.Checkpoint.Hash, error.Message, StringComparison.Ordinal);
        Assert.Contains(store.Describe("pbt", a.Checkpoint), error.Message, StringComparison.Ordinal);
    }
}
