using System.Text;

namespace Cohort.Reports.Charts;

/// <summary>
/// The frame every chart shares: a viewBox-sized SVG with a title, a plot area, two axes with thinned tick labels and
/// gridlines, axis titles, and a right-hand margin for legends or a colour bar.
/// </summary>
internal sealed class Plot
{
    public const double FontSize = 11;

    public Plot(string title, double width, double height, double rightMargin)
    {
        Title = title;
        Width = width;
        Height = height;
        Left = 72;
        Top = 30;
        Right = width - rightMargin;
        Bottom = height - 46;
    }

    public string Title { get; }

    public double Width { get; }

    public double Height { get; }

    public double Left { get; }

    public double Top { get; }

    public double Right { get; }

    public double Bottom { get; }

    public StringBuilder Begin(string cssClass)
    {
        var sb = new StringBuilder();
        sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"").Append(Svg.Escape(cssClass))
            .Append("\" viewBox=\"0 0 ").Append(Svg.N(Width)).Append(' ').Append(Svg.N(Height))
            .Append("\" font-family=\"sans-serif\" font-size=\"").Append(Svg.N(FontSize)).Append("\" role=\"img\">");
        sb.Append("<title>").Append(Svg.Escape(Title)).Append("</title>");
        sb.Append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
        sb.Append("<text x=\"").Append(Svg.N(Width / 2)).Append("\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">")
            .Append(Svg.Escape(Clip(Title, (Width - 16) / (13 * 0.6)))).Append("</text>");
        return sb;
    }

    /// <summary>Draws a "no data" notice in the plot area and closes the SVG.</summary>
    public string Empty(StringBuilder sb, string message = "no data")
    {
        sb.Append("<rect x=\"").Append(Svg.N(Left)).Append("\" y=\"").Append(Svg.N(Top)).Append("\" width=\"").Append(Svg.N(Right - Left))
            .Append("\" height=\"").Append(Svg.N(Bottom - Top)).Append("\" fill=\"#f6f6f6\" stroke=\"#cccccc\"/>");
        sb.Append("<text class=\"no-data\" x=\"").Append(Svg.N((Left + Right) / 2)).Append("\" y=\"").Append(Svg.N((Top + Bottom) / 2))
            .Append("\" text-anchor=\"middle\" fill=\"#666666\">").Append(Svg.Escape(message)).Append("</text></svg>");
        return sb.ToString();
    }

    public AxisMap FitX(AxisScale scale, IEnumerable<double> values) =>
        AxisMap.Fit(scale, values, Left, Right, Math.Clamp((int)((Right - Left) / 90), 2, 10));

    public AxisMap FitY(AxisScale scale, IEnumerable<double> values) =>
        AxisMap.Fit(scale, values, Bottom, Top, Math.Clamp((int)((Bottom - Top) / 50), 2, 8));

    /// <summary>The y axis of <paramref name="spec"/>: categorical when it has categories, else fitted to <paramref name="values"/>.</summary>
    public AxisMap FitY(AxisSpec spec, IEnumerable<double> values) =>
        spec.Categories is { Count: > 0 } c ? AxisMap.Categorical(c.Count, Bottom, Top) : FitY(spec.Scale, values);

