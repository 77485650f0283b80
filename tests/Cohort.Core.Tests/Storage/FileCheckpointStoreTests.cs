using System.Security.Cryptography;
using Cohort.Core.Storage;

namespace Cohort.Core.Tests.Storage;

public sealed class FileCheckpointStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cohort-ckpt-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Put_Should_WriteAContentAddressedFile_When_GivenBytes()
    {
        var store = new FileCheckpointStore(_directory);
        byte[] bytes = [1, 2, 3, 4, 5];
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var checkpoint = store.Put(bytes, 50);

        Assert.Equal(new CheckpointRef(hash, 50, 5), checkpoint);
        var path = Path.Combine(_directory, hash[..2], hash + ".ckpt");
        Assert.Equal(path, store.PathOf(hash));
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.True(store.Contains(checkpoint));
        Assert.Equal(bytes, store.Read(checkpoint));
        Assert.Empty(Directory.EnumerateFiles(_directory, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Put_Should_StoreOnceAndKeepTheFile_When_TheSameBytesArePutAgain()
    {
        var store = new FileCheckpointStore(_directory);
        var bytes = new byte[10_000];
        new Random(3).NextBytes(bytes);
        var first = store.Put(bytes, 1);
        var path = store.PathOf(first.Hash);
        var written = File.GetLastWriteTimeUtc(path);

        var second = store.Put(bytes, 2);

        Assert.Equal(first.Hash, second.Hash);
        Assert.Equal(2, second.Step);
        Assert.Single(Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
    }

    [Fact]
    public void Put_Should_StoreEachCheckpointOnce_When_CalledConcurrently()
    {
        var store = new FileCheckpointStore(_directory);
        var payloads = Enumerable.Range(0, 4).Select(i => Enumerable.Repeat((byte)i, 4096).ToArray()).ToArray();

        var refs = Enumerable.Range(0, 32).AsParallel().Select(i => store.Put(payloads[i % 4], i)).ToList();

        Assert.Equal(4, refs.Select(r => r.Hash).Distinct().Count());
        Assert.Equal(4, Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories).Count());
        Assert.All(refs, r => Assert.Equal(payloads[(int)(r.Step % 4)], store.Read(r)));
    }

    [Fact]
    public void Read_Should_ThrowNamingIdAndPath_When_TheFileIsCorrupt()
    {
        var store = new FileCheckpointStore(_directory);
        var checkpoint = store.Put([9, 8, 7, 6], 0);
        var path = store.PathOf(checkpoint.Hash);
        File.WriteAllBytes(path, [9, 8, 7, 0]);

        var e = Assert.Throws<CheckpointCorruptException>(() => store.Read(checkpoint));

        Assert.Contains(checkpoint.Hash, e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Put_Should_RepairTheFile_When_TheStoredCopyIsTruncated()
    {
        var store = new FileCheckpointStore(_directory);
        byte[] bytes = [5, 6, 7, 8, 9];
        var checkpoint = store.Put(bytes, 0);
        File.WriteAllBytes(store.PathOf(checkpoint.Hash), [5, 6]);

        store.Put(bytes, 0);

        Assert.Equal(bytes, store.Read(checkpoint));
    }

    [Fact]
    public void Read_Should_ThrowNamingIdAndPath_When_TheFileIsMissing()
    {
        var store = new FileCheckpointStore(_directory);
        var checkpoint = store.Put([1], 0);
        File.Delete(store.PathOf(checkpoint.Hash));

        var e = Assert.Throws<CheckpointCorruptException>(() => store.Read(checkpoint));

        Assert.Contains(checkpoint.Hash, e.Message, StringComparison.Ordinal);
        Assert.Contains(store.PathOf(checkpoint.Hash), e.Message, StringComparison.Ordinal);
        Assert.False(store.Contains(checkpoint));
    }

    [Fact]
    public void Collect_Should_DeleteOnlyUnreferencedCheckpoints_When_SomeAreLive()
    {
        var time = new ManualTimeProvider();
        var store = new FileCheckpointStore(_directory, time);
        var refs = Enumerable.Range(0, 5).Select(i => store.Put([(byte)i, 42], i)).ToList();
        var live = new HashSet<string>(StringComparer.Ordinal) { refs[1].Hash, refs[3].Hash };

        var removed = store.Collect(live);

        Assert.Equal(3, removed);
        Assert.Equal([false, true, false, true, false], refs.Select(store.Contains));
        Assert.Equal([1, 42], store.Read(refs[1]));
        Assert.Equal(0, store.Collect(live));
    }

    [Fact]
    public void Collect_Should_RemoveAbandonedTempFiles_When_TheyAreOld()
    {
        var time = new ManualTimeProvider();
        var store = new FileCheckpointStore(_directory, time);
        var kept = store.Put([1, 2], 0);
        var folder = Path.Combine(_directory, "ab");
        Directory.CreateDirectory(folder);
        var oldTemp = Path.Combine(folder, "ab12.old.tmp");
        var freshTemp = Path.Combine(folder, "ab12.fresh.tmp");
        File.WriteAllBytes(oldTemp, [0]);
        File.WriteAllBytes(freshTemp, [0]);
        File.SetLastWriteTimeUtc(oldTemp, time.GetUtcNow().UtcDateTime - TimeSpan.FromHours(2));
        File.SetLastWriteTimeUtc(freshTemp, time.GetUtcNow().UtcDateTime - TimeSpan.FromMinutes(2));

        store.Collect(new HashSet<string>(StringComparer.Ordinal) { kept.Hash });

        Assert.False(File.Exists(oldTemp));
        Assert.True(File.Exists(freshTemp));
        Assert.True(store.Contains(kept));
    }

    [Fact]
    public void PathOf_Should_Throw_When_TheIdIsNotASha256()
    {
        var store = new FileCheckpointStore(_directory);

        Assert.Throws<ArgumentException>(() => store.PathOf("../../etc/passwd"));
        Assert.Throws<ArgumentException>(() => store.PathOf(new string('A', 64)));
    }
}
