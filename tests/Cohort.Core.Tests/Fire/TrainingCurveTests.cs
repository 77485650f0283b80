using Cohort.Core.Fire;

namespace Cohort.Core.Tests.Fire;

public sealed class TrainingCurveTests
{
    [Fact]
    public void Should_Throw_When_StepsDoNotIncrease()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrainingCurve([0.0, 100.0, 100.0], [0.1, 0.2, 0.3]));
        Assert.Contains("100", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Throw_When_ScoreIsNotFinite()
    {
        Assert.Throws<ArgumentException>(() => new TrainingCurve([0.0, 1.0], [0.1, double.NaN]));
    }

    [Fact]
    public void Should_Throw_When_LengthsDiffer()
    {
        Assert.Throws<ArgumentException>(() => new TrainingCurve([0.0, 1.0], [0.1]));
        Assert.Throws<ArgumentException>(() => new SmoothedCurve(new TrainingCurve([0.0, 1.0], [0.1, 0.2]), [0.1]));
    }

    [Fact]
    public void Should_KeepPointsInOrder_When_BuiltFromPairs()
    {
        var curve = TrainingCurve.FromPoints([(10.0, 0.5), (20.0, 0.7)]);
        Assert.Equal([10.0, 20.0], curve.Steps);
        Assert.Equal([0.5, 0.7], curve.Scores);
        Assert.Equal(2, curve.Count);
    }

    [Fact]
    public void Should_StayCloseToNoiselessData_When_Smoothed()
    {
        var curve = new TrainingCurve(
            Enumerable.Range(0, 15).Select(i => 50.0 * i).ToArray(),
            Enumerable.Range(0, 15).Select(i => Math.Log(1.0 + i)).ToArray());

        var smoothed = SmoothedCurve.Fit(curve);

        for (var i = 0; i < curve.Count; i++)
        {
            Assert.Equal(curve.Scores[i], smoothed.Smoothed[i], 2);
        }

        Assert.NotNull(smoothed.Hyperparameters);
        Assert.Null(SmoothedCurve.Unsmoothed(curve).Hyperparameters);
    }
}
