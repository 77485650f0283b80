using Cohort.Core.GaussianProcesses;

namespace Cohort.Core.Fire;

/// <summary>
/// Overlapping sections of two curves (paper 001 section 3.1.1 steps 2–3): curve A's section is points
/// [<see cref="StartA"/>, StartA + Length), curve B's is [<see cref="StartB"/>, StartB + Length). Indices are 0-based
/// (the paper's r and s).
/// </summary>
public sealed record OverlapSection(int StartA, int StartB, int Length);

/// <summary>Options of <see cref="CurveComparison.BestScoreDiff(SmoothedCurve, SmoothedCurve, CurveComparisonOptions?)"/>.</summary>
/// <param name="PenaltyValues">
/// How many evenly spaced penalties δ (end points included) are tried over the paper's range in the penalised case.
/// The paper says only "multiple values"; 21 is our choice.
/// </param>
public sealed record CurveComparisonOptions(int PenaltyValues = 21)
{
    /// <summary>The defaults.</summary>
    public static CurveComparisonOptions Default { get; } = new();
}

/// <summary>
/// The comparison of two evaluator training curves of FIRE PBT, <c>best_score_diff(η, κ)</c> (paper 001 section 3.1.1),
/// and the fitness of parent sub-population members built from it (section 3.1.2). Positive means the first curve
/// (η) is improving faster than the second (κ).
/// </summary>
/// <remarks>
/// Choices where the paper's text is ambiguous or garbled:
/// <list type="bullet">
/// <item>Step 3: the extraction reads n = max(len(xη) − r, len(xκ) − s), but the prose ("the maximum number of steps
/// for which <em>both</em> curves have evaluations … the right curve has fewer steps past its starting point and
/// therefore constrains the length") requires n = min(…); we use min.</item>
/// <item>Step 2: "reaches that performance" is taken as ŷ ≥ the other's smoothed start; equal smoothed starts give
/// r = s = 0. Windows are 0-based half-open, y[r..r+n).</item>
/// <item>No overlap: the lower-starting curve's smoothing never reaches the higher curve's smoothed start. The paper
/// defines the penalised case only for η being the higher curve; when κ is the higher one we return
/// −best_score_diff(κ, η), which keeps best_score_diff antisymmetric (as it is in the overlapping case).</item>
/// <item>The penalised curve (x, y − δ) has smoothing ŷ − δ (the GP has a constant prior mean, so smoothing commutes
/// with the shift); δ values whose penalised curve still does not overlap are skipped. The δ range is the paper's
/// [min(yη) − max(yκ), min(yη) − min(yκ)] on raw scores.</item>
/// </list>
/// </remarks>
public static class CurveComparison
{
    /// <summary>Finds the overlapping sections of two smoothed curves, or null when they do not overlap.</summary>
    public static OverlapSection? FindOverlap(SmoothedCurve a, SmoothedCurve b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return FindOverlap(a, 0.0, b);
    }

    /// <summary>
    /// best_score_diff(η = <paramref name="a"/>, κ = <paramref name="b"/>): max y^η[r..r+n) − max y^κ[s..s+n) on the
    /// overlapping sections, or the penalised-curve result when the curves do not overlap (see remarks on the type).
    /// </summary>
    public static double BestScoreDiff(SmoothedCurve a, SmoothedCurve b, CurveComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        options ??= CurveComparisonOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PenaltyValues, 1);

        var overlap = FindOverlap(a, 0.0, b);
        if (overlap is not null)
        {
            return DiffOn(a, 0.0, b, overlap);
        }

