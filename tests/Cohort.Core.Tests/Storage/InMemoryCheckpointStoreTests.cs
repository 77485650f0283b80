using Cohort.Core.Storage;

namespace Cohort.Core.Tests.Storage;

public sealed class InMemoryCheckpointStoreTests : CheckpointStoreContractTests
{
    protected override Task<ICheckpointStore> CreateStoreAsync() => Task.FromResult<ICheckpointStore>(new InMemoryCheckpointStore());

    protected override void Corrupt(ICheckpointStore store, string run, string hash)
    {
        store.Delete(run, [hash]);
        var damaged = Bytes(1000, 7).Bytes;
        damaged[10] ^= 1;
        store.Put(run, [new CheckpointBytes(new CheckpointRef(hash, 7, damaged.Length), damaged)]);
    }
}
