using Cohort.Engine.Data;

namespace Cohort.Engine.Tests.Data;

public sealed class StandardizerTests
{
    [Fact]
    public void Should_ComputePopulationMeanAndStd_When_FittingPerFeature()
    {
        float[] rows = [1, 10, 3, 10, 5, 10];

        var s = Standardizer.Fit(rows, rowWidth: 2);

        Assert.Equal([3f, 10f], s.Mean);
        Assert.Equal(MathF.Sqrt(8f / 3f), s.Std[0], 1e-6f);
        Assert.Equal(1f, s.Std[1]); // constant feature: σ = 0 is replaced by 1
        var copy = (float[])rows.Clone();
        s.Apply(copy);
        Assert.Equal(0f, copy[1]);
        Assert.Equal(0f, copy[2]);
        s.Inverse(copy);
        Assert.Equal(rows, copy);
    }

    [Fact]
    public void Should_ShareStatisticsAcrossAChannel_When_FittingPerChannel()
    {
        // Two samples of shape [2 channels, 2 pixels]: channel 0 = {0,2,4,6}, channel 1 = {100,100,100,104}.
        float[] rows = [0, 2, 100, 100, 4, 6, 100, 104];

        var s = Standardizer.Fit(rows, rowWidth: 4, blockSize: 2);

        Assert.Equal(2, s.Mean.Count);
        Assert.Equal([3f, 101f], s.Mean);
        Assert.Equal(MathF.Sqrt(5f), s.Std[0], 1e-6f);
        Assert.Equal(MathF.Sqrt(3f), s.Std[1], 1e-6f);
        s.Apply(rows);
        Assert.Equal(-3f / MathF.Sqrt(5f), rows[0], 1e-6f);
        Assert.Equal(3f / MathF.Sqrt(3f), rows[7], 1e-6f);
    }

    [Fact]
    public void Should_Throw_When_RowsDoNotMatchWidth()
    {
        var s = Standardizer.Fit([1f, 2f, 3f, 4f], 2);

        Assert.Throws<ArgumentException>(() => s.Apply(new float[3]));
        Assert.Throws<ArgumentException>(() => Standardizer.Fit([1f, 2f, 3f], 2));
    }
}
