using Cohort.Core.Fire;

namespace Cohort.Core.Tests.Fire;

public sealed class CurveComparisonTests
{
    private static SmoothedCurve Raw(params double[] scores) =>
        SmoothedCurve.Unsmoothed(new TrainingCurve(Enumerable.Range(0, scores.Length).Select(i => 100.0 * i).ToArray(), scores));

    private static TrainingCurve Curve(double from, double to, double every, Func<double, double> f)
    {
        var steps = new List<double>();
        for (var x = from; x <= to + 1e-9; x += every)
        {
            steps.Add(x);
        }

        return new TrainingCurve(steps, steps.Select(f).ToArray());
    }

    [Fact]
    public void Should_StartLowerCurveWhereItReachesOtherStart_When_CurvesOverlap()
    {
        var a = Raw(0, 1, 2, 3, 4, 5);
        var b = Raw(2.5, 3, 3.2);

        Assert.Equal(new OverlapSection(3, 0, 3), CurveComparison.FindOverlap(a, b));
        Assert.Equal(new OverlapSection(0, 3, 3), CurveComparison.FindOverlap(b, a));
        // max a[3..6) − max b[0..3) = 5 − 3.2.
        Assert.Equal(1.8, CurveComparison.BestScoreDiff(a, b), 12);
    }

    [Fact]
    public void Should_StartBothAtZero_When_SmoothedStartsAreEqual()
    {
        var a = Raw(1.0, 2.0, 4.0);
        var b = Raw(1.0, 1.5, 2.0, 2.5);
        Assert.Equal(new OverlapSection(0, 0, 3), CurveComparison.FindOverlap(a, b));
        Assert.Equal(4.0 - 2.0, CurveComparison.BestScoreDiff(a, b), 12);
    }

    [Fact]
    public void Should_TakeShorterRemainderAsLength_When_OneCurveHasFewerStepsPastItsStart()
    {
        // a has 3 points past r = 3, b has 5: the section length is min(3, 5) = 3 (the paper's prose; its extracted
        // formula says max, which would run off the end of a).
        var a = Raw(0, 1, 2, 3, 4, 5);
        var b = Raw(2.5, 3, 3.2, 9, 10);

        Assert.Equal(new OverlapSection(3, 0, 3), CurveComparison.FindOverlap(a, b));
        Assert.Equal(5 - 3.2, CurveComparison.BestScoreDiff(a, b), 12);
    }

    [Fact]
    public void Should_UseRawScoresNotSmoothing_When_ComparingBestScores()
    {
        // Smoothing decides the overlap (r = 1); the difference uses the raw maxima inside the sections.
        var raw = new TrainingCurve([0, 1, 2, 3], [0.0, 1.0, 5.0, 2.0]);
        var a = new SmoothedCurve(raw, [0.0, 1.0, 2.0, 2.0]);
        var b = Raw(1.0, 1.5, 1.7);
        Assert.Equal(new OverlapSection(1, 0, 3), CurveComparison.FindOverlap(a, b));
        Assert.Equal(5.0 - 1.7, CurveComparison.BestScoreDiff(a, b), 12);
    }

    [Fact]
    public void Should_BePositive_When_FirstCurveImprovesFasterFromSameStart()
    {
        var fast = Curve(0, 2000, 100, x => 0.5 + (0.3 * (1 - Math.Exp(-x / 300.0))));
        var slow = Curve(0, 2000, 100, x => 0.5 + (0.3 * (1 - Math.Exp(-x / 900.0))));

        var d = CurveComparison.BestScoreDiff(fast, slow);

        // Expected about 0.80 − 0.77 (the curves' values at step 2000).
        Assert.InRange(d, 0.02, 0.05);
        Assert.Equal(-d, CurveComparison.BestScoreDiff(slow, fast), 12);
    }

    [Fact]
    public void Should_PreferRightCurve_When_LeftHasHigherAverageRateButWorseOverlap()
    {
        // Given the situation of paper 001 Figure 3: the left evaluator copied its weights at step 1000, the right one
        // at step 1500; both reach step 2000. The left curve starts lower and rises faster on average.
        var left = Curve(1000, 2000, 50, x => 0.8 - (0.5 * Math.Exp(-(x - 1000) / 200.0)));
        var start = 0.8 - (0.5 * Math.Exp(-150 / 200.0)) - 0.01; // just below the left curve at step 1150
        var right = Curve(1500, 2000, 50, x => start + (0.24 * (1 - Math.Exp(-(x - 1500) / 150.0))));
        double AverageRate(TrainingCurve c) => (c.Scores[^1] - c.Scores[0]) / (c.Steps[^1] - c.Steps[0]);
        Assert.True(AverageRate(left) > AverageRate(right));

        // When
        var l = SmoothedCurve.Fit(left);
        var r = SmoothedCurve.Fit(right);
        var overlap = CurveComparison.FindOverlap(l, r);
        var d = CurveComparison.BestScoreDiff(r, l);

        // Then the left section starts near step 1150 and has the right curve's 11 points; the right curve wins.
        Assert.NotNull(overlap);
        Assert.Equal(0, overlap.StartB);
        Assert.InRange(left.Steps[overlap.StartA], 1100.0, 1200.0);
        Assert.Equal(11, overlap.Length);
        Assert.True(d > 0, $"diff = {d}");
        Assert.Equal(-d, CurveComparison.BestScoreDiff(l, r), 12);
    }

