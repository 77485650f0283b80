using Cohort.Reports.Charts;

namespace Cohort.Reports.Tests.Charts;

public sealed class AxisMapTests
{
    [Fact]
    public void Map_Should_SpaceDecadesEvenly_When_ScaleIsLog()
    {
        var axis = AxisMap.Fit(AxisScale.Log10, [0.0013, 0.21], 0, 300);

        Assert.Equal(new[] { 0.001, 0.01, 0.1, 1 }, axis.Ticks);
        Assert.Equal(0, axis.Map(0.001), 6);
        Assert.Equal(100, axis.Map(0.01), 6);
        Assert.Equal(200, axis.Map(0.1), 6);
        Assert.Equal(300, axis.Map(1), 6);
        Assert.Equal(150, axis.Map(Math.Sqrt(0.1 * 0.01)), 6);
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

        Assert.Equal(new[] { 5.0, 10, 20, 50 }, axis.Ticks);
    }

    [Fact]
    public void Fit_Should_UseOneTwoFiveTicks_When_DataSpansLessThanTwoDecades()
    {
        var axis = AxisMap.Fit(AxisScale.Log10, [0.013, 0.21], 0, 100);

        Assert.Equal(new[] { 0.01, 0.02, 0.05, 0.1, 0.2, 0.5 }, axis.Ticks);
    }
}
