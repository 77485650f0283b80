using System.Xml.Linq;
using Cohort.Reports.Charts;

namespace Cohort.Reports.Tests.Charts;

public sealed class ScatterChartTests
{
    private static readonly XNamespace s_svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void ToSvg_Should_ColourPointsByValueAndDrawHollowMarkers_When_GivenBothSets()
    {
        ScatterPoint[] points = [new(0.01, 0.02, 0), new(0.05, 0.1, 500), new(0.2, 0.15, 1000), new(double.NaN, 0.1, 10)];
        ChartPoint[] grid = [new(0.01, 0.01), new(0.2, 0.2)];

        var svg = XElement.Parse(new ScatterChart("explored", new AxisSpec("l1", AxisScale.Log10), new AxisSpec("l2", AxisScale.Log10), "step", "pbt", points, "grid", grid).ToSvg());

        var filled = svg.Descendants(s_svg + "circle").Where(c => (string?)c.Attribute("class") == "point").ToArray();
        var hollow = svg.Descendants(s_svg + "circle").Where(c => (string?)c.Attribute("class") == "hollow").ToArray();
        Assert.Equal(3, filled.Length);
        Assert.Equal(2, hollow.Length);
        Assert.All(hollow, c => Assert.Equal("none", (string?)c.Attribute("fill")));
        Assert.Equal(3, filled.Select(c => (string?)c.Attribute("fill")).Distinct().Count());
        Assert.Contains(svg.Descendants(s_svg + "g"), g => (string?)g.Attribute("class") == "colorbar");
        Assert.Contains(svg.Descendants(s_svg + "text"), t => t.Value == "step");
    }

    [Fact]
    public void ToSvg_Should_KeepTheColourBarTitleClearOfItsTopLabel_When_DrawingTheBar()
    {
        ScatterPoint[] points = [new(1, 1, 0), new(2, 2, 500), new(3, 3, 1000)];

        var svg = XElement.Parse(new ScatterChart("explored", new AxisSpec("x"), new AxisSpec("y"), "step", "pbt", points).ToSvg());

        // The title's baseline sits at least one font height above the highest tick label's baseline (the labels are
        // the texts right of the bar), so the two lines of text cannot overlap.
        var title = svg.Descendants(s_svg + "text").Single(t => (string?)t.Attribute("class") == "colorbar-title");
        var bar = svg.Descendants(s_svg + "g").Single(g => (string?)g.Attribute("class") == "colorbar");
        var barX = bar.Elements(s_svg + "rect").Select(r => (double)r.Attribute("x")!).First();
        var labels = svg.Descendants(s_svg + "text").Where(t => (double?)t.Attribute("x") == barX + 18).ToArray();
        Assert.NotEmpty(labels);
        Assert.True((double)title.Attribute("y")! <= labels.Min(t => (double)t.Attribute("y")!) - 11, "the colour-bar title overlaps its top label");
    }

    [Fact]
    public void ToSvg_Should_SayNoData_When_NoPointIsPlottable()
    {
        var svg = new ScatterChart("e", new AxisSpec("a", AxisScale.Log10), new AxisSpec("b"), "step", "pbt", [new(0, 1, 1)]).ToSvg();

        Assert.Contains("no data", svg, StringComparison.Ordinal);
        _ = XElement.Parse(svg);
    }
}
