namespace Cohort.Core.Storage;

/// <summary>
/// Where checkpoints are kept durably: content-addressed, and scoped by run (runs of one experiment never share or
/// delete each other's checkpoints, even when two hold identical bytes). What to keep is not the store's business: the
/// driver deletes a checkpoint when the last reference to it goes (<see cref="Execution.LiveCheckpoints"/>), and lists
/// a run's checkpoints only when the run starts or resumes, to remove what a crash left behind.
/// Reading verifies the hash; a mismatch or a missing checkpoint throws <see cref="CheckpointCorruptException"/> naming
/// the checkpoint and where it lives. Implementations are thread-safe.
/// </summary>
public interface ICheckpointStore
{
    /// <summary>
    /// Stores <paramref name="checkpoints"/> of <paramref name="run"/> and returns once they are durable (as durable as
    /// the store's results: a result that references them may be committed next). Idempotent: a checkpoint stored
    /// before is kept as is. Each <see cref="CheckpointBytes.Bytes"/> must hash to its checkpoint's hash; the store
    /// keeps no reference to the arrays once it returns (the caller may reuse them).
    /// </summary>
    void Put(string run, IReadOnlyList<CheckpointBytes> checkpoints);

    /// <summary>Reads a checkpoint of <paramref name="run"/> whole, verifying its hash.</summary>
    byte[] Read(string run, CheckpointRef checkpoint);

    bool Contains(string run, CheckpointRef checkpoint);

    /// <summary>Deletes the checkpoints of <paramref name="run"/> with these hashes (those not stored are ignored).</summary>
    void Delete(string run, IReadOnlyCollection<string> hashes);

    /// <summary>The hashes of every checkpoint stored for <paramref name="run"/> (a scan: for start-up and resume only).</summary>
    IReadOnlyCollection<string> List(string run);

    /// <summary>Where <paramref name="checkpoint"/> of <paramref name="run"/> lives, for messages (a file path, a table).</summary>
    string Describe(string run, CheckpointRef checkpoint);
}

/// <summary>A checkpoint is missing, unreadable or does not hash to its id; the message names it and where it lives.</summary>
public sealed class CheckpointCorruptException(string message) : Exception(message);
