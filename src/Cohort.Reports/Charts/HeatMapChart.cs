using System.Text;

namespace Cohort.Reports.Charts;

/// <summary>
/// A heat map of a function over a rectangle: cell (i, j) spans [<see cref="XEdges"/>[i], XEdges[i + 1]] ×
/// [<see cref="YEdges"/>[j], YEdges[j + 1]] and is filled by <see cref="Values"/>[i, j] on the continuous ramp (colour bar
/// titled <see cref="ValueTitle"/>), with optional hollow markers (e.g. the points chosen on it).
/// </summary>
internal sealed record HeatMapChart(
    string Title,
    AxisSpec X,
    AxisSpec Y,
    IReadOnlyList<double> XEdges,
    IReadOnlyList<double> YEdges,
    double[,] Values,
    string ValueTitle,
    string MarksName = "",
    IReadOnlyList<ChartPoint>? Marks = null,
    double Width = 640,
    double Height = 360)
{
    /// <summary>The chart as a standalone SVG element.</summary>
    public string ToSvg()
    {
        var plot = new Plot(Title, Width, Height, 150);
        var sb = plot.Begin("chart heatmap-chart");
        var finite = Values.Cast<double>().Where(double.IsFinite).ToArray();
        if (finite.Length == 0 || XEdges.Count < 2 || YEdges.Count < 2)
        {
            return plot.Empty(sb);
        }

        var x = plot.FitX(X.Scale, XEdges);
        var y = plot.FitY(Y.Scale, YEdges);
        plot.Axes(sb, x, X, y, Y);
        var vmin = finite.Min();
        var vmax = finite.Max();
        var range = vmax > vmin ? vmax - vmin : 1;
        sb.Append("<g class=\"cells\" shape-rendering=\"crispEdges\">");
        for (var i = 0; i < XEdges.Count - 1; i++)
        {
            var x0 = x.Map(XEdges[i]);
            var x1 = x.Map(XEdges[i + 1]);
            for (var j = 0; j < YEdges.Count - 1; j++)
            {
                var v = Values[i, j];
                if (!double.IsFinite(v))
                {
                    continue;
                }

                var y0 = y.Map(YEdges[j + 1]);
                var y1 = y.Map(YEdges[j]);
                sb.Append("<rect x=\"").Append(Svg.N(x0)).Append("\" y=\"").Append(Svg.N(y0)).Append("\" width=\"").Append(Svg.N(x1 - x0 + 0.6))
                    .Append("\" height=\"").Append(Svg.N(y1 - y0 + 0.6)).Append("\" fill=\"").Append(Palette.Continuous((v - vmin) / range)).Append("\"/>");
            }
        }

        sb.Append("</g>");
        var marks = (Marks ?? []).Where(p => AxisMap.IsPlottable(X.Scale, p.X) && AxisMap.IsPlottable(Y.Scale, p.Y)).ToArray();
        sb.Append("<g class=\"marks\">");
        foreach (var p in marks)
        {
            sb.Append("<circle class=\"mark\" cx=\"").Append(Svg.N(x.Map(p.X))).Append("\" cy=\"").Append(Svg.N(y.Map(p.Y)))
                .Append("\" r=\"5\" fill=\"none\" stroke=\"#D55E00\" stroke-width=\"2\"/>");
        }

        sb.Append("</g>");
        var lx = plot.Right + 14;
        var ly = plot.Top + 6;
        if (marks.Length > 0)
        {
            plot.LegendCircle(sb, ly, 5, "fill=\"none\" stroke=\"#D55E00\" stroke-width=\"2\"", MarksName);
            ly += 18;
        }

        ColorBar.Append(sb, ValueTitle, lx, ly + 24, plot.Bottom, vmin, vmax, Width);
        sb.Append("</svg>");
        return sb.ToString();
    }
}
