using Cohort.Core.Storage;

namespace Cohort.Core.Execution;

/// <summary>
/// The one-process runner's checkpoints between group commits (issue 12: the in-memory copy is the hot path, the
/// store is written behind). A task's checkpoint is kept in memory when written; at a commit that stores checkpoints
/// (<see cref="RunnerOptions.CheckpointInterval"/>) the driver cuts the ledger with the run's live set
/// (<see cref="LiveCheckpoints"/>): live checkpoints not yet stored are stored before the
/// batch's results are committed, stored checkpoints that are no longer referenced are deleted after, and unreferenced
/// ones that were never stored are simply dropped — most checkpoints of a run never touch the disk. Once stored, a
/// checkpoint's bytes leave memory (later reads go to the store). Between commits the driver also drops the checkpoints
/// that died since it last looked (<see cref="Recycle"/>), so their buffers are handed out again for the next saves
/// (<see cref="Spare"/>) within a generation: a run's checkpoints all have the same size, and recycling them keeps the
/// garbage collector from allocating, and then copying between generations, megabytes of short-lived state.
/// Thread-safe: workers write and read, the driver cuts.
/// </summary>
internal sealed class CheckpointLedger(ICheckpointStore store, string run) : ITaskCheckpoints
{
    /// <summary>At most this many spare buffers are kept (more than a population's worth of dropped checkpoints per cut).</summary>
    private const int MaxSpares = 256;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Stack<byte[]> _spares = new();

    /// <summary>Checkpoints held in memory and not yet stored (for tests and diagnostics).</summary>
    public int InMemory
    {
        get
        {
            lock (_gate)
            {
                return _entries.Values.Count(e => e.Bytes is not null);
            }
        }
    }

    /// <summary>Registers every checkpoint the store holds for the run: the one scan, when the run starts or resumes.</summary>
    public void Scan()
    {
        var stored = store.List(run);
        lock (_gate)
        {
            foreach (var hash in stored)
            {
                if (!_entries.ContainsKey(hash))
                {
                    _entries[hash] = new Entry { Durable = true };
                }
            }
        }
    }

    /// <summary>Whether the checkpoint is stored, to be stored by a commit already cut, or held in memory.</summary>
    public bool Holds(string hash)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(hash, out var entry) && (entry.Durable || entry.Bytes is not null);
        }
    }

    public byte[] Read(CheckpointRef checkpoint)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(checkpoint.Hash, out var entry) && entry.Bytes is { } held)
            {
                return held.Bytes;
            }
        }

        return store.Read(run, checkpoint);
    }

    public void Written(CheckpointBytes checkpoint)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(checkpoint.Checkpoint.Hash, out var entry))
            {
                entry = new Entry();
                _entries[checkpoint.Checkpoint.Hash] = entry;
            }

            entry.Untold++;
            if (!entry.Durable && entry.Bytes is null)
            {
                entry.Bytes = checkpoint;
            }
        }
    }

    public byte[]? Spare(int length)
    {
        lock (_gate)
        {
            while (_spares.TryPop(out var spare))
            {
                if (spare.Length == length)
                {
                    return spare;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// The stored copy of a checkpoint was corrupt or missing and was recomputed: the bad copy is deleted now, and the
    /// good bytes are kept in memory and stored by the next commit (while the checkpoint is referenced).
    /// </summary>
    public void Repaired(CheckpointBytes checkpoint)
    {
        store.Delete(run, [checkpoint.Checkpoint.Hash]);
        lock (_gate)
        {
            if (!_entries.TryGetValue(checkpoint.Checkpoint.Hash, out var entry))
            {
                entry = new Entry();
                _entries[checkpoint.Checkpoint.Hash] = entry;
            }

            entry.Durable = false;
            entry.Bytes = checkpoint;
        }
    }

    /// <summary>A result carrying <paramref name="checkpoint"/> was told (or discarded): the worker's hold on it ends.</summary>
    public void Released(CheckpointRef? checkpoint)
    {
        if (checkpoint is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_entries.TryGetValue(checkpoint.Hash, out var entry) && entry.Untold > 0)
            {
                entry.Untold--;
            }
        }
    }

    /// <summary>
    /// Decides, for a commit of everything told so far, what to store (live, not stored yet) and what to delete (stored,
    /// no longer referenced, not held by an untold result); drops unreferenced checkpoints that were never stored. The
    /// checkpoints to store count as stored from now on, so the next cut does not store them again.
    /// </summary>
    public LedgerCut Cut(IReadOnlySet<string> live)
    {
        var persist = new List<CheckpointBytes>();
        var delete = new List<string>();
        lock (_gate)
        {
            foreach (var hash in live)
            {
                if (_entries.TryGetValue(hash, out var entry) && !entry.Durable && entry.Bytes is { } bytes)
                {
                    persist.Add(bytes);
                    entry.Durable = true;
                }
            }

            Drop(live, delete);
        }

        return new LedgerCut(persist, delete);
    }

    /// <summary>
    /// Drops the checkpoints held only in memory that nothing references any more (not in <paramref name="live"/>, held
    /// by no untold result) and keeps their buffers as spares; stored ones wait for the next <see cref="Cut"/>. Cheap
    /// enough for the driver to call whenever it has told results.
    /// </summary>
    public void Recycle(IReadOnlySet<string> live)
    {
        lock (_gate)
        {
            Drop(live, delete: null);
        }
    }

    /// <summary>
    /// Forgets every unreferenced checkpoint: stored ones are added to <paramref name="delete"/> (left alone when it is
    /// null), never-stored ones are dropped and their buffers kept as spares. Called under the gate.
    /// </summary>
    private void Drop(IReadOnlySet<string> live, List<string>? delete)
    {
        foreach (var (hash, entry) in _entries)
        {
            if (entry.Untold > 0 || live.Contains(hash) || (entry.Durable && delete is null))
            {
                continue;
            }

            if (entry.Durable)
            {
                delete!.Add(hash);
            }
            else if (entry.Bytes is { } dropped && _spares.Count < MaxSpares)
            {
                // Never stored, referenced by nothing and by no task: nobody reads these bytes any more.
                _spares.Push(dropped.Bytes);
            }

            _entries.Remove(hash); // allowed while enumerating a Dictionary since .NET Core 3.0
        }
    }

    /// <summary>A cut's commit succeeded: the stored checkpoints' bytes leave memory.</summary>
    public void Committed(LedgerCut cut)
    {
        lock (_gate)
        {
            foreach (var c in cut.Persist)
            {
                if (_entries.TryGetValue(c.Checkpoint.Hash, out var entry) && entry.Durable)
                {
                    entry.Bytes = null;
                }
            }
        }
    }

    private sealed class Entry
    {
        /// <summary>The bytes, while in memory only.</summary>
        public CheckpointBytes? Bytes;

        /// <summary>Stored, or to be stored by a commit already cut.</summary>
        public bool Durable;

        /// <summary>Results carrying it that are not told yet.</summary>
        public int Untold;
    }
}

/// <summary>What a commit stores before its results (<see cref="Persist"/>) and deletes after them (<see cref="Delete"/>).</summary>
internal sealed record LedgerCut(IReadOnlyList<CheckpointBytes> Persist, IReadOnlyList<string> Delete);
