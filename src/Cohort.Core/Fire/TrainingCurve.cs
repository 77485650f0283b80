using Cohort.Core.GaussianProcesses;

namespace Cohort.Core.Fire;

/// <summary>
/// A training curve [(x₁, y₁), …, (xₙ, yₙ)] of paper 001 section 3.1.1: regularly spaced steps and the objective Q
/// evaluated there, as a score where higher is better. x₁ is the step at which the evaluator copied its weights.
/// </summary>
public sealed class TrainingCurve
{
    private readonly double[] _steps;
    private readonly double[] _scores;

    /// <summary>Builds a curve; steps must be finite and strictly increasing, scores finite.</summary>
    public TrainingCurve(IReadOnlyList<double> steps, IReadOnlyList<double> scores)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(scores);
        if (steps.Count != scores.Count)
        {
            throw new ArgumentException($"{steps.Count} steps but {scores.Count} scores.", nameof(scores));
        }

        if (steps.Count == 0)
        {
            throw new ArgumentException("A training curve needs at least one point.", nameof(steps));
        }

        _steps = steps.ToArray();
        _scores = scores.ToArray();
        for (var i = 0; i < _steps.Length; i++)
        {
            if (!double.IsFinite(_steps[i]) || !double.IsFinite(_scores[i]))
            {
                throw new ArgumentException($"Point {i} ({_steps[i]}, {_scores[i]}) is not finite.", nameof(scores));
            }

            if (i > 0 && _steps[i] <= _steps[i - 1])
            {
                throw new ArgumentException($"Steps must increase strictly: step {i} is {_steps[i]} after {_steps[i - 1]}.", nameof(steps));
            }
        }
    }

    /// <summary>The steps x.</summary>
    public IReadOnlyList<double> Steps => _steps;

    /// <summary>The raw scores y.</summary>
    public IReadOnlyList<double> Scores => _scores;

    /// <summary>Number of points.</summary>
    public int Count => _steps.Length;

    /// <summary>Builds a curve from (step, score) pairs.</summary>
    public static TrainingCurve FromPoints(IEnumerable<(double Step, double Score)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var list = points.ToList();
        return new TrainingCurve(list.Select(p => p.Step).ToArray(), list.Select(p => p.Score).ToArray());
    }
}

/// <summary>
/// A training curve with its GP smoothing ŷ (paper 001 section 3.1.1 step 1). The smoothing is only used to find the
/// starts of overlapping sections; comparisons use the raw scores.
/// </summary>
public sealed class SmoothedCurve
{
    private readonly double[] _smoothed;

    /// <summary>Wraps a curve and its smoothed scores (one per point), with the GP hyperparameters if a GP made them.</summary>
    public SmoothedCurve(TrainingCurve curve, IReadOnlyList<double> smoothed, MaternHyperparameters? hyperparameters = null)
    {
        ArgumentNullException.ThrowIfNull(curve);
        ArgumentNullException.ThrowIfNull(smoothed);
        if (smoothed.Count != curve.Count)
        {
            throw new ArgumentException($"{smoothed.Count} smoothed values for a curve of {curve.Count} points.", nameof(smoothed));
        }

        Curve = curve;
        _smoothed = smoothed.ToArray();
        Hyperparameters = hyperparameters;
    }

    /// <summary>The fitted GP hyperparameters (null when not smoothed by a GP); pass as <see cref="GpFitOptions.WarmStart"/> when the curve grows.</summary>
    public MaternHyperparameters? Hyperparameters { get; }

    /// <summary>The raw curve.</summary>
    public TrainingCurve Curve { get; }

    /// <summary>ŷ: the GP posterior mean at each step.</summary>
    public IReadOnlyList<double> Smoothed => _smoothed;

    /// <summary>Number of points.</summary>
    public int Count => Curve.Count;

    /// <summary>
    /// Smooths a curve with a Matérn 5/2 GP whose hyperparameters are fitted by empirical Bayes. Scores beyond ±2^256
    /// (a diverging member's loss of 1e300, say) would overflow the GP's variances, so such a curve is fitted divided
    /// by a power of two (exact) and its smoothing multiplied back; the hyperparameters of that fit are in the divided
    /// units and not returned.
    /// </summary>
    public static SmoothedCurve Fit(TrainingCurve curve, GpFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(curve);
        var largest = curve.Scores.Max(Math.Abs);
        if (largest <= LargestFittedScore)
        {
            var gp = GaussianProcess.FitEmpiricalBayes(curve.Steps, curve.Scores, options);
            return new SmoothedCurve(curve, gp.PredictMeans(curve.Steps), MaternHyperparameters.Of(gp));
        }

        var scale = Math.ScaleB(1.0, Math.ILogB(largest));
        var scaled = GaussianProcess.FitEmpiricalBayes(
            curve.Steps, curve.Scores.Select(y => y / scale).ToArray(), options is null ? null : options with { WarmStart = null });
        return new SmoothedCurve(curve, scaled.PredictMeans(curve.Steps).Select(y => y * scale).ToArray());
    }

    /// <summary>The largest |score| fitted in the data's own units (2^256 ≈ 1.2e77; squares and sums of squares stay finite).</summary>
    private const double LargestFittedScore = 1.157920892373162e77;

    /// <summary>Smoothing that is the raw curve itself (for noiseless curves and tests).</summary>
    public static SmoothedCurve Unsmoothed(TrainingCurve curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        return new SmoothedCurve(curve, curve.Scores);
    }
}
