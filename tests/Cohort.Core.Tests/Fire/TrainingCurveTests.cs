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

    [Theory]
    [InlineData(1e300)]
    [InlineData(-1e300)]
    [InlineData(double.MaxValue)]
    public void Should_SmoothToFiniteValues_When_ScoresAreHuge(double huge)
    {
        // Given a diverging member's curve: ordinary scores, then one near the largest double (the GP's variance of
        // these overflowed, its fit came back null and FIRE failed with a NullReferenceException)
        var curve = new TrainingCurve([0.0, 50, 100, 150], [-2.0, -1.5, huge, -1.0]);

        // When
        var smoothed = SmoothedCurve.Fit(curve);

        // Then
        Assert.Equal(4, smoothed.Count);
        Assert.All(smoothed.Smoothed, y => Assert.False(double.IsNaN(y)));
    }

    [Fact]
    public void Should_SmoothAScaledCurveAsItsScaledSmoothing_When_ScoresAreHuge()
    {
        // Given a curve and the same curve times 2^800 (an exact scaling)
        double[] steps = [0, 10, 20, 30, 40, 50];
        double[] scores = [0.1, 0.35, 0.3, 0.55, 0.5, 0.7];
        var scale = Math.ScaleB(1.0, 800);

        // When both are smoothed
        var small = SmoothedCurve.Fit(new TrainingCurve(steps, scores));
        var large = SmoothedCurve.Fit(new TrainingCurve(steps, scores.Select(y => y * scale).ToArray()));

        // Then the large smoothing is the small one scaled (up to where the likelihood optimiser stops)
        for (var i = 0; i < steps.Length; i++)
        {
            Assert.Equal(small.Smoothed[i], large.Smoothed[i] / scale, 1e-3);
        }
    }
}
