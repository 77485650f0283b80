using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Cohort.Core.Storage;

/// <summary>An <see cref="ICheckpointStore"/> in memory, keyed by content hash.</summary>
public sealed class InMemoryCheckpointStore : ICheckpointStore
{
    private readonly ConcurrentDictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);

    public int Count => _blobs.Count;

    public CheckpointRef Put(ReadOnlySpan<byte> bytes, long step)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        _blobs.TryAdd(hash, bytes.ToArray());
        return new CheckpointRef(hash, step, bytes.Length);
    }

    public byte[] Read(CheckpointRef checkpoint)
    {
        if (!_blobs.TryGetValue(checkpoint.Hash, out var bytes))
        {
            throw new CheckpointCorruptException($"Checkpoint {checkpoint.Hash} is not in the in-memory store.");
        }

        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != checkpoint.Hash)
        {
            throw new CheckpointCorruptException($"Checkpoint {checkpoint.Hash} in the in-memory store hashes to {actual}.");
        }

        return bytes;
    }

    public bool Contains(CheckpointRef checkpoint) => _blobs.ContainsKey(checkpoint.Hash);

    public int Collect(IReadOnlySet<string> live)
    {
        var removed = 0;
        foreach (var hash in _blobs.Keys)
        {
            if (!live.Contains(hash) && _blobs.TryRemove(hash, out _))
            {
                removed++;
            }
        }

        return removed;
    }
}
