using System.Globalization;
using System.Text;

namespace Cohort.Reports.Charts;

/// <summary>A data point; non-finite coordinates (and non-positive ones on a log axis) are skipped when drawn.</summary>
public readonly record struct ChartPoint(double X, double Y);

/// <summary>A named series. Highlighted series are drawn thicker, in black, above the others, and always get a legend entry.</summary>
public sealed record Series(string Name, IReadOnlyList<ChartPoint> Points, bool Highlighted = false, string? Color = null);

/// <summary>
/// A line chart of many series (hundreds are fine: thin translucent lines, a legend that lists each series only when
/// there are few), or a step chart (<see cref="Step"/>: each value holds until the next point, as a hyperparameter does
/// between two ready steps). <see cref="ItemName"/> names the ordinary series in the legend when there are too many to
/// list ("36 members"). <see cref="YMin"/>/<see cref="YMax"/> limit the y axis (the parts of lines beyond are cut
/// off at the plot's edge), e.g. to leave out the first steps' large losses.
/// </summary>
public sealed record LineChart(
    string Title,
    AxisSpec X,
    AxisSpec Y,
    IReadOnlyList<Series> Series,
    bool Step = false,
    double Width = 640,
    double Height = 360,
    string? Id = null,
    string ItemName = "series",
    double? YMin = null,
    double? YMax = null)
{
    /// <summary>At most this many ordinary series are listed one by one in the legend; beyond it one entry stands for all.</summary>
    public const int MaxLegendEntries = 8;

    /// <summary>The chart as a standalone SVG element.</summary>
    public string ToSvg()
    {
        var plot = new Plot(Title, Width, Height, 170);
        var sb = plot.Begin(Step ? "chart step-chart" : "chart line-chart");
        var drawable = Series
            .Select(s => s with { Points = s.Points.Where(p => AxisMap.IsPlottable(X.Scale, p.X) && AxisMap.IsPlottable(Y.Scale, p.Y)).OrderBy(p => p.X).ToArray() })
            .ToArray();
        if (drawable.All(s => s.Points.Count == 0))
        {
            return plot.Empty(sb);
        }

        var x = plot.FitX(X.Scale, drawable.SelectMany(s => s.Points).Select(p => p.X));
        var yValues = drawable.SelectMany(s => s.Points).Select(p => p.Y).Where(v => (YMin is null || v >= YMin) && (YMax is null || v <= YMax));
        var y = plot.FitY(Y, yValues.Concat(new[] { YMin, YMax }.OfType<double>()));
        plot.Axes(sb, x, X, y, Y);
        var clip = Id ?? "clip-" + StableHash(Title).ToString("x8", CultureInfo.InvariantCulture);
        plot.ClipPath(sb, clip);
        var ordinary = drawable.Where(s => !s.Highlighted).ToArray();
        var many = ordinary.Length > MaxLegendEntries;
        var width = many ? 1 : 1.5;
        var opacity = many ? (ordinary.Length > 40 ? 0.35 : 0.55) : 0.9;
        sb.Append("<g class=\"series\" fill=\"none\" clip-path=\"url(#").Append(Svg.Escape(clip)).Append(")\">");
        for (var i = 0; i < drawable.Length; i++)
        {
            var s = drawable[i];
            if (!s.Highlighted && s.Points.Count > 0)
            {
                AppendPath(sb, s, x, y, s.Color ?? Palette.Series(Array.IndexOf(ordinary, s)), width, opacity);
            }
        }

        foreach (var s in drawable.Where(s => s.Highlighted && s.Points.Count > 0))
        {
            AppendPath(sb, s, x, y, s.Color ?? Palette.Highlight, 2.5, 0.75);
        }

        sb.Append("</g>");
        var row = 0;
        foreach (var s in drawable.Where(s => s.Highlighted))
        {
            plot.LegendLine(sb, row++, s.Color ?? Palette.Highlight, 3, s.Name);
        }

        if (many)
        {
            plot.LegendLine(sb, row, Palette.Series(0), 1, ordinary.Length.ToString(CultureInfo.InvariantCulture) + " " + ItemName);
        }
        else
        {
            for (var i = 0; i < ordinary.Length; i++)
            {
                plot.LegendLine(sb, row++, ordinary[i].Color ?? Palette.Series(i), 2, ordinary[i].Name);
            }
        }

        sb.Append("</svg>");
        return sb.ToString();
    }

    private void AppendPath(StringBuilder sb, Series s, AxisMap x, AxisMap y, string color, double width, double opacity)
    {
        sb.Append("<path class=\"").Append(s.Highlighted ? "highlight" : "member").Append("\" stroke=\"").Append(color)
            .Append("\" stroke-width=\"").Append(Svg.N(width)).Append("\" stroke-opacity=\"").Append(opacity.ToString("0.##", CultureInfo.InvariantCulture))
            .Append("\" stroke-linejoin=\"round\" d=\"");
        double? lastY = null;
        for (var i = 0; i < s.Points.Count; i++)
        {
            var px = Svg.N(x.Map(s.Points[i].X));
            var py = Svg.N(y.Map(s.Points[i].Y));
            if (i == 0)
            {
                sb.Append('M').Append(px).Append(' ').Append(py);
            }
            else if (Step)
            {
                sb.Append('H').Append(px).Append('V').Append(py);
            }
            else
            {
                sb.Append('L').Append(px).Append(' ').Append(py);
            }

            lastY = s.Points[i].Y;
        }

        if (s.Points.Count == 1 && lastY is not null)
        {
            // A single point still shows: a short tick.
            sb.Append("h2");
        }

        sb.Append("\"><title>").Append(Svg.Escape(s.Name)).Append("</title></path>");
    }

    internal static uint StableHash(string text)
    {
        var h = 2166136261u;
        foreach (var c in text)
        {
            h = (h ^ c) * 16777619u;
        }

        return h;
    }
}
