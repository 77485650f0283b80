namespace Cohort.Core.Storage;

/// <summary>
/// Stores checkpoints once under the hash of their bytes. Reading verifies the hash; a mismatch throws
/// <see cref="CheckpointCorruptException"/> naming the checkpoint and where it lives.
/// </summary>
public interface ICheckpointStore
{
    /// <summary>Stores <paramref name="bytes"/> (idempotent: the same bytes give the same ref and are stored once).</summary>
    CheckpointRef Put(ReadOnlySpan<byte> bytes, long step);

    /// <summary>Reads a checkpoint whole, verifying its hash.</summary>
    byte[] Read(CheckpointRef checkpoint);

    bool Contains(CheckpointRef checkpoint);

    /// <summary>Deletes every stored checkpoint whose hash is not in <paramref name="live"/>; returns how many went.</summary>
    int Collect(IReadOnlySet<string> live);
}

public sealed class CheckpointCorruptException(string message) : Exception(message);
