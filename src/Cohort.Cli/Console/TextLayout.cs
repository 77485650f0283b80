using System.Text;

namespace Cohort.Cli.Console;

/// <summary>
/// Fits text to a terminal's width, so that the terminal never wraps a line itself (a wrapped live line breaks the
/// in-place redraw and floods the screen). A line uses at most <c>width − 1</c> columns: writing into the last column
/// leaves some terminals with a pending wrap. Every character counts as one column (Cohort prints ASCII, box drawing
/// and block characters).
/// </summary>
internal static class TextLayout
{
    /// <summary>The columns a line may use on a terminal <paramref name="width"/> wide.</summary>
    public static int Usable(int width) => Math.Max(1, width - 1);

    /// <summary><paramref name="text"/> cut to fit, ending in '…' when cut.</summary>
    public static string Fit(string text, int width)
    {
        ArgumentNullException.ThrowIfNull(text);
        var usable = Usable(width);
        return text.Length <= usable ? text : string.Concat(text.AsSpan(0, Math.Max(0, usable - 1)), "…");
    }

    /// <summary>
    /// As many of <paramref name="segments"/> as fit, in order, joined by <paramref name="separator"/>: the later
    /// segments are the first dropped, so list them by importance. The first is always kept (cut when too long).
    /// </summary>
    public static string Join(IReadOnlyList<string> segments, string separator, int width)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var usable = Usable(width);
        var count = segments.Count;
        while (count > 1 && Length(segments, count, separator) > usable)
        {
            count--;
        }

        return Fit(string.Join(separator, segments.Take(count)), width);
    }

    /// <summary>
    /// <paramref name="text"/>'s lines word-wrapped to fit: a continuation keeps the line's indentation plus two spaces;
    /// a word longer than a line is broken.
    /// </summary>
    public static IEnumerable<string> Wrap(string text, int width)
    {
        ArgumentNullException.ThrowIfNull(text);
        var usable = Usable(width);
        foreach (var raw in text.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
        {
            if (raw.Length <= usable)
            {
                yield return raw;
                continue;
            }

            var indent = raw[..(raw.Length - raw.TrimStart(' ').Length)];
            var continuation = indent.Length + 2 < usable / 2 ? indent + "  " : "";
            var line = new StringBuilder(indent);
            var lineHasWord = false;
            foreach (var word in raw.TrimStart(' ').Split(' '))
            {
                var rest = word;
                while (rest.Length > 0)
                {
                    var room = usable - line.Length - (lineHasWord ? 1 : 0);
                    if (rest.Length <= room)
                    {
                        line.Append(lineHasWord ? " " : "").Append(rest);
                        lineHasWord = true;
                        rest = "";
                    }
                    else if (lineHasWord)
                    {
                        yield return line.ToString();
                        line.Clear().Append(continuation);
                        lineHasWord = false;
                    }
                    else
                    {
                        // A word longer than a whole line: break it.
                        var take = Math.Max(1, usable - line.Length);
                        line.Append(rest.AsSpan(0, Math.Min(take, rest.Length)));
                        rest = rest[Math.Min(take, rest.Length)..];
                        yield return line.ToString();
                        line.Clear().Append(continuation);
                    }
                }
            }

            if (lineHasWord)
            {
                yield return line.ToString();
            }
        }
    }

    private static int Length(IReadOnlyList<string> segments, int count, string separator) =>
        segments.Take(count).Sum(s => s.Length) + (separator.Length * (count - 1));
}
