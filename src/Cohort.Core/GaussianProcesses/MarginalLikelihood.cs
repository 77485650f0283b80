using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Cohort.Core.GaussianProcesses;

/// <summary>
/// Type-II maximum likelihood ("empirical Bayes", Rasmussen &amp; Williams 2006 sec. 5.4.1): the model parameters θ
/// that maximise log p(y | X, θ), found by a local search from each given start. Deterministic: the starts are the
/// caller's, nothing is drawn at random.
/// </summary>
public static class MarginalLikelihood
{
    /// <summary>The value minimised outside the box or where the covariance is not positive definite.</summary>
    private const double Infeasible = 1e300;

    /// <summary>
    /// Runs Nelder–Mead (<see cref="NelderMead"/>: initial steps of <paramref name="step"/>, at most
    /// <paramref name="maxEvaluations"/> evaluations, stopping when the simplex's values agree within
    /// <paramref name="tolerance"/>) on −log p(y | X, θ) from every start in order and keeps the best end point (the
    /// first of equals). θ outside the family's box, or giving a covariance that is not positive definite, scores
    /// 10³⁰⁰.
    /// </summary>
    /// <param name="points">The inputs X, one coordinate vector per observation.</param>
    /// <param name="y">The observations.</param>
    /// <param name="priorMean">The constant prior mean.</param>
    /// <param name="family">θ ↦ model, and the box θ lives in.</param>
    /// <param name="starts">Where the searches start (at least one).</param>
    /// <param name="maxEvaluations">Likelihood evaluations per start.</param>
    /// <param name="tolerance">Stop when the log likelihoods at the simplex's vertices are this close.</param>
    /// <param name="step">The initial simplex's step along each parameter.</param>
    public static MarginalLikelihoodFit Maximize(
        IReadOnlyList<double[]> points,
        IReadOnlyList<double> y,
        double priorMean,
        GpModelFamily family,
        IReadOnlyList<IReadOnlyList<double>> starts,
        int maxEvaluations,
        double tolerance,
        double step = 0.5) =>
        Maximize(points, y, priorMean, family, starts, null, maxEvaluations, tolerance, step);

    /// <summary>
    /// As the public overload, with the log likelihood of a model computed by <paramref name="logLikelihood"/> (NaN when
    /// not positive definite) when given: for a family whose covariance can be built faster than pair by pair through
    /// its kernel (PB2's, from precomputed pairwise terms).
    /// </summary>
    internal static MarginalLikelihoodFit Maximize(
        IReadOnlyList<double[]> points,
        IReadOnlyList<double> y,
        double priorMean,
        GpModelFamily family,
        IReadOnlyList<IReadOnlyList<double>> starts,
        Func<GpModel, double>? logLikelihood,
        int maxEvaluations,
        double tolerance,
        double step = 0.5) =>
        Maximize(
            points,
            y,
            priorMean,
            family,
            starts,
            (xs, ys, mean, model) => GaussianProcess.TryFit(xs, ys, model.Kernel, model.NoiseVariance, mean),
            logLikelihood is null ? (xs, ys, mean, model) => GaussianProcess.LogLikelihood(xs, ys, mean, model.Kernel, model.NoiseVariance) : (_, _, _, model) => logLikelihood(model),
            (f, start) => NelderMead.Minimize(f, start, step, maxEvaluations, tolerance).Point);

    /// <summary>
    /// As the public overload, with MathNet's Nelder–Mead simplex (relative <paramref name="tolerance"/>, at most
    /// <paramref name="maxIterations"/> iterations; a search that does not converge counts as its start): the search
    /// FIRE's curve smoothing has always used, kept so that its results stay the same to the bit.
    /// </summary>
    internal static MarginalLikelihoodFit MaximizeWithMathNet(
        double[][] points,
        double[] y,
        double priorMean,
        GpModelFamily family,
        IReadOnlyList<IReadOnlyList<double>> starts,
        int maxIterations,
        double tolerance) =>
        Maximize(points, y, priorMean, family, starts, (xs, ys, mean, model) => GaussianProcess.Build(xs, ys, mean, model.Kernel, model.NoiseVariance), (xs, ys, mean, model) => GaussianProcess.Build(xs, ys, mean, model.Kernel, model.NoiseVariance)?.LogMarginalLikelihood ?? double.NaN, (f, start) =>
        {
            var initial = Vector<double>.Build.DenseOfArray(start);
            try
            {
                var solver = new NelderMeadSimplex(tolerance, maxIterations);
                return solver.FindMinimum(ObjectiveFunction.Value(p => f(p.ToArray())), initial).MinimizingPoint.ToArray();
            }
            catch (MaximumIterationsException)
            {
                return start;
            }
        });

    private static MarginalLikelihoodFit Maximize(
        IReadOnlyList<double[]> points,
        IReadOnlyList<double> y,
        double priorMean,
        GpModelFamily family,
        IReadOnlyList<IReadOnlyList<double>> starts,
        Func<double[][], double[], double, GpModel, GaussianProcess?> build,
        Func<double[][], double[], double, GpModel, double> logLikelihood,
        Func<Func<double[], double>, double[], double[]> minimize)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(starts);
        if (starts.Count == 0)
        {
            throw new ArgumentException("At least one start is needed.", nameof(starts));
        }

        var (xs, ys) = GaussianProcess.Validate(points, y);

        double Objective(double[] theta)
        {
            if (!family.Contains(theta))
            {
                return Infeasible;
            }

            var lml = logLikelihood(xs, ys, priorMean, family.Model(theta));
            return double.IsNaN(lml) ? Infeasible : -lml;
        }

        double[]? best = null;
        var bestValue = double.PositiveInfinity;
        foreach (var s in starts)
        {
            if (s.Count != family.Count)
            {
                throw new ArgumentException($"A start has {s.Count} parameters; the family has {family.Count}.", nameof(starts));
            }

            var point = minimize(Objective, s.ToArray());
            var value = Objective(point);
            if (value < bestValue)
            {
                bestValue = value;
                best = point;
            }
        }

        var fitted = family.Model(best!);
        var process = build(xs, ys, priorMean, fitted);
        return process is null
            ? throw new InvalidOperationException("No start gave a positive-definite covariance.")
            : new MarginalLikelihoodFit(process, best!);
    }
}
