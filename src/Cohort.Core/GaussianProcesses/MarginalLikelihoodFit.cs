namespace Cohort.Core.GaussianProcesses;

/// <summary>The result of <see cref="MarginalLikelihood.Maximize"/>: the fitted process and the parameters θ that made it.</summary>
/// <param name="Process">The process at the best θ found.</param>
/// <param name="Parameters">That θ (pass it back as a start when the data grows).</param>
public sealed record MarginalLikelihoodFit(GaussianProcess Process, IReadOnlyList<double> Parameters);