        // No overlap: one curve is entirely above the other (section 3.1.1, Assumption 2).
        return a.Smoothed[0] > b.Smoothed[0]
            ? PenalisedDiff(a, b, options)
            : -PenalisedDiff(b, a, options);
    }

    /// <summary>Smooths both curves (GP, empirical Bayes) and returns best_score_diff.</summary>
    public static double BestScoreDiff(TrainingCurve a, TrainingCurve b, CurveComparisonOptions? options = null, GpFitOptions? gpOptions = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return BestScoreDiff(SmoothedCurve.Fit(a, gpOptions), SmoothedCurve.Fit(b, gpOptions), options);
    }

    /// <summary>
    /// fitness(ρ_j) = Σ_{ρ_k ∈ Φ} best_score_diff(η_ρj, η_ρk) (section 3.1.2): the sum over the evaluator curves of the
    /// other evaluated members of the same parent sub-population (the k = j term is zero and may be included or not).
    /// </summary>
    public static double Fitness(SmoothedCurve own, IEnumerable<SmoothedCurve> others, CurveComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(others);
        var sum = 0.0;
        foreach (var other in others)
        {
            if (!ReferenceEquals(other, own))
            {
                sum += BestScoreDiff(own, other, options);
            }
        }

        return sum;
    }

    /// <summary>The fitness of every member of Φ, given their evaluator curves in order (section 3.1.2).</summary>
    public static double[] Fitnesses(IReadOnlyList<SmoothedCurve> curves, CurveComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var n = curves.Count;
        var fitness = new double[n];
        for (var j = 0; j < n; j++)
        {
            for (var k = j + 1; k < n; k++)
            {
                // best_score_diff is antisymmetric, so each pair is computed once.
                var d = BestScoreDiff(curves[j], curves[k], options);
                fitness[j] += d;
                fitness[k] -= d;
            }
        }

        return fitness;
    }

    /// <summary>Overlap of (a shifted down by <paramref name="penaltyA"/>) with b.</summary>
    internal static OverlapSection? FindOverlap(SmoothedCurve a, double penaltyA, SmoothedCurve b)
    {
        var a0 = a.Smoothed[0] - penaltyA;
        var b0 = b.Smoothed[0];
        if (a0 == b0)
        {
            return new OverlapSection(0, 0, Math.Min(a.Count, b.Count));
        }

        if (a0 < b0)
        {
            for (var r = 0; r < a.Count; r++)
            {
                if (a.Smoothed[r] - penaltyA >= b0)
                {
                    return new OverlapSection(r, 0, Math.Min(a.Count - r, b.Count));
                }
            }

            return null;
        }

        for (var s = 0; s < b.Count; s++)
        {
            if (b.Smoothed[s] >= a0)
            {
                return new OverlapSection(0, s, Math.Min(a.Count, b.Count - s));
            }
        }

        return null;
    }

    private static double DiffOn(SmoothedCurve a, double penaltyA, SmoothedCurve b, OverlapSection o) =>
        MaxOf(a.Curve.Scores, o.StartA, o.Length) - penaltyA - MaxOf(b.Curve.Scores, o.StartB, o.Length);

    /// <summary>The penalised case with <paramref name="high"/> (η) strictly above <paramref name="low"/> (κ).</summary>
    private static double PenalisedDiff(SmoothedCurve high, SmoothedCurve low, CurveComparisonOptions options)
    {
        var minHigh = high.Curve.Scores.Min();
        var lo = minHigh - low.Curve.Scores.Max();
        var hi = minHigh - low.Curve.Scores.Min();
        var count = options.PenaltyValues;
        var best = 0.0;
        for (var i = 0; i < count; i++)
        {
            var delta = count == 1 ? lo : lo + ((hi - lo) * i / (count - 1));
            var overlap = FindOverlap(high, delta, low);
            if (overlap is null)
            {
                continue;
            }

            var d = DiffOn(high, delta, low, overlap);
            if (d > best)
            {
                best = d;
            }
        }

        return best;
    }

    private static double MaxOf(IReadOnlyList<double> values, int start, int length)
    {
        var max = double.NegativeInfinity;
        for (var i = start; i < start + length; i++)
        {
            max = Math.Max(max, values[i]);
        }

        return max;
    }
}
