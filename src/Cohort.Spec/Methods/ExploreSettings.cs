using Cohort.Core.Strategies;

namespace Cohort.Spec.Methods;

/// <summary>
/// The <c>explore</c> of a pbt or fire run: <c>perturb</c> (<see cref="PerturbSettings"/>), <c>log-noise</c> or
/// <c>noise</c> (<see cref="NoiseSettings"/>); either resamples from the prior with <see cref="ResampleProbability"/>.
/// </summary>
public abstract record ExploreSettings(double ResampleProbability)
{
    /// <summary>Core's strategy.</summary>
    public abstract IExploreStrategy Create();
}

/// <summary>Multiplies by one of <paramref name="Factors"/> (default {0.8, 1.2}).</summary>
public sealed record PerturbSettings(SpecList<double> Factors, double ResampleProbability) : ExploreSettings(ResampleProbability)
{
    /// <inheritdoc/>
    public override IExploreStrategy Create() => new PerturbExplore(Factors.ToArray(), ResampleProbability);
}

/// <summary>
/// Adds N(0, <paramref name="Sigma"/>) noise: in log2 space (<c>log-noise</c>, <see cref="NoiseSpace.Log2"/>; paper 003:
/// σ = 0.5) or additive in units of each hyperparameter's range (<c>noise</c>, <see cref="NoiseSpace.Linear"/>).
/// </summary>
public sealed record NoiseSettings(double Sigma, NoiseSpace Space, double ResampleProbability) : ExploreSettings(ResampleProbability)
{
    /// <inheritdoc/>
    public override IExploreStrategy Create() => new NoiseExplore(Sigma, Space, ResampleProbability);
}
