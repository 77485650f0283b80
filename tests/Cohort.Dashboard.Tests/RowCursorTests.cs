namespace Cohort.Dashboard.Tests;

public sealed class RowCursorTests
{
    private static readonly long s_second = TimeSpan.TicksPerSecond;

    [Fact]
    public void Low_Should_BeTheLargestIdRead_When_IdsBecomeVisibleInOrder()
    {
        // Given a SQLite-style cursor (no settle time)
        var cursor = new RowCursor(TimeSpan.Zero);

        // When rows 1..3 are read
        foreach (var id in new long[] { 1, 2, 3 })
        {
            cursor.Saw(id, 0);
        }

        cursor.Settle(0);

        // Then the next read starts after 3 and skips nothing
        Assert.Equal(3, cursor.Low);
        Assert.Empty(cursor.Recent);
    }

    [Fact]
    public void Cursor_Should_StayBelowALateRow_When_ItsIdBecomesVisibleAfterALargerOne()
    {
        // Given a PostgreSQL-style cursor: row 11 commits before row 10
        var cursor = new RowCursor(TimeSpan.FromSeconds(5));
        cursor.Saw(11, 0);

        // When 1 s later the cursor settles, row 10 must still be readable: Low stays below it, 11 is skipped
        cursor.Settle(1 * s_second);
        Assert.Equal(0, cursor.Low);
        Assert.Equal([11L], cursor.Recent);

        // And when row 10 arrives and both have settled, the cursor moves past both
        cursor.Saw(10, 2 * s_second);
        cursor.Settle(5 * s_second);
        Assert.Equal(11, cursor.Low);
        Assert.Empty(cursor.Recent);
    }
}
