namespace Cohort.Core.GaussianProcesses;

/// <summary>Options of the one-dimensional empirical-Bayes fit (<see cref="GaussianProcess.FitEmpiricalBayes"/>).</summary>
/// <param name="MaxIterations">Nelder–Mead iterations per start.</param>
/// <param name="Tolerance">Nelder–Mead convergence tolerance on the negative log marginal likelihood.</param>
/// <param name="WarmStart">
/// When set (e.g. the previous fit of a curve that has grown by a point), Nelder–Mead runs once from these
/// hyperparameters instead of from the grid of starts: about six times cheaper.
/// </param>
public sealed record GpFitOptions(int MaxIterations = 400, double Tolerance = 1e-7, MaternHyperparameters? WarmStart = null)
{
    /// <summary>The defaults.</summary>
    public static GpFitOptions Default { get; } = new();
}
