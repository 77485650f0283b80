using System.Text;

namespace Cohort.Reports.Charts;

/// <summary>The colour bar of a chart coloured by a continuous value (<see cref="Palette.Continuous"/>): a title, the ramp and tick labels.</summary>
internal static class ColorBar
{
    /// <summary>
    /// Draws the bar at x = <paramref name="left"/> from <paramref name="top"/> (largest value) to
    /// <paramref name="bottom"/>, its title above it: the top tick label is centred on the bar's top edge, so the title's
    /// baseline sits 11 px above it, clear of that label.
    /// </summary>
    public static void Append(StringBuilder sb, string title, double left, double top, double bottom, double vmin, double vmax, double chartWidth)
    {
        sb.Append("<text class=\"colorbar-title\" x=\"").Append(Svg.N(left)).Append("\" y=\"").Append(Svg.N(top - 11)).Append("\">")
            .Append(Svg.Escape(Plot.Clip(title, (chartWidth - left - 4) / (Plot.FontSize * 0.58)))).Append("</text>");
        const int Bands = 24;
        var height = (bottom - top) / Bands;
        sb.Append("<g class=\"colorbar\">");
        for (var i = 0; i < Bands; i++)
        {
            // Top band is the largest value.
            var t = 1 - ((i + 0.5) / Bands);
            sb.Append("<rect x=\"").Append(Svg.N(left)).Append("\" y=\"").Append(Svg.N(top + (i * height))).Append("\" width=\"14\" height=\"")
                .Append(Svg.N(height + 0.6)).Append("\" fill=\"").Append(Palette.Continuous(t)).Append("\"/>");
        }

        sb.Append("</g>");
        var axis = AxisMap.Fit(AxisScale.Linear, [vmin, vmax], bottom, top, 4);
        var labels = Ticks.Thin(axis.Ticks.Where(t => t >= vmin - 1e-9 && t <= vmax + 1e-9).ToArray(), v => Bar(v, vmin, vmax, top, bottom), _ => Plot.FontSize, 4);
        foreach (var t in labels)
        {
            var py = Bar(t, vmin, vmax, top, bottom);
            sb.Append("<text x=\"").Append(Svg.N(left + 18)).Append("\" y=\"").Append(Svg.N(py + 4)).Append("\">").Append(Svg.Escape(Ticks.Format(t))).Append("</text>");
        }
    }

    private static double Bar(double v, double vmin, double vmax, double top, double bottom) =>
        vmax > vmin ? bottom - ((v - vmin) / (vmax - vmin) * (bottom - top)) : (top + bottom) / 2;
}
