using System.Runtime.CompilerServices;

namespace Cohort.Dashboard;

/// <summary>
/// An append-only list of structs kept in fixed-size chunks: it grows without copying what it holds (a read model that
/// only grows never allocates twice its size to grow), and each chunk is large enough to be allocated on the
/// large-object heap, where the garbage collector neither copies it from generation to generation nor compacts it.
/// Not thread-safe (the feed reads and writes it under its lock).
/// </summary>
internal sealed class ChunkedList<T>
    where T : struct
{
    // About 96 KiB per chunk: above the large-object threshold (85,000 bytes).
    private static readonly int s_chunkLength = Math.Max(1, (96 * 1024) / Unsafe.SizeOf<T>());

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
            return ref _chunks[index / s_chunkLength][index % s_chunkLength];
        }
    }

    public void Add(in T item)
    {
        if (Count % s_chunkLength == 0)
        {
            _chunks.Add(GC.AllocateUninitializedArray<T>(s_chunkLength)); // written before it is read
        }

        _chunks[^1][Count % s_chunkLength] = item;
        Count++;
    }
}
