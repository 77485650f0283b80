using Cohort.Core.Fire;

namespace Cohort.Core.Tests.Fire;

public sealed class EvaluatorCriteriaTests
{
    private static readonly EvaluatorCriteriaOptions Criteria = new(MaxEvalSteps: 1000, PStat: 0.01);

    private static SmoothedCurve Raw(params double[] scores) =>
        SmoothedCurve.Unsmoothed(new TrainingCurve(Enumerable.Range(0, scores.Length).Select(i => 100.0 * i).ToArray(), scores));

    private static SmoothedCurve Line(int n, double start, double slope) =>
        Raw(Enumerable.Range(0, n).Select(i => start + (slope * i)).ToArray());

    [Fact]
    public void Should_Succeed_When_EvaluatorHigherOnEveryOverlappingPoint()
    {
        // Both start at 0; evaluator higher at points 1..9 (k = 9 of n = 10): p = 11/1024 > 0.01, not yet.
        var target = Line(10, 0.0, 1.0);
        var nine = EvaluatorCriteria.Decide(Line(10, 0.0, 1.5), target, 100, Criteria);
        Assert.Equal(EvaluatorDecision.Continue, nine.Decision);
        Assert.Equal(11.0 / 1024.0, nine.Binomial!.PValue, 14);

        // Evaluator starting lower reaches the target's start at r = 1, then is higher at all 10 paired points
        // (0.5 + 1.5i > i): p = 1/1024 < 0.01 and best_score_diff = 14 − 9 > 0.
        var ten = EvaluatorCriteria.Decide(Line(11, -1.0, 1.5), target, 100, Criteria);
        Assert.Equal(new OverlapSection(1, 0, 10), ten.Binomial!.Overlap);
        Assert.Equal(10, ten.Binomial.Successes);
        Assert.Equal(EvaluatorDecision.Succeed, ten.Decision);
        Assert.True(ten.BestScoreDiff > 0);
    }

    [Fact]
    public void Should_StopOnlyAfterMaxEvalSteps_When_CurvesDoNotOverlap()
    {
        var evaluator = Raw(0.0, 0.1, 0.2);
        var target = Raw(5.0, 5.1, 5.2);

        Assert.Equal(EvaluatorDecision.Continue, EvaluatorCriteria.Decide(evaluator, target, 1000, Criteria).Decision);
        Assert.Equal(EvaluatorDecision.Stop, EvaluatorCriteria.Decide(evaluator, target, 1001, Criteria).Decision);
    }

    [Fact]
    public void Should_LoosenThresholdEarly_When_EvaluatorIsBehindOnOverlap()
    {
        // Evaluator lower at every overlapping point: k = 0, p = 1.
        var evaluator = Line(10, 0.0, 0.5);
        var target = Line(10, 0.0, 1.0);

        // T = 0: threshold p_stat + 1 = 1.01 > 1, keep going; T = 500: 0.51 < 1, stop.
        Assert.Equal(EvaluatorDecision.Continue, EvaluatorCriteria.Decide(evaluator, target, 0, Criteria).Decision);
        var late = EvaluatorCriteria.Decide(evaluator, target, 500, Criteria);
        Assert.Equal(EvaluatorDecision.Stop, late.Decision);
        Assert.Equal(1.0, late.Binomial!.PValue);
    }

    [Fact]
    public void Should_NotSucceed_When_SignificantButBestScoreNotHigher()
    {
        // Evaluator (0, 1 ×19, 5) reaches the target's start 0.5 at r = 1; against the target (0.5, 0 ×18, 5) it is
        // higher at 19 of 20 pairs (the last is a tie): p = 21/2²⁰ < 0.01, but both best scores are 5.
        var evaluator = Raw([0.0, .. Enumerable.Repeat(1.0, 19), 5.0]);
        var target = Raw([0.5, .. Enumerable.Repeat(0.0, 18), 5.0]);

        var verdict = EvaluatorCriteria.Decide(evaluator, target, 100, Criteria);

        Assert.Equal(19, verdict.Binomial!.Successes);
        Assert.Equal(21.0 / 1048576.0, verdict.Binomial.PValue, 14);
        Assert.Equal(0.0, verdict.BestScoreDiff);
        Assert.Equal(EvaluatorDecision.Continue, verdict.Decision);
    }

    [Fact]
    public void Should_TightenThresholdToPStat_When_TrainedStepsReachMaxEvalSteps()
    {
        // Evaluator higher at 6 of 10 overlapping pairs (the first is a tie): p = P(X ≥ 6 | 10, ½) = 386/1024 ≈ 0.377.
        // best_score_diff = 2 − 1 > 0 but p ≥ p_stat, so never a success; the threshold p_stat + max(0, 1 − T/1000)
        // is 0.51 at T = 500 (continue), 0.31 at T = 700 (stop) and exactly p_stat from T = 1000 on (stop).
        var evaluator = Raw(0, 2, 2, 2, 2, 2, 2, 0, 0, 0);
        var target = Raw(0, 1, 1, 1, 1, 1, 1, 1, 1, 1);

        var early = EvaluatorCriteria.Decide(evaluator, target, 500, Criteria);
        var mid = EvaluatorCriteria.Decide(evaluator, target, 700, Criteria);
        var late = EvaluatorCriteria.Decide(evaluator, target, 5000, Criteria);

        Assert.Equal(386.0 / 1024.0, early.Binomial!.PValue, 12);
        Assert.Equal(1.0, early.BestScoreDiff);
        Assert.Equal(EvaluatorDecision.Continue, early.Decision);
        Assert.Equal(EvaluatorDecision.Stop, mid.Decision);
        Assert.Equal(EvaluatorDecision.Stop, late.Decision);
    }
}
