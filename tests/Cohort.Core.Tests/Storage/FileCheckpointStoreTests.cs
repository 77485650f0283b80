using System.Security.Cryptography;
using Cohort.Core.Storage;

namespace Cohort.Core.Tests.Storage;

public sealed class FileCheckpointStoreTests : CheckpointStoreContractTests, IDisposable
{
    private const string Run = "pbt-4";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cohort-ckpt-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    protected override Task<ICheckpointStore> CreateStoreAsync() => Task.FromResult<ICheckpointStore>(new FileCheckpointStore(_directory));

    protected override void Corrupt(ICheckpointStore store, string run, string hash)
    {
        var path = ((FileCheckpointStore)store).PathOf(run, hash);
        var bytes = File.ReadAllBytes(path);
        bytes[10] ^= 1;
        File.WriteAllBytes(path, bytes);
    }

    private static CheckpointRef Put(FileCheckpointStore store, byte[] bytes, long step, string run = Run)
    {
        var checkpoint = CheckpointBytes.Of(bytes, step);
        store.Put(run, [checkpoint]);
        return checkpoint.Checkpoint;
    }

    [Fact]
    public void Put_Should_WriteAContentAddressedFileInTheRunsFolder_When_GivenBytes()
    {
        var store = new FileCheckpointStore(_directory);
        byte[] bytes = [1, 2, 3, 4, 5];
        var hash = ContentHash.Of(bytes);

        var checkpoint = Put(store, bytes, 50);

        Assert.Equal(new CheckpointRef(hash, 50, 5), checkpoint);
        var path = Path.Combine(_directory, Run, hash[..2], hash + ".ckpt");
        Assert.Equal(path, store.PathOf(Run, hash));
        Assert.Equal(path, store.Describe(Run, checkpoint));
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.True(store.Contains(Run, checkpoint));
        Assert.Equal(bytes, store.Read(Run, checkpoint));
        Assert.Equal([hash], store.List(Run));
        Assert.Empty(Directory.EnumerateFiles(_directory, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Put_Should_StoreOnceAndKeepTheFile_When_TheSameBytesArePutAgain()
    {
        var store = new FileCheckpointStore(_directory);
        var bytes = new byte[10_000];
        new Random(3).NextBytes(bytes);
        var first = Put(store, bytes, 1);
        var path = store.PathOf(Run, first.Hash);
        var written = File.GetLastWriteTimeUtc(path);

        var second = Put(store, bytes, 2);

        Assert.Equal(first.Hash, second.Hash);
        Assert.Single(Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
    }

    [Fact]
    public void Put_Should_StoreEachCheckpointOnce_When_CalledConcurrently()
    {
        var store = new FileCheckpointStore(_directory);
        var payloads = Enumerable.Range(0, 4).Select(i => Enumerable.Repeat((byte)i, 4096).ToArray()).ToArray();

        var refs = Enumerable.Range(0, 32).AsParallel().Select(i => Put(store, payloads[i % 4], i)).ToList();

        Assert.Equal(4, refs.Select(r => r.Hash).Distinct().Count());
        Assert.Equal(4, Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories).Count());
        Assert.All(refs, r => Assert.Equal(payloads[(int)(r.Step % 4)], store.Read(Run, r)));
    }

    [Fact]
    public void Put_Should_RepairTheFile_When_TheStoredCopyIsTruncated()
    {
        var store = new FileCheckpointStore(_directory);
        byte[] bytes = [5, 6, 7, 8, 9];
        var checkpoint = Put(store, bytes, 0);
        File.WriteAllBytes(store.PathOf(Run, checkpoint.Hash), [5, 6]);

        Put(store, bytes, 0);

        Assert.Equal(bytes, store.Read(Run, checkpoint));
    }

    [Fact]
    public void Read_Should_ThrowNamingIdAndPath_When_TheFileIsMissing()
    {
        var store = new FileCheckpointStore(_directory);
        var checkpoint = Put(store, [1], 0);
        File.Delete(store.PathOf(Run, checkpoint.Hash));

        var e = Assert.Throws<CheckpointCorruptException>(() => store.Read(Run, checkpoint));

        Assert.Contains(checkpoint.Hash, e.Message, StringComparison.Ordinal);
        Assert.Contains(store.PathOf(Run, checkpoint.Hash), e.Message, StringComparison.Ordinal);
        Assert.False(store.Contains(Run, checkpoint));
    }

    [Fact]
    public void List_Should_RemoveAbandonedTempFiles_When_TheyAreOld()
    {
        var time = new ManualTimeProvider();
        var store = new FileCheckpointStore(_directory, time);
        var kept = Put(store, [1, 2], 0);
        var folder = Path.Combine(_directory, Run, "ab");
        Directory.CreateDirectory(folder);
        var oldTemp = Path.Combine(folder, "ab12.old.tmp");
        var freshTemp = Path.Combine(folder, "ab12.fresh.tmp");
        File.WriteAllBytes(oldTemp, [0]);
        File.WriteAllBytes(freshTemp, [0]);
        File.SetLastWriteTimeUtc(oldTemp, time.GetUtcNow().UtcDateTime - TimeSpan.FromHours(2));
        File.SetLastWriteTimeUtc(freshTemp, time.GetUtcNow().UtcDateTime - TimeSpan.FromMinutes(2));

        var listed = store.List(Run);

        Assert.Equal([kept.Hash], listed);
        Assert.False(File.Exists(oldTemp));
        Assert.True(File.Exists(freshTemp));
    }

    [Theory]
    [InlineData("pbt-36", "pbt-36")]
    [InlineData("..", null)]
    [InlineData("a/b", null)]
    public void RunFolder_Should_KeepPlainNamesAndHashOthers_When_Naming(string run, string? expected)
    {
        var folder = FileCheckpointStore.RunFolder(run);

        if (expected is not null)
        {
            Assert.Equal(expected, folder);
        }
        else
        {
            Assert.StartsWith("run-", folder, StringComparison.Ordinal);
            Assert.Equal(20, folder.Length);
        }
    }

    [Fact]
    public void PathOf_Should_Throw_When_TheIdIsNotACheckpointName()
    {
        var store = new FileCheckpointStore(_directory);

        Assert.Throws<ArgumentException>(() => store.PathOf(Run, "../../etc/passwd"));
        Assert.Throws<ArgumentException>(() => store.PathOf(Run, new string('A', 64)));
        Assert.Throws<ArgumentException>(() => store.PathOf(Run, new string('a', 33)));
        Assert.EndsWith(new string('a', 64) + ".ckpt", store.PathOf(Run, new string('a', 64)), StringComparison.Ordinal); // stored before
    }
}
