using System.Collections;
using System.Collections.Immutable;

namespace Cohort.Spec;

/// <summary>An immutable list with value equality, so that spec records compare by content.</summary>
public sealed class SpecList<T> : IReadOnlyList<T>, IEquatable<SpecList<T>>
{
    /// <summary>The empty list.</summary>
    public static readonly SpecList<T> Empty = new(ImmutableArray<T>.Empty);

    private readonly ImmutableArray<T> _items;

    private SpecList(ImmutableArray<T> items) => _items = items;

    /// <summary>A list of <paramref name="items"/>, in order.</summary>
    public static SpecList<T> From(IEnumerable<T> items) => new(items.ToImmutableArray());

    /// <inheritdoc/>
    public int Count => _items.Length;

    /// <inheritdoc/>
    public T this[int index] => _items[index];

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Whether <paramref name="other"/> holds equal items in the same order.</summary>
    public bool Equals(SpecList<T>? other) =>
        other is not null && _items.AsSpan().SequenceEqual(other._items.AsSpan(), EqualityComparer<T>.Default);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SpecList<T>);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    /// <summary><c>[a, b, …]</c>.</summary>
    public override string ToString() => "[" + string.Join(", ", _items) + "]";
}

/// <summary>Creates <see cref="SpecList{T}"/>s.</summary>
public static class SpecList
{
    /// <summary>A list of <paramref name="items"/>, in order.</summary>
    public static SpecList<T> Of<T>(params IEnumerable<T> items) => SpecList<T>.From(items);
}
