using System.Text;

namespace Cohort.Reports.Charts;

/// <summary>A scatter point coloured by <see cref="Value"/> (e.g. the step at which a hyperparameter pair was explored).</summary>
public readonly record struct ScatterPoint(double X, double Y, double Value);

/// <summary>
/// A scatter of points filled by a continuous value (with a colour bar titled <see cref="ValueTitle"/>), plus an
/// optional second set drawn as hollow markers (e.g. the grid's cells), as in paper 000 Figures 5, 8 and 11.
/// </summary>
public sealed record ScatterChart(
    string Title,
    AxisSpec X,
    AxisSpec Y,
    string ValueTitle,
    string PointsName,
    IReadOnlyList<ScatterPoint> Points,
    string HollowName = "",
    IReadOnlyList<ChartPoint>? Hollow = null,
    double Width = 640,
    double Height = 360)
{
    /// <summary>The chart as a standalone SVG element.</summary>
    public string ToSvg()
    {
        var plot = new Plot(Title, Width, Height, 150);
        var sb = plot.Begin("chart scatter-chart");
        var points = Points.Where(p => AxisMap.IsPlottable(X.Scale, p.X) && AxisMap.IsPlottable(Y.Scale, p.Y) && double.IsFinite(p.Value)).ToArray();
        var hollow = (Hollow ?? []).Where(p => AxisMap.IsPlottable(X.Scale, p.X) && AxisMap.IsPlottable(Y.Scale, p.Y)).ToArray();
        if (points.Length == 0 && hollow.Length == 0)
        {
            return plot.Empty(sb);
        }

        var x = plot.FitX(X.Scale, points.Select(p => p.X).Concat(hollow.Select(p => p.X)));
        var y = plot.FitY(Y.Scale, points.Select(p => p.Y).Concat(hollow.Select(p => p.Y)));
        plot.Axes(sb, x, X, y, Y);
        var vmin = points.Length > 0 ? points.Min(p => p.Value) : 0;
        var vmax = points.Length > 0 ? points.Max(p => p.Value) : 1;
        var range = vmax > vmin ? vmax - vmin : 1;
        // Not clipped: the axes enclose every point, and markers on the edge stay whole.
        sb.Append("<g class=\"points\">");
        foreach (var p in points.OrderBy(p => p.Value))
        {
            sb.Append("<circle class=\"point\" cx=\"").Append(Svg.N(x.Map(p.X))).Append("\" cy=\"").Append(Svg.N(y.Map(p.Y)))
                .Append("\" r=\"3.5\" fill=\"").Append(Palette.Continuous((p.Value - vmin) / range)).Append("\" fill-opacity=\"0.85\"/>");
        }

        foreach (var p in hollow)
        {
            sb.Append("<circle class=\"hollow\" cx=\"").Append(Svg.N(x.Map(p.X))).Append("\" cy=\"").Append(Svg.N(y.Map(p.Y)))
                .Append("\" r=\"6\" fill=\"none\" stroke=\"#D55E00\" stroke-width=\"1.5\"/>");
        }

        sb.Append("</g>");

        // Legend: the two point sets, then the colour bar.
        var lx = plot.Right + 14;
        var ly = plot.Top + 6;
        if (points.Length > 0)
        {
            plot.LegendCircle(sb, ly, 3.5, "fill=\"" + Palette.Continuous(0.5) + "\"", PointsName);
            ly += 18;
        }

        if (hollow.Length > 0)
        {
            plot.LegendCircle(sb, ly, 5, "fill=\"none\" stroke=\"#D55E00\" stroke-width=\"1.5\"", HollowName);
            ly += 18;
        }

        if (points.Length > 0)
        {
            ColorBar.Append(sb, ValueTitle, lx, ly + 24, plot.Bottom, vmin, vmax, Width);
        }

        sb.Append("</svg>");
        return sb.ToString();
    }
}
