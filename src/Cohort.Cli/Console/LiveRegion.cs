using System.Text;

namespace Cohort.Cli.Console;

/// <summary>
/// A few lines at the bottom of a terminal, redrawn in place with ANSI control sequences (cursor to the start of the
/// region, erase each line, erase below). Lines printed meanwhile go above it: the region is erased, the line written,
/// the region drawn again. Callers fit every line to the terminal's width: a line the terminal wraps would break the
/// count of lines to go back over. Not thread-safe: <see cref="ProgressDisplay"/> calls it under its lock.
/// </summary>
internal sealed class LiveRegion(TextWriter output)
{
    private const string Escape = "\u001b[";
    private IReadOnlyList<string> _lines = [];

    /// <summary>Replaces the region's lines.</summary>
    public void Draw(IReadOnlyList<string> lines)
    {
        var text = new StringBuilder();
        Rewind(text);
        foreach (var line in lines)
        {
            text.Append(Escape).Append("2K").Append(line).Append('\n');
        }

        text.Append(Escape).Append('J');
        _lines = lines;
        output.Write(text.ToString());
        output.Flush();
    }

    /// <summary>Prints <paramref name="lines"/> above the region (they stay when it moves on).</summary>
    public void Print(IEnumerable<string> lines)
    {
        var text = new StringBuilder();
        Rewind(text);
        text.Append(Escape).Append('J');
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        foreach (var line in _lines)
        {
            text.Append(Escape).Append("2K").Append(line).Append('\n');
        }

        output.Write(text.ToString());
        output.Flush();
    }

    /// <summary>Erases the region; the cursor is left where it began.</summary>
    public void Clear()
    {
        var text = new StringBuilder();
        Rewind(text);
        text.Append(Escape).Append('J');
        _lines = [];
        output.Write(text.ToString());
        output.Flush();
    }

    private void Rewind(StringBuilder text)
    {
        if (_lines.Count > 0)
        {
            text.Append(Escape).Append(_lines.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('F');
        }
    }
}
