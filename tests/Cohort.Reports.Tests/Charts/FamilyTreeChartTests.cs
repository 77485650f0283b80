using System.Xml.Linq;
using Cohort.Core.Lineage;
using Cohort.Reports.Charts;

namespace Cohort.Reports.Tests.Charts;

public sealed class FamilyTreeChartTests
{
    [Fact]
    public void ToSvg_Should_DrawEveryIndividualAndDashTheWeightsEdges_When_GivenATree()
    {
        var child = new FamilyNode(0, 4, 20, 0);
        var a = new FamilyNode(2, 3, 10, 1);
        var b = new FamilyNode(1, -1, 0, 1);
        FamilyEdge[] edges = [new(child, a, ParentRole.HyperparametersA), new(child, b, ParentRole.HyperparametersB), new(child, a, ParentRole.Weights)];

        var svg = FamilyTreeChart.ToSvg([child, a, b], edges, "Family tree of best member 0");

        var doc = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var labels = doc.Descendants(ns + "text").Where(t => (string?)t.Attribute("class") == "node").Select(t => t.Value).ToArray();
        Assert.Equal(["m0 @20", "m2 @10", "m1 founder"], labels);
        Assert.Equal(2, doc.Descendants(ns + "line").Count(l => (string?)l.Attribute("class") == "edge-hyperparameters"));
        var weights = Assert.Single(doc.Descendants(ns + "line"), l => (string?)l.Attribute("class") == "edge-weights");
        Assert.NotNull(weights.Attribute("stroke-dasharray"));
        // The member is drawn right of its parents.
        var x = doc.Descendants(ns + "rect").Select(r => double.Parse((string)r.Attribute("x")!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(x[0] > x[1]);
    }
}
