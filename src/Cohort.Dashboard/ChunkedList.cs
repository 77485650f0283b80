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
    // The fewest items (a power of two, so that an index splits with a shift) whose chunk is above the large-object
    // threshold of 85,000 bytes.
    private static readonly int s_shift = int.Log2(85_000 / Unsafe.SizeOf<T>()) + 1;
    private static readonly int s_mask = (1 << s_shift) - 1;

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
            return ref _chunks[index >> s_shift][index & s_mask];
        }
    }

    public void Add(in T item)
    {
        if ((Count & s_mask) == 0)
        {
            _chunks.Add(GC.AllocateUninitializedArray<T>(s_mask + 1)); // written before it is read
        }

        _chunks[^1][Count & s_mask] = item;
        Count++;
    }
}
