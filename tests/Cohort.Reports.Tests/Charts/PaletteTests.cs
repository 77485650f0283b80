using Cohort.Reports.Charts;

namespace Cohort.Reports.Tests.Charts;

public sealed class PaletteTests
{
    [Fact]
    public void Continuous_Should_GoFromDarkPurpleToYellow_When_TRunsFromZeroToOne()
    {
        Assert.Equal("#440154", Palette.Continuous(0));
        Assert.Equal("#FDE725", Palette.Continuous(1));
        Assert.Equal("#440154", Palette.Continuous(double.NaN));
        Assert.Equal("#FDE725", Palette.Continuous(7));
    }

    [Fact]
    public void Series_Should_Cycle_When_IndexExceedsPalette() =>
        Assert.Equal(Palette.Series(0), Palette.Series(Palette.Categorical.Count));
}
