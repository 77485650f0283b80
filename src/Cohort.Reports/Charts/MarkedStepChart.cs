using System.Globalization;

namespace Cohort.Reports.Charts;

/// <summary>A point drawn as a hollow circle, with a tooltip.</summary>
public sealed record ChartMarker(double X, double Y, string Label);

/// <summary>
/// A step chart whose series are coloured by group (each <see cref="Series.Color"/> set, one legend entry per
/// <see cref="Groups"/> entry rather than per series), with highlighted series drawn on top and markers as hollow
/// black circles — paper 001 Figure 4a: the hyperparameter of each sub-population's members over training, the best
/// schedule, and the evaluator successes.
/// </summary>
public sealed record MarkedStepChart(
    string Title,
    AxisSpec X,
    AxisSpec Y,
    IReadOnlyList<Series> Series,
    IReadOnlyList<(string Name, string Color)> Groups,
    IReadOnlyList<ChartMarker> Markers,
    string MarkerName,
    double Width = 640,
    double Height = 360,
    string? Id = null)
{
    /// <summary>The chart as a standalone SVG element.</summary>
    public string ToSvg()
    {
        var plot = new Plot(Title, Width, Height, 170);
        var sb = plot.Begin("chart step-chart marked-step-chart");
        var drawable = Series
            .Select(s => s with { Points = s.Points.Where(p => AxisMap.IsPlottable(X.Scale, p.X) && AxisMap.IsPlottable(Y.Scale, p.Y)).OrderBy(p => p.X).ToArray() })
            .Where(s => s.Points.Count > 0)
            .ToArray();
        var markers = Markers.Where(m => AxisMap.IsPlottable(X.Scale, m.X) && AxisMap.IsPlottable(Y.Scale, m.Y)).ToArray();
        if (drawable.Length == 0)
        {
            return plot.Empty(sb);
        }

        var x = plot.FitX(X.Scale, drawable.SelectMany(s => s.Points).Select(p => p.X).Concat(markers.Select(m => m.X)));
        var y = plot.FitY(Y.Scale, drawable.SelectMany(s => s.Points).Select(p => p.Y).Concat(markers.Select(m => m.Y)));
        plot.Axes(sb, x, X, y, Y);
        var clip = Id ?? "clip-" + LineChart.StableHash(Title).ToString("x8", CultureInfo.InvariantCulture);
        plot.ClipPath(sb, clip);
        sb.Append("<g class=\"series\" fill=\"none\" clip-path=\"url(#").Append(Svg.Escape(clip)).Append(")\">");
        foreach (var s in drawable.Where(s => !s.Highlighted))
        {
            AppendStepPath(sb, s, x, y, s.Color ?? Palette.Series(0), 1.2, 0.6);
        }

        foreach (var s in drawable.Where(s => s.Highlighted))
        {
            AppendStepPath(sb, s, x, y, s.Color ?? Palette.Highlight, 2.5, 0.85);
        }

        sb.Append("</g><g class=\"markers\" fill=\"none\" stroke=\"#000000\" stroke-width=\"1.5\">");
        foreach (var m in markers)
        {
            sb.Append("<circle cx=\"").Append(Svg.N(x.Map(m.X))).Append("\" cy=\"").Append(Svg.N(y.Map(m.Y)))
                .Append("\" r=\"4.5\" fill=\"none\" stroke=\"#000000\" stroke-width=\"1.5\"><title>")
                .Append(Svg.Escape(m.Label)).Append("</title></circle>");
        }

        sb.Append("</g>");
        var row = 0;
        foreach (var s in drawable.Where(s => s.Highlighted))
        {
            plot.LegendLine(sb, row++, s.Color ?? Palette.Highlight, 3, s.Name);
        }

        foreach (var (name, color) in Groups)
        {
            plot.LegendLine(sb, row++, color, 2, name);
        }

        if (markers.Length > 0)
        {
            var lx = plot.Right + 23;
            var ly = plot.Top + 6 + (row * 16);
            sb.Append("<circle cx=\"").Append(Svg.N(lx)).Append("\" cy=\"").Append(Svg.N(ly)).Append("\" r=\"4.5\" fill=\"none\" stroke=\"#000000\" stroke-width=\"1.5\"/>");
            sb.Append("<text x=\"").Append(Svg.N(lx + 15)).Append("\" y=\"").Append(Svg.N(ly + 4)).Append("\">")
                .Append(Svg.Escape(Plot.Clip(MarkerName, (Width - lx - 19) / (Plot.FontSize * 0.58)))).Append("</text>");
        }

        sb.Append("</svg>");
        return sb.ToString();
    }

    private static void AppendStepPath(System.Text.StringBuilder sb, Series s, AxisMap x, AxisMap y, string color, double width, double opacity)
    {
        sb.Append("<path class=\"").Append(s.Highlighted ? "highlight" : "member").Append("\" stroke=\"").Append(color)
            .Append("\" stroke-width=\"").Append(Svg.N(width)).Append("\" stroke-opacity=\"").Append(opacity.ToString("0.##", CultureInfo.InvariantCulture))
            .Append("\" stroke-linejoin=\"round\" d=\"");
        for (var i = 0; i < s.Points.Count; i++)
        {
            var px = Svg.N(x.Map(s.Points[i].X));
            var py = Svg.N(y.Map(s.Points[i].Y));
            sb.Append(i == 0 ? "M" : "H").Append(px);
            sb.Append(i == 0 ? " " : "V").Append(py);
        }

        if (s.Points.Count == 1)
        {
            sb.Append("h2");
        }

        sb.Append("\"><title>").Append(Svg.Escape(s.Name)).Append("</title></path>");
    }
}
