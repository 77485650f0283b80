namespace Cohort.Core.Storage;

/// <summary>
/// An immutable, content-addressed checkpoint: <see cref="Hash"/> is the lower-case hex SHA-256 of its bytes, so two
/// members holding the same ref hold the same weights, bit for bit.
/// </summary>
/// <param name="Hash">SHA-256 of the checkpoint bytes, lower-case hex.</param>
/// <param name="Step">The training step of the state it holds.</param>
/// <param name="Bytes">Its size.</param>
public sealed record CheckpointRef(string Hash, long Step, long Bytes);
