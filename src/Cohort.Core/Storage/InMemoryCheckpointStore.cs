using System.Collections.Concurrent;

namespace Cohort.Core.Storage;

/// <summary>An <see cref="ICheckpointStore"/> in memory, keyed by run and content hash.</summary>
public sealed class InMemoryCheckpointStore : ICheckpointStore
{
    private readonly ConcurrentDictionary<(string Run, string Hash), byte[]> _blobs = new();

    /// <summary>How many checkpoints are stored, over every run.</summary>
    public int Count => _blobs.Count;

    public void Put(string run, IReadOnlyList<CheckpointBytes> checkpoints)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(checkpoints);
        foreach (var c in checkpoints)
        {
            _blobs.TryAdd((run, c.Checkpoint.Hash), c.Bytes.ToArray()); // a copy: the caller may reuse its buffer
        }
    }

    public byte[] Read(string run, CheckpointRef checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!_blobs.TryGetValue((run, checkpoint.Hash), out var bytes))
        {
            throw new CheckpointCorruptException($"Checkpoint {checkpoint.Hash} is missing from {Describe(run, checkpoint)}.");
        }

        var actual = ContentHash.Like(checkpoint.Hash, bytes);
        if (!string.Equals(actual, checkpoint.Hash, StringComparison.Ordinal))
        {
            throw new CheckpointCorruptException($"Checkpoint {checkpoint.Hash} in {Describe(run, checkpoint)} is corrupt: its bytes hash to {actual}.");
        }

        return bytes;
    }

    public bool Contains(string run, CheckpointRef checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return _blobs.ContainsKey((run, checkpoint.Hash));
    }

    public void Delete(string run, IReadOnlyCollection<string> hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        foreach (var hash in hashes)
        {
            _blobs.TryRemove((run, hash), out _);
        }
    }

    public IReadOnlyCollection<string> List(string run) =>
        _blobs.Keys.Where(k => string.Equals(k.Run, run, StringComparison.Ordinal)).Select(k => k.Hash).ToList();

    public string Describe(string run, CheckpointRef checkpoint) => $"the in-memory checkpoint store (run '{run}')";
}
