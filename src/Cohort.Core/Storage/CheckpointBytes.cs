
namespace Cohort.Core.Storage;

/// <summary>
/// A checkpoint's bytes together with its content address. <see cref="Bytes"/> must hash to
/// <see cref="CheckpointRef.Hash"/>: build one with <see cref="Of"/> or a <see cref="CheckpointWriter"/>, which hash the
/// bytes once, as they are produced. The array is never modified once wrapped.
/// </summary>
/// <param name="Checkpoint">The content address, step and size.</param>
/// <param name="Bytes">The checkpoint's bytes (exactly <see cref="CheckpointRef.Bytes"/> of them).</param>
public sealed record CheckpointBytes(CheckpointRef Checkpoint, byte[] Bytes)
{
    /// <summary>Names <paramref name="bytes"/> (<see cref="ContentHash"/>) and wraps them as the checkpoint of <paramref name="step"/>.</summary>
    public static CheckpointBytes Of(byte[] bytes, long step)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return new CheckpointBytes(new CheckpointRef(ContentHash.Of(bytes), step, bytes.Length), bytes);
    }
}
