using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Cohort.Core.GaussianProcesses;

/// <summary>
/// Type-II maximum likelihood ("empirical Bayes", Rasmussen &amp; Williams 2006 sec. 5.4.1): the model parameters θ
/// that maximise log p(y | X, θ), found by Nelder–Mead from each given start. Deterministic: the starts are the
/// caller's, nothing is drawn at random.
/// </summary>
public static class MarginalLikelihood
{
    /// <summary>The value minimised outside the box or where the covariance is not positive definite.</summary>
    private const double Infeasible = 1e300;

    /// <summary>
    /// Runs Nelder–Mead on −log p(y | X, θ) from every start in order and keeps the best end point (the first of equals).
    /// θ outside the family's box, or giving a covariance that is not positive definite, scores
    /// <see cref="Infeasible"/>. A start whose search does not converge within <paramref name="maxIterations"/> counts
    /// as its own end point.
    /// </summary>
    /// <param name="points">The inputs X, one coordinate vector per observation.</param>
    /// <param name="y">The observations.</param>
    /// <param name="priorMean">The constant prior mean.</param>
    /// <param name="family">θ ↦ model, and the box θ lives in.</param>
    /// <param name="starts">Where Nelder–Mead starts (at least one).</param>
    /// <param name="maxIterations">Nelder–Mead iterations per start.</param>
    /// <param name="tolerance">Convergence tolerance on the objective.</param>
    public static MarginalLikelihoodFit Maximize(
        IReadOnlyList<double[]> points,
        IReadOnlyList<double> y,
        double priorMean,
        GpModelFamily family,
        IReadOnlyList<IReadOnlyList<double>> starts,
        int maxIterations,
        double tolerance)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(starts);
        if (starts.Count == 0)
        {
            throw new ArgumentException("At least one start is needed.", nameof(starts));
        }

        var (xs, ys) = GaussianProcess.Validate(points, y);

        double Objective(Vector<double> p)
        {
            var theta = p.ToArray();
            if (!family.Contains(theta))
            {
                return Infeasible;
            }

            var model = family.Model(theta);
            var gp = GaussianProcess.Build(xs, ys, priorMean, model.Kernel, model.NoiseVariance);
            return gp is null || double.IsNaN(gp.LogMarginalLikelihood) ? Infeasible : -gp.LogMarginalLikelihood;
        }

        var objective = ObjectiveFunction.Value(Objective);
        Vector<double>? best = null;
        var bestValue = double.PositiveInfinity;
        foreach (var s in starts)
        {
            if (s.Count != family.Count)
            {
                throw new ArgumentException($"A start has {s.Count} parameters; the family has {family.Count}.", nameof(starts));
            }

            var start = Vector<double>.Build.DenseOfEnumerable(s);
            Vector<double> point;
            try
            {
                var solver = new NelderMeadSimplex(tolerance, maxIterations);
                point = solver.FindMinimum(objective, start).MinimizingPoint;
            }
            catch (MaximumIterationsException)
            {
                point = start;
            }

            var value = Objective(point);
            if (value < bestValue)
            {
                bestValue = value;
                best = point;
            }
        }

        var theta = best!.ToArray();
        var fitted = family.Model(theta);
        var process = GaussianProcess.Build(xs, ys, priorMean, fitted.Kernel, fitted.NoiseVariance);
        return process is null
            ? throw new InvalidOperationException("No start gave a positive-definite covariance.")
            : new MarginalLikelihoodFit(process, theta);
    }
}
