namespace Cohort.Dashboard;

/// <summary>
/// Where a reader stands in an append-only table: every row with an id at or below <see cref="Low"/> has been read, and
/// <see cref="Recent"/> lists the rows above it already read. The next read asks for <c>id &gt; Low</c>, leaving out
/// <see cref="Recent"/>.
/// <para>
/// With one writer whose ids become visible in order (SQLite: one write transaction at a time), <paramref name="settle"/>
/// is zero and the cursor is simply the largest id read. Where concurrent writers may commit ids out of order
/// (PostgreSQL sequences: id 11 may be visible before id 10), an id stays "recent" for <paramref name="settle"/> before
/// the cursor moves past it, so a row committed up to that long after a larger id is still read exactly once.
/// </para>
/// </summary>
internal sealed class RowCursor(TimeSpan settle)
{
    private readonly Queue<(long Id, long Seen)> _recent = new();
    private readonly HashSet<long> _recentIds = [];
    private readonly long _settleTicks = settle.Ticks;

    /// <summary>Every row with an id at or below this has been read.</summary>
    public long Low { get; private set; }

    /// <summary>Rows above <see cref="Low"/> already read.</summary>
    public IReadOnlySet<long> Recent => _recentIds;

    /// <summary>Records that row <paramref name="id"/> was read at <paramref name="nowTicks"/>.</summary>
    public void Saw(long id, long nowTicks)
    {
        if (_settleTicks == 0)
        {
            Low = Math.Max(Low, id);
        }
        else if (id > Low && _recentIds.Add(id))
        {
            _recent.Enqueue((id, nowTicks));
        }
    }

    /// <summary>Moves <see cref="Low"/> past every row read at least the settle time before <paramref name="nowTicks"/>.</summary>
    public void Settle(long nowTicks)
    {
        while (_recent.Count > 0 && nowTicks - _recent.Peek().Seen >= _settleTicks)
        {
            var (id, _) = _recent.Dequeue();
            Low = Math.Max(Low, id);
        }

        _recentIds.RemoveWhere(id => id <= Low);
    }
}
