using System.Xml.Linq;
using Cohort.Reports.Charts;

namespace Cohort.Reports.Tests.Charts;

public sealed class LineChartTests
{
    private static readonly XNamespace s_svg = "http://www.w3.org/2000/svg";

    private static Series Line(string name, int points, double slope, bool highlighted = false) =>
        new(name, Enumerable.Range(0, points).Select(i => new ChartPoint(i * 10, 1 + (slope * i))).ToArray(), highlighted);

    [Fact]
    public void ToSvg_Should_EmitOnePathPerSeries_When_GivenManySeries()
    {
        var series = Enumerable.Range(0, 36).Select(i => Line("member " + i, 160, i * 0.01)).Append(Line("top 5", 160, 0.2, highlighted: true)).ToArray();

        var svg = XElement.Parse(new LineChart("curves", new AxisSpec("step"), new AxisSpec("loss"), series).ToSvg());

        var paths = svg.Descendants(s_svg + "path").ToArray();
        Assert.Equal(36, paths.Count(p => (string?)p.Attribute("class") == "member"));
        Assert.Single(paths, p => (string?)p.Attribute("class") == "highlight");
        Assert.Equal("2.5", (string?)paths.Single(p => (string?)p.Attribute("class") == "highlight").Attribute("stroke-width"));
    }

    [Fact]
    public void ToSvg_Should_SkipNonFinitePoints_When_DataHasNaNOrInfinity()
    {
        var series = new Series("m", [new(0, 1), new(1, double.NaN), new(2, double.PositiveInfinity), new(double.NegativeInfinity, 3), new(3, 2)]);

        var svg = XElement.Parse(new LineChart("c", new AxisSpec("x"), new AxisSpec("y"), [series]).ToSvg());

        var d = (string)svg.Descendants(s_svg + "path").Single().Attribute("d")!;
        Assert.Equal(1, d.Count(c => c == 'M'));
        Assert.Equal(1, d.Count(c => c == 'L'));
        Assert.DoesNotContain("NaN", d, StringComparison.Ordinal);
    }

    [Fact]
    public void ToSvg_Should_SkipNonPositivePoints_When_AxisIsLog()
    {
        var series = new Series("m", [new(0, 0), new(1, -1), new(2, 0.01), new(3, 0.1)]);

        var svg = XElement.Parse(new LineChart("c", new AxisSpec("x"), new AxisSpec("y", AxisScale.Log10), [series]).ToSvg());

        var d = (string)svg.Descendants(s_svg + "path").Single().Attribute("d")!;
        Assert.Equal(1, d.Count(c => c == 'L'));
        Assert.Contains(svg.Descendants(s_svg + "text"), t => t.Value == "y (log scale)");
    }

    [Fact]
    public void ToSvg_Should_SayNoData_When_SeriesAreEmpty()
    {
        var svg = XElement.Parse(new LineChart("empty", new AxisSpec("x"), new AxisSpec("y"), [new Series("a", []), new Series("b", [new(double.NaN, 1)])]).ToSvg());

        Assert.Contains(svg.Descendants(s_svg + "text"), t => t.Value == "no data");
        Assert.Empty(svg.Descendants(s_svg + "path"));
    }

    [Fact]
    public void ToSvg_Should_SayNoData_When_ThereAreNoSeries()
    {
        var svg = new LineChart("none", new AxisSpec("x"), new AxisSpec("y"), []).ToSvg();

        Assert.Contains("no data", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void ToSvg_Should_EscapeText_When_NamesHaveMarkup()
    {
        var chart = new LineChart("a < b & \"c\"", new AxisSpec("x <i>"), new AxisSpec("y's"), [new Series("<script>", [new(0, 0), new(1, 1)])]);

        var text = chart.ToSvg();
        var svg = XElement.Parse(text);

        Assert.DoesNotContain("<script>", text, StringComparison.Ordinal);
        Assert.Contains(svg.Descendants(s_svg + "text"), t => t.Value == "a < b & \"c\"");
        Assert.Contains(svg.Descendants(s_svg + "text"), t => t.Value == "x <i>");
    }

    [Fact]
    public void ToSvg_Should_DrawHorizontalThenVertical_When_StepChart()
    {
        var chart = new LineChart("s", new AxisSpec("step"), new AxisSpec("lr"), [new Series("m", [new(0, 1), new(10, 2), new(20, 2)])], Step: true);

        var d = (string)XElement.Parse(chart.ToSvg()).Descendants(s_svg + "path").Single().Attribute("d")!;

        Assert.Equal(2, d.Count(c => c == 'H'));
        Assert.Equal(2, d.Count(c => c == 'V'));
        Assert.DoesNotContain("L", d, StringComparison.Ordinal);
    }

    [Fact]
    public void ToSvg_Should_UseViewBoxAndListFewSeries_When_Rendered()
    {
        var svg = XElement.Parse(new LineChart("c", new AxisSpec("x"), new AxisSpec("y"), [Line("alpha", 3, 1), Line("beta", 3, 2)], Width: 500, Height: 300).ToSvg());

        Assert.Equal("0 0 500 300", (string?)svg.Attribute("viewBox"));
        Assert.Null(svg.Attribute("width"));
        Assert.Contains(svg.Descendants(s_svg + "text"), t => t.Value == "alpha");
        Assert.Contains(svg.Descendants(s_svg + "text"), t => t.Value == "beta");
    }

    [Fact]
    public void ToSvg_Should_ShortenTitle_When_ItIsWiderThanTheChart()
    {
        var title = new string('x', 300);

        var svg = XElement.Parse(new LineChart(title, new AxisSpec("x"), new AxisSpec("y"), [Line("a", 3, 1)]).ToSvg());

        var drawn = svg.Elements(s_svg + "text").First().Value;
        Assert.EndsWith("…", drawn, StringComparison.Ordinal);
        Assert.True(drawn.Length * 13 * 0.6 <= 640, drawn.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(title, svg.Element(s_svg + "title")!.Value);
    }
}
