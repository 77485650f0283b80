using Cohort.Core.Fire;

namespace Cohort.Core.Tests.Fire;

public sealed class BinomialTestTests
{
    private static SmoothedCurve Raw(params double[] scores) =>
        SmoothedCurve.Unsmoothed(new TrainingCurve(Enumerable.Range(0, scores.Length).Select(i => 100.0 * i).ToArray(), scores));

    /// <summary>P(X ≥ k | n, ½) = Σ_{i ≥ k} C(n, i) / 2ⁿ from Pascal's triangle, independently of MathNet.</summary>
    private static double PascalTail(int k, int n)
    {
        var row = new double[n + 1];
        row[0] = 1.0;
        for (var m = 1; m <= n; m++)
        {
            for (var i = m; i > 0; i--)
            {
                row[i] += row[i - 1];
            }
        }

        var sum = 0.0;
        for (var i = k; i <= n; i++)
        {
            sum += row[i];
        }

        return sum / Math.Pow(2.0, n);
    }

    [Fact]
    public void Should_Be56Over1024_When_EightOfTen()
    {
        Assert.Equal(56.0 / 1024.0, BinomialTest.UpperTailPValue(8, 10), 14);
    }

    [Fact]
    public void Should_Be1Over1024_When_TenOfTen()
    {
        Assert.Equal(1.0 / 1024.0, BinomialTest.UpperTailPValue(10, 10), 15);
    }

    [Fact]
    public void Should_BeOne_When_NoSuccesses()
    {
        Assert.Equal(1.0, BinomialTest.UpperTailPValue(0, 7));
        Assert.Equal(1.0, BinomialTest.UpperTailPValue(0, 0));
    }

    [Fact]
    public void Should_MatchPascalTriangle_When_AnyKUpToThirty()
    {
        for (var n = 1; n <= 30; n++)
        {
            for (var k = 0; k <= n; k++)
            {
                var expected = PascalTail(k, n);
                Assert.True(Math.Abs(BinomialTest.UpperTailPValue(k, n) - expected) <= 1e-12 * Math.Max(expected, 1e-3), $"k={k} n={n}");
            }
        }
    }

    [Fact]
    public void Should_KeepRelativeAccuracy_When_TailIsTiny()
    {
        // P(X ≥ 60 | 60) = 2^-60 and P(X ≥ 59 | 60) = 61 · 2^-60.
        Assert.Equal(1.0, BinomialTest.UpperTailPValue(60, 60) / Math.Pow(2.0, -60), 10);
        Assert.Equal(1.0, BinomialTest.UpperTailPValue(59, 60) / (61.0 * Math.Pow(2.0, -60)), 10);
    }

    [Fact]
    public void Should_Throw_When_SuccessesExceedTrials()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BinomialTest.UpperTailPValue(4, 3));
    }

    [Fact]
    public void Should_CountPairsOnOverlap_When_EvaluatorHigherOnNineOfTen()
    {
        // Evaluator and target both start at 0 (r = s = 0, n = 10); evaluator is higher except at the start (a tie).
        var target = Raw(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        var evaluator = Raw(0, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5);

        var result = BinomialTest.Compare(evaluator, target);

        Assert.NotNull(result);
        Assert.Equal(new OverlapSection(0, 0, 10), result.Overlap);
        Assert.Equal(9, result.Successes);
        Assert.Equal(10, result.Trials);
        Assert.Equal(11.0 / 1024.0, result.PValue, 14);
    }

    [Fact]
    public void Should_ReturnNull_When_CurvesDoNotOverlap()
    {
        Assert.Null(BinomialTest.Compare(Raw(5, 6, 7), Raw(0, 1, 2)));
    }
}