    [Fact]
    public void Should_BeAntisymmetric_When_RandomSmoothedCurves()
    {
        var rng = new Random(99);
        for (var trial = 0; trial < 12; trial++)
        {
            var c = new TrainingCurve[2];
            for (var j = 0; j < 2; j++)
            {
                var n = rng.Next(3, 16);
                var level = rng.NextDouble();
                var rate = 0.05 + (0.5 * rng.NextDouble());
                c[j] = new TrainingCurve(
                    Enumerable.Range(0, n).Select(i => 10.0 * i).ToArray(),
                    Enumerable.Range(0, n).Select(i => level + (rate * Math.Sqrt(i)) + (0.05 * rng.NextDouble())).ToArray());
            }

            var a = SmoothedCurve.Fit(c[0]);
            var b = SmoothedCurve.Fit(c[1]);
            Assert.Equal(-CurveComparison.BestScoreDiff(a, b), CurveComparison.BestScoreDiff(b, a), 12);
        }
    }

    [Fact]
    public void Should_ReturnPenalisedDiff_When_HigherCurveAlsoImprovesFaster()
    {
        // η is strictly above κ (min yη = 1 > max yκ = 0): δ ∈ [1, 1]; penalised η = (0, .1, .2, .3) overlaps κ from
        // the start and its best score beats κ's by 0.3.
        var eta = Raw(1.0, 1.1, 1.2, 1.3);
        var kappa = Raw(0.0, 0.0, 0.0, 0.0);

        Assert.Null(CurveComparison.FindOverlap(eta, kappa));
        Assert.Equal(0.3, CurveComparison.BestScoreDiff(eta, kappa), 12);
        Assert.Equal(-0.3, CurveComparison.BestScoreDiff(kappa, eta), 12);
    }

    [Fact]
    public void Should_ReturnZero_When_HigherCurveIsFlatAndLowerImproves()
    {
        // δ ∈ [0.1, 1]: the flat penalised curve 1 − δ never beats κ's best 0.9 inside the overlap.
        var eta = Raw(1.0, 1.0, 1.0);
        var kappa = Raw(0.0, 0.5, 0.9);

        Assert.Equal(0.0, CurveComparison.BestScoreDiff(eta, kappa));
        Assert.Equal(0.0, CurveComparison.BestScoreDiff(kappa, eta));
    }

    [Fact]
    public void Should_ScanPenaltiesAndKeepHighest_When_OnlySomePenaltiesGivePositiveScores()
    {
        // η = (2, 2.2, 2.4), κ = (0, 1, 1.1): δ ∈ [0.9, 2]. On the grid δ = 0.9, 1.0, …, 2.0:
        //   δ = 0.9: penalised η starts at 1.1, κ reaches it at s = 2, n = 1: 1.1 − 1.1 = 0;
        //   δ = 1.0: starts at 1.0, s = 1, n = 2: max(1, 1.2) − max(1, 1.1) = 0.1;
        //   δ ≥ 1.1: max(2 − δ, 2.2 − δ) − 1.1 ≤ 0 (and at δ = 2 the starts tie: 0.4 − 1.1 < 0).
        var eta = Raw(2.0, 2.2, 2.4);
        var kappa = Raw(0.0, 1.0, 1.1);

        Assert.Equal(0.1, CurveComparison.BestScoreDiff(eta, kappa, new CurveComparisonOptions(PenaltyValues: 12)), 10);
        Assert.Equal(-0.1, CurveComparison.BestScoreDiff(kappa, eta, new CurveComparisonOptions(PenaltyValues: 12)), 10);
        // Only the end points δ = 0.9 and δ = 2: nothing positive, so 0.
        Assert.Equal(0.0, CurveComparison.BestScoreDiff(eta, kappa, new CurveComparisonOptions(PenaltyValues: 2)));
    }

    [Fact]
    public void Should_SumPairwiseDiffs_When_ComputingFitness()
    {
        var a = Raw(0.0, 0.4, 0.7, 0.9);
        var b = Raw(0.0, 0.2, 0.35, 0.45);
        var c = Raw(0.1, 0.2, 0.25, 0.3);
        SmoothedCurve[] all = [a, b, c];

        var fitness = CurveComparison.Fitnesses(all);

        Assert.Equal(CurveComparison.BestScoreDiff(a, b) + CurveComparison.BestScoreDiff(a, c), fitness[0], 12);
        Assert.Equal(CurveComparison.Fitness(b, all), fitness[1], 12);
        Assert.Equal(CurveComparison.Fitness(c, [a, b]), fitness[2], 12);
        Assert.Equal(0.0, fitness.Sum(), 12);
        Assert.True(fitness[0] > fitness[1] && fitness[1] > fitness[2], string.Join(", ", fitness));
    }
}
