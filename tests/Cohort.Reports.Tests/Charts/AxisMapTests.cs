using Cohort.Reports.Charts;

namespace Cohort.Reports.Tests.Charts;

public sealed class AxisMapTests
{
    [Fact]
    public void Map_Should_SpaceDecadesEvenly_When_ScaleIsLog()
    {
        var axis = AxisMap.Fit(AxisScale.Log10, [0.013, 0.21], 0, 200);

        Assert.Equal(0, axis.Map(0.01), 6);
        Assert.Equal(100, axis.Map(0.1), 6);
        Assert.Equal(200, axis.Map(1), 6);
        Assert.Equal(50, axis.Map(Math.Sqrt(0.1 * 0.01)), 6);
    }

    [Fact]
    public void Map_Should_ReversePixels_When_UsedAsYAxis()
    {
        var axis = AxisMap.Fit(AxisScale.Linear, [0, 1], 300, 100);

        Assert.Equal(300, axis.Map(0), 6);
        Assert.Equal(100, axis.Map(1), 6);
        Assert.Equal(200, axis.Map(0.5), 6);
    }

    [Fact]
    public void Fit_Should_IgnoreNonPositiveValues_When_ScaleIsLog()
    {
        var axis = AxisMap.Fit(AxisScale.Log10, [-1, 0, double.NaN, 5, 50], 0, 100);

        Assert.Equal(new[] { 1.0, 10, 100 }, axis.Ticks);
    }
}
