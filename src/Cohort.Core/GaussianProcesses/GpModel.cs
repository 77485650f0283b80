namespace Cohort.Core.GaussianProcesses;

/// <summary>A kernel and the observation noise σ_n² added to the diagonal: everything a fit needs besides the data.</summary>
/// <param name="Kernel">The covariance function.</param>
/// <param name="NoiseVariance">σ_n² (≥ 0).</param>
public sealed record GpModel(IKernel Kernel, double NoiseVariance);
