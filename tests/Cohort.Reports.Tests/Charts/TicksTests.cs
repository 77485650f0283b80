using System.Globalization;
using Cohort.Reports.Charts;

namespace Cohort.Reports.Tests.Charts;

public sealed class TicksTests
{
    [Fact]
    public void Linear_Should_StepByFifths_When_RangeIsZeroToOne()
    {
        var ticks = Ticks.Linear(0, 1, 5);

        Assert.Equal(new[] { 0, 0.2, 0.4, 0.6, 0.8, 1.0 }, ticks);
    }

    [Fact]
    public void Linear_Should_EncloseTheData_When_BoundsAreNotRound()
    {
        var ticks = Ticks.Linear(0.37, 9.2, 5);

        Assert.Equal(new[] { 0.0, 2, 4, 6, 8, 10 }, ticks);
    }

    [Fact]
    public void Linear_Should_PadARange_When_MinEqualsMax()
    {
        var ticks = Ticks.Linear(5, 5, 4);

        Assert.True(ticks[0] < 5 && ticks[^1] > 5);
    }

    [Theory]
    [InlineData(0.013, 0.21, new[] { 0.01, 0.1, 1 })]
    [InlineData(1e-7, 1, new[] { 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1 })]
    [InlineData(0.02, 0.05, new[] { 0.01, 0.1 })]
    public void Log10_Should_GiveDecades_When_BoundsArePositive(double min, double max, double[] expected)
    {
        var ticks = Ticks.Log10(min, max);

        Assert.Equal(expected.Length, ticks.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], ticks[i], expected[i] * 1e-12);
        }
    }

    [Theory]
    [InlineData(0.02, 0.05, new[] { 0.02, 0.05 })]
    [InlineData(0.013, 0.021, new[] { 0.01, 0.02, 0.05 })]
    [InlineData(3, 30, new[] { 2.0, 5, 10, 20, 50 })]
    public void Log125_Should_EncloseTightly_When_RangeIsNarrow(double min, double max, double[] expected)
    {
        var ticks = Ticks.Log125(min, max);

        Assert.Equal(expected.Length, ticks.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], ticks[i], expected[i] * 1e-12);
        }
    }

    [Fact]
    public void Log10_Should_Throw_When_BoundIsNotPositive() =>
        Assert.Throws<ArgumentException>(() => Ticks.Log10(0, 1));

    [Theory]
    [InlineData(0, "0")]
    [InlineData(0.2, "0.2")]
    [InlineData(1500, "1500")]
    [InlineData(1e-5, "1e-5")]
    [InlineData(2.5e6, "2.5e6")]
    [InlineData(-0.6, "-0.6")]
    [InlineData(0.30000000000000004, "0.3")]
    public void Format_Should_BeCompactAndInvariant_When_Formatting(double value, string expected)
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("fr-FR");
            Assert.Equal(expected, Ticks.Format(value));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Thin_Should_KeepEveryOtherTick_When_LabelsWouldOverlap()
    {
        double[] ticks = [0, 1, 2, 3, 4, 5, 6];

        // 10 px apart, each label 15 px wide: every other one fits with a 2 px gap.
        var kept = Ticks.Thin(ticks, t => t * 10, _ => 15, 2);

        Assert.Equal(new[] { 0.0, 2, 4, 6 }, kept);
    }

    [Fact]
    public void Thin_Should_KeepAll_When_LabelsFit()
    {
        double[] ticks = [0, 1, 2];

        Assert.Equal(ticks, Ticks.Thin(ticks, t => t * 100, _ => 20, 4));
    }
}
