namespace Cohort.Core.Fire;

/// <summary>What an evaluator does after comparing its curve with its target's (paper 001 section 3.2).</summary>
public enum EvaluatorDecision
{
    /// <summary>Keep training.</summary>
    Continue,

    /// <summary>Stop: it is no longer plausible that the evaluator beats its target.</summary>
    Stop,

    /// <summary>Success: the target copies the evaluator's weights.</summary>
    Succeed,
}

/// <summary>Parameters of the evaluator criteria.</summary>
/// <param name="MaxEvalSteps">max_eval_steps.</param>
/// <param name="PStat">p_stat; the paper uses 0.01 throughout.</param>
public sealed record EvaluatorCriteriaOptions(double MaxEvalSteps, double PStat = 0.01);

/// <summary>The evaluation of <see cref="EvaluatorCriteria.Decide"/> with the statistics it was based on.</summary>
public sealed record EvaluatorVerdict(EvaluatorDecision Decision, double BestScoreDiff, BinomialComparison? Binomial, string Reason);

/// <summary>
/// Evaluator stopping and success criteria (paper 001 section 3.2). With T the steps the evaluator has trained:
/// success when best_score_diff(η, ρ_child) &gt; 0 and binom_test(η, ρ_child) &lt; p_stat; stop when the curves do not
/// overlap and T &gt; max_eval_steps, or when they overlap and binom_test &gt; p_stat + max(0, 1 − T/max_eval_steps).
/// Success is checked before stopping (both cannot hold at once when they overlap, since p &lt; p_stat ≤ threshold).
/// </summary>
public static class EvaluatorCriteria
{
    /// <summary>Decides for evaluator η (<paramref name="evaluator"/>) against its target ρ_child.</summary>
    public static EvaluatorVerdict Decide(
        SmoothedCurve evaluator,
        SmoothedCurve target,
        double trainedSteps,
        EvaluatorCriteriaOptions criteria,
        CurveComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(criteria);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(criteria.MaxEvalSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(trainedSteps);

        var diff = CurveComparison.BestScoreDiff(evaluator, target, options);
        var binomial = BinomialTest.Compare(evaluator, target);
        if (binomial is null)
        {
            return trainedSteps > criteria.MaxEvalSteps
                ? new EvaluatorVerdict(EvaluatorDecision.Stop, diff, null, "no overlap and T > max_eval_steps")
                : new EvaluatorVerdict(EvaluatorDecision.Continue, diff, null, "no overlap yet");
        }

        if (diff > 0 && binomial.PValue < criteria.PStat)
        {
            return new EvaluatorVerdict(EvaluatorDecision.Succeed, diff, binomial, "best_score_diff > 0 and p < p_stat");
        }

        var threshold = criteria.PStat + Math.Max(0.0, 1.0 - (trainedSteps / criteria.MaxEvalSteps));
        return binomial.PValue > threshold
            ? new EvaluatorVerdict(EvaluatorDecision.Stop, diff, binomial, "p > p_stat + max(0, 1 − T/max_eval_steps)")
            : new EvaluatorVerdict(EvaluatorDecision.Continue, diff, binomial, "still plausible");
    }
}
