using System.Globalization;
using System.Text;
using Cohort.Core.Lineage;

namespace Cohort.Reports.Charts;

/// <summary>
/// Draws a GA member's family tree (<see cref="FamilyTree"/>, paper 004's three parents per child) as SVG: the member
/// on the right, one column per generation back; solid edges to the two hyperparameter parents, dashed edges to the
/// weights parent. A column shows at most <see cref="MaxPerColumn"/> individuals (the rest are counted).
/// </summary>
public static class FamilyTreeChart
{
    /// <summary>The most individuals drawn in one column.</summary>
    public const int MaxPerColumn = 16;

    private const string HyperparameterColour = "#0072B2";
    private const string WeightsColour = "#E69F00";

    /// <summary>The SVG of the tree built from <paramref name="nodes"/> and <paramref name="edges"/>.</summary>
    public static string ToSvg(IReadOnlyList<FamilyNode> nodes, IReadOnlyList<FamilyEdge> edges, string title)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(edges);
        var depth = nodes.Count == 0 ? 0 : nodes.Max(n => n.Depth);
        var columns = Enumerable.Range(0, depth + 1).Select(d => nodes.Where(n => n.Depth == d).ToArray()).ToArray();
        var rows = Math.Min(MaxPerColumn, columns.Length == 0 ? 1 : columns.Max(c => c.Length));
        const double left = 20, top = 40, columnWidth = 130, rowHeight = 34, boxWidth = 96, boxHeight = 24;
        var width = left + ((depth + 1) * columnWidth) + 20;
        var height = top + (rows * rowHeight) + 46;
        var position = new Dictionary<FamilyNode, (double X, double Y)>();
        for (var d = 0; d < columns.Length; d++)
        {
            var shown = columns[d].Take(MaxPerColumn).ToArray();
            var x = left + ((depth - d) * columnWidth);
            var offset = (rows - shown.Length) * rowHeight / 2.0;
            for (var i = 0; i < shown.Length; i++)
            {
                position[shown[i]] = (x, top + offset + (i * rowHeight));
            }
        }

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"family-tree\" width=\"{Svg.N(width)}\" height=\"{Svg.N(height)}\" viewBox=\"0 0 {Svg.N(width)} {Svg.N(height)}\" role=\"img\">");
        sb.Append("<title>").Append(Svg.Escape(title)).Append("</title>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Svg.N(left)}\" y=\"20\" font-size=\"13\" font-weight=\"bold\">").Append(Svg.Escape(title)).Append("</text>");
        foreach (var e in edges)
        {
            if (!position.TryGetValue(e.Child, out var c) || !position.TryGetValue(e.Parent, out var p))
            {
                continue;
            }

            var weights = e.Role == ParentRole.Weights;
            var dy = e.Role switch { ParentRole.HyperparametersA => -5, ParentRole.HyperparametersB => 0, _ => 5 };
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Svg.N(p.X + boxWidth)}\" y1=\"{Svg.N(p.Y + (boxHeight / 2))}\" x2=\"{Svg.N(c.X)}\" y2=\"{Svg.N(c.Y + (boxHeight / 2) + dy)}\" stroke=\"{(weights ? WeightsColour : HyperparameterColour)}\" stroke-width=\"1.5\"{(weights ? " stroke-dasharray=\"4 3\"" : "")} class=\"edge-{(weights ? "weights" : "hyperparameters")}\"/>");
        }

        foreach (var (node, (x, y)) in position)
        {
            var label = node.BredIndex < 0
                ? string.Create(CultureInfo.InvariantCulture, $"m{node.Member} founder")
                : string.Create(CultureInfo.InvariantCulture, $"m{node.Member} @{node.Step}");
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Svg.N(x)}\" y=\"{Svg.N(y)}\" width=\"{Svg.N(boxWidth)}\" height=\"{Svg.N(boxHeight)}\" rx=\"4\" fill=\"{(node.Depth == 0 ? "#000000" : "#ffffff")}\" stroke=\"#555555\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Svg.N(x + (boxWidth / 2))}\" y=\"{Svg.N(y + 16)}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{(node.Depth == 0 ? "#ffffff" : "#000000")}\" class=\"node\">").Append(Svg.Escape(label)).Append("</text>");
        }

        var hidden = columns.Sum(c => Math.Max(0, c.Length - MaxPerColumn));
        var legendY = height - 14;
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Svg.N(left)}\" y1=\"{Svg.N(legendY - 4)}\" x2=\"{Svg.N(left + 24)}\" y2=\"{Svg.N(legendY - 4)}\" stroke=\"{HyperparameterColour}\" stroke-width=\"1.5\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Svg.N(left + 30)}\" y=\"{Svg.N(legendY)}\" font-size=\"11\">hyperparameter parent</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Svg.N(left + 170)}\" y1=\"{Svg.N(legendY - 4)}\" x2=\"{Svg.N(left + 194)}\" y2=\"{Svg.N(legendY - 4)}\" stroke=\"{WeightsColour}\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Svg.N(left + 200)}\" y=\"{Svg.N(legendY)}\" font-size=\"11\">weights parent{(hidden > 0 ? string.Create(CultureInfo.InvariantCulture, $"; {hidden} more ancestors not drawn") : "")}</text>");
        sb.Append("</svg>");
        return sb.ToString();
    }
}
