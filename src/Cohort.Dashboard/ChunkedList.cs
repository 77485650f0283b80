namespace Cohort.Dashboard;

/// <summary>
/// An append-only list of structs kept in fixed-size chunks: it grows without copying what it holds, and no chunk is
/// large enough for the large-object heap, so a read model that only grows never allocates twice its size to grow.
/// Not thread-safe (the feed reads and writes it under its lock).
/// </summary>
internal sealed class ChunkedList<T>
    where T : struct
{
    private const int ChunkLength = 1024;

    private readonly List<T[]> _chunks = [];

    /// <summary>How many items it holds.</summary>
    public int Count { get; private set; }

    /// <summary>The item at <paramref name="index"/> (0 ≤ index &lt; <see cref="Count"/>).</summary>
    public ref readonly T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return ref _chunks[index / ChunkLength][index % ChunkLength];
        }
    }

    public void Add(in T item)
    {
        if (Count % ChunkLength == 0)
        {
            _chunks.Add(new T[ChunkLength]);
        }

        _chunks[^1][Count % ChunkLength] = item;
        Count++;
    }
}
