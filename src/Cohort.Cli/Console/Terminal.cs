namespace Cohort.Cli.Console;

/// <summary>
/// Where the command writes and how: standard output and error, whether output is a terminal (a live display that
/// redraws in place) or a pipe or file (plain lines), the terminal's width, and the verbosity. The one object the
/// commands print through, so that <c>--quiet</c> and <c>--verbose</c> mean the same everywhere.
/// </summary>
internal sealed class Terminal(TextWriter output, TextWriter error, bool interactive, Func<int>? width, Verbosity verbosity)
{
    /// <summary>The width assumed when output is not a terminal (tables are laid out for it; lines are not cut).</summary>
    public const int PlainWidth = 160;

    /// <summary>Standard output.</summary>
    public TextWriter Out { get; } = output;

    /// <summary>Standard error: problems, and the interruption notice.</summary>
    public TextWriter Error { get; } = error;

    /// <summary>Whether output is a terminal: progress redraws in place and every line fits <see cref="Width"/>.</summary>
    public bool Interactive { get; } = interactive;

    public Verbosity Verbosity { get; } = verbosity;

    /// <summary>Columns available now (the terminal may be resized), at least 20; <see cref="PlainWidth"/> when not a terminal.</summary>
    public int Width => Interactive && width is not null ? Math.Max(20, SafeWidth(width)) : PlainWidth;

    /// <summary>A message at normal verbosity (not with <c>--quiet</c>); on a terminal, wrapped to its width.</summary>
    public void Line(string text)
    {
        if (Verbosity == Verbosity.Quiet)
        {
            return;
        }

        Write(Out, text);
    }

    /// <summary>A message shown only with <c>--verbose</c>.</summary>
    public void Detail(string text)
    {
        if (Verbosity == Verbosity.Verbose)
        {
            Write(Out, text);
        }
    }

    /// <summary>A problem or warning: always shown, on the error stream.</summary>
    public void Problem(string text) => Write(Error, text);

    /// <summary>Writes <paramref name="text"/> to <paramref name="writer"/>, each line wrapped to the terminal's width (whole lines on a pipe).</summary>
    public void Write(TextWriter writer, string text)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var line in Interactive ? TextLayout.Wrap(text, Width) : text.Split('\n'))
        {
            writer.WriteLine(line);
        }

        writer.Flush();
    }

    private static int SafeWidth(Func<int> width)
    {
        try
        {
            var columns = width();
            return columns > 0 ? columns : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
