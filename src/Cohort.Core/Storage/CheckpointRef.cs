namespace Cohort.Core.Storage;

/// <summary>
/// An immutable, content-addressed checkpoint: <see cref="Hash"/> names its bytes (<see cref="ContentHash"/>), so two
/// members holding the same ref hold the same weights, bit for bit.
/// </summary>
/// <param name="Hash">The checkpoint bytes' name: XXH128 in 32 lower-case hex digits (SHA-256 in 64 for checkpoints stored before).</param>
/// <param name="Step">The training step of the state it holds.</param>
/// <param name="Bytes">Its size.</param>
public sealed record CheckpointRef(string Hash, long Step, long Bytes);