    /// <summary>Gridlines, axis lines, tick labels (thinned so none overlap) and axis titles.</summary>
    public void Axes(StringBuilder sb, AxisMap x, AxisSpec xSpec, AxisMap y, AxisSpec ySpec)
    {
        sb.Append("<g class=\"grid\" stroke=\"#e5e5e5\" stroke-width=\"1\">");
        foreach (var t in y.Ticks)
        {
            var py = Svg.N(y.Map(t));
            sb.Append("<line x1=\"").Append(Svg.N(Left)).Append("\" x2=\"").Append(Svg.N(Right)).Append("\" y1=\"").Append(py).Append("\" y2=\"").Append(py).Append("\"/>");
        }

        foreach (var t in x.Ticks)
        {
            var px = Svg.N(x.Map(t));
            sb.Append("<line y1=\"").Append(Svg.N(Top)).Append("\" y2=\"").Append(Svg.N(Bottom)).Append("\" x1=\"").Append(px).Append("\" x2=\"").Append(px).Append("\"/>");
        }

        sb.Append("</g>");
        sb.Append("<g class=\"axes\" stroke=\"#333333\" stroke-width=\"1\">");
        sb.Append("<line x1=\"").Append(Svg.N(Left)).Append("\" x2=\"").Append(Svg.N(Right)).Append("\" y1=\"").Append(Svg.N(Bottom)).Append("\" y2=\"").Append(Svg.N(Bottom)).Append("\"/>");
        sb.Append("<line x1=\"").Append(Svg.N(Left)).Append("\" x2=\"").Append(Svg.N(Left)).Append("\" y1=\"").Append(Svg.N(Top)).Append("\" y2=\"").Append(Svg.N(Bottom)).Append("\"/>");
        sb.Append("</g>");

        var xLabels = Ticks.Thin(x.Ticks, x.Map, t => Svg.TextWidth(xSpec.Label(t), FontSize), 8);
        sb.Append("<g class=\"x-ticks\" text-anchor=\"middle\" fill=\"#333333\">");
        foreach (var t in xLabels)
        {
            var px = x.Map(t);
            sb.Append("<line x1=\"").Append(Svg.N(px)).Append("\" x2=\"").Append(Svg.N(px)).Append("\" y1=\"").Append(Svg.N(Bottom)).Append("\" y2=\"").Append(Svg.N(Bottom + 4)).Append("\" stroke=\"#333333\"/>");
            sb.Append("<text x=\"").Append(Svg.N(px)).Append("\" y=\"").Append(Svg.N(Bottom + 16)).Append("\">").Append(Svg.Escape(xSpec.Label(t))).Append("</text>");
        }

        sb.Append("</g>");
        var yLabels = Ticks.Thin(y.Ticks, y.Map, _ => FontSize, 4);
        sb.Append("<g class=\"y-ticks\" text-anchor=\"end\" fill=\"#333333\">");
        foreach (var t in yLabels)
        {
            var py = y.Map(t);
            sb.Append("<line x1=\"").Append(Svg.N(Left - 4)).Append("\" x2=\"").Append(Svg.N(Left)).Append("\" y1=\"").Append(Svg.N(py)).Append("\" y2=\"").Append(Svg.N(py)).Append("\" stroke=\"#333333\"/>");
            sb.Append("<text x=\"").Append(Svg.N(Left - 7)).Append("\" y=\"").Append(Svg.N(py + 4)).Append("\">").Append(Svg.Escape(ySpec.Label(t))).Append("</text>");
        }

        sb.Append("</g>");
        sb.Append("<text class=\"x-title\" x=\"").Append(Svg.N((Left + Right) / 2)).Append("\" y=\"").Append(Svg.N(Height - 8))
            .Append("\" text-anchor=\"middle\">").Append(Svg.Escape(AxisTitle(xSpec))).Append("</text>");
        var cy = Svg.N((Top + Bottom) / 2);
        sb.Append("<text class=\"y-title\" x=\"14\" y=\"").Append(cy).Append("\" text-anchor=\"middle\" transform=\"rotate(-90 14 ").Append(cy).Append(")\">")
            .Append(Svg.Escape(AxisTitle(ySpec))).Append("</text>");
    }

    /// <summary>A legend entry in the right margin at row <paramref name="row"/>.</summary>
    public void LegendLine(StringBuilder sb, int row, string color, double strokeWidth, string label)
    {
        var x = Right + 14;
        var y = Top + 6 + (row * 16);
        sb.Append("<line x1=\"").Append(Svg.N(x)).Append("\" x2=\"").Append(Svg.N(x + 18)).Append("\" y1=\"").Append(Svg.N(y)).Append("\" y2=\"").Append(Svg.N(y))
            .Append("\" stroke=\"").Append(color).Append("\" stroke-width=\"").Append(Svg.N(strokeWidth)).Append("\"/>");
        sb.Append("<text x=\"").Append(Svg.N(x + 24)).Append("\" y=\"").Append(Svg.N(y + 4)).Append("\">").Append(Svg.Escape(Clip(label, (Width - x - 28) / (FontSize * 0.58)))).Append("</text>");
    }

    /// <summary>
    /// A legend entry in the right margin at height <paramref name="y"/>: a circle of radius <paramref name="radius"/>
    /// drawn with <paramref name="style"/> (fill and stroke attributes) and its label, clipped to the chart's width.
    /// </summary>
    public void LegendCircle(StringBuilder sb, double y, double radius, string style, string label)
    {
        var x = Right + 14;
        sb.Append("<circle cx=\"").Append(Svg.N(x + 5)).Append("\" cy=\"").Append(Svg.N(y)).Append("\" r=\"").Append(Svg.N(radius)).Append("\" ").Append(style).Append("/>");
        sb.Append("<text x=\"").Append(Svg.N(x + 16)).Append("\" y=\"").Append(Svg.N(y + 4)).Append("\">")
            .Append(Svg.Escape(Clip(label, (Width - x - 20) / (FontSize * 0.58)))).Append("</text>");
    }

    public void ClipPath(StringBuilder sb, string id) =>
        sb.Append("<clipPath id=\"").Append(Svg.Escape(id)).Append("\"><rect x=\"").Append(Svg.N(Left)).Append("\" y=\"").Append(Svg.N(Top - 2))
            .Append("\" width=\"").Append(Svg.N(Right - Left)).Append("\" height=\"").Append(Svg.N(Bottom - Top + 4)).Append("\"/></clipPath>");

    public static string Clip(string text, double maxChars)
    {
        var max = Math.Max(3, (int)maxChars);
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
    }

    private static string AxisTitle(AxisSpec spec) => spec.Scale == AxisScale.Log10 ? spec.Title + " (log scale)" : spec.Title;
}
