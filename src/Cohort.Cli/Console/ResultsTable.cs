using System.Globalization;
using Cohort.Core.Scheduling;
using Cohort.Spec;
using Cohort.Spec.Results;
using Spectre.Console;

namespace Cohort.Cli.Console;

/// <summary>
/// The table of an experiment's runs, as <c>cohort show</c> prints it and <c>cohort run</c> at its end: per run its
/// status, members, compute, and the best <em>final</em> member's validation and test score (the summary's "best"),
/// with the objective's direction stated in the title.
/// </summary>
internal static class ResultsTable
{
    /// <summary>"lower is better" or "higher is better".</summary>
    public static string Direction(Objective objective)
    {
        ArgumentNullException.ThrowIfNull(objective);
        return objective.Mode == ObjectiveMode.Maximize ? "higher is better" : "lower is better";
    }

    /// <summary>Writes the table to <paramref name="output"/>, laid out for <paramref name="width"/> columns, without colours.</summary>
    public static void Write(TextWriter output, int width, ExperimentSpec spec, IReadOnlyList<RunSummary> runs)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(runs);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = TextLayout.Usable(width);
        var metric = spec.Objective.Metric;
        var rows = runs.Select(r => new[]
        {
            r.Name, r.Method, r.Status.ToString().ToLowerInvariant(), I(r.Population), I(r.TotalSteps), F(r.BestScore), F(r.BestTestScore),
            r.BestMember is { } m ? m.ToString(CultureInfo.InvariantCulture) : "—", r.WallSeconds.ToString("F1", CultureInfo.InvariantCulture),
        }).ToList();
        string[] headers = ["run", "method", "status", "members", "total steps", $"best final {metric}", $"test {metric}", "member", "wall s"];

        // On a narrow terminal the least useful columns go first, rather than every cell being squeezed and wrapped.
        int[] dropOrder = [1, 8, 3, 4, 7, 6, 2];
        var shown = Enumerable.Range(0, headers.Length).ToList();
        foreach (var column in dropOrder)
        {
            if (NaturalWidth(shown, headers, rows) <= TextLayout.Usable(width))
            {
                break;
            }

            shown.Remove(column);
        }

        var table = new Table()
            .Title(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{spec.Experiment} (seed {spec.Seed}): {metric}, {Direction(spec.Objective)}")))
            .Caption(Markup.Escape($"best final: the member whose final weights score best on validation {metric}; test: its test {metric}"));
        foreach (var i in shown)
        {
            var c = new TableColumn(Markup.Escape(headers[i]));
            if (i >= 3)
            {
                c.RightAligned();
            }

            table.AddColumn(c);
        }

        foreach (var row in rows)
        {
            table.AddRow(shown.Select(i => Markup.Escape(row[i])).ToArray());
        }

        console.Write(table);
        output.Flush();

        static string I(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
        static string F(double? v) => v is { } x ? x.ToString("G6", CultureInfo.InvariantCulture) : "—";
    }

    /// <summary>The width of a square-bordered table of the <paramref name="shown"/> columns without wrapping: cells plus one space each side and a border each.</summary>
    private static int NaturalWidth(List<int> shown, string[] headers, List<string[]> rows) =>
        1 + shown.Sum(i => 3 + Math.Max(headers[i].Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length)));
}
