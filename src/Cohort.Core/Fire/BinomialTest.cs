using MathNet.Numerics;

namespace Cohort.Core.Fire;

/// <summary>Result of <see cref="BinomialTest.Compare"/>: k of n paired points where the evaluator was higher, and the p-value.</summary>
/// <param name="Overlap">The overlapping sections the points were taken from (evaluator = A, target = B).</param>
/// <param name="Successes">k: points where y^η &gt; y^ρchild (ties are not successes).</param>
/// <param name="Trials">n: the length of the overlapping section.</param>
/// <param name="PValue">P(X ≥ k) for X ~ Binomial(n, ½).</param>
public sealed record BinomialComparison(OverlapSection Overlap, int Successes, int Trials, double PValue);

/// <summary>
/// The exact one-sided binomial test of FIRE PBT (paper 001 section 3.2, "Testing for statistical significance"):
/// is the evaluator's curve higher than its target's on their overlapping section more often than chance?
/// </summary>
public static class BinomialTest
{
    /// <summary>
    /// P(X ≥ k) for X ~ Binomial(n, ½), the one-sided p-value of k successes in n fair trials. Computed as the
    /// regularised incomplete beta I_½(k, n − k + 1) (MathNet), which is exact and keeps tiny tails accurate.
    /// </summary>
    public static double UpperTailPValue(int successes, int trials)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trials);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        if (successes == 0)
        {
            return 1.0;
        }

        return Math.Clamp(SpecialFunctions.BetaRegularized(successes, trials - successes + 1, 0.5), 0.0, 1.0);
    }

    /// <summary>
    /// binom_test(η, ρ_child): extracts the overlapping sections as in section 3.1.1 (smoothed curves), counts the
    /// pairwise comparisons y^η[r+i] &gt; y^ρ[s+i] for i in [0, n), and returns the p-value P(X ≥ k | n, ½);
    /// null when the curves do not overlap. The paper lists the pairs as y_{r+1} … y_{r+n}; we use the same 0-based
    /// window [r, r+n) as best_score_diff so both statistics see the same points.
    /// </summary>
    public static BinomialComparison? Compare(SmoothedCurve evaluator, SmoothedCurve target)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(target);
        var overlap = CurveComparison.FindOverlap(evaluator, target);
        if (overlap is null)
        {
            return null;
        }

        var k = 0;
        for (var i = 0; i < overlap.Length; i++)
        {
            if (evaluator.Curve.Scores[overlap.StartA + i] > target.Curve.Scores[overlap.StartB + i])
            {
                k++;
            }
        }

        return new BinomialComparison(overlap, k, overlap.Length, UpperTailPValue(k, overlap.Length));
    }
}
