using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;

namespace Cohort.Core.Strategies;

/// <summary>Where <see cref="NoiseExplore"/> adds its Gaussian noise.</summary>
public enum NoiseSpace
{
    /// <summary>x ← x · 2^(σ·N(0,1)) for positive values (paper 003: the l1 scale lives in log2 space, noise N(0, 0.5)).</summary>
    Log2,

    /// <summary>x ← x + σ·(upper − lower)·N(0,1): σ is a fraction of the parameter's range.</summary>
    Linear,
}

/// <summary>
/// Additive Gaussian noise (paper 003: "adding noise to our regularizer value … normal distribution with a mean of 0.0
/// and standard deviation of 0.5", the regulariser being stored as log2 of its scale). Default σ = 0.5 in log2 space.
/// In log2 space a value ≤ 0 (possible only for a linear-scale parameter) gets the linear noise instead. Results are
/// brought back into bounds by the parameter's boundary policy; integers are rounded; categoricals move to a neighbour.
/// With <see cref="ResampleProbability"/> a parameter is resampled from its prior instead.
/// </summary>
public sealed class NoiseExplore : IExploreStrategy
{
    public const double DefaultSigma = 0.5;

    public NoiseExplore(double sigma = DefaultSigma, NoiseSpace space = NoiseSpace.Log2, double resampleProbability = 0)
    {
        if (!(double.IsFinite(sigma) && sigma > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, string.Create(CultureInfo.InvariantCulture, $"The noise sigma must be finite and > 0; got {sigma}."));
        }

        if (!(resampleProbability >= 0 && resampleProbability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(resampleProbability), resampleProbability, string.Create(CultureInfo.InvariantCulture, $"The resample probability must be in [0, 1]; got {resampleProbability}."));
        }

        Sigma = sigma;
        Space = space;
        ResampleProbability = resampleProbability;
    }

    public double Sigma { get; }

    public NoiseSpace Space { get; }

    public double ResampleProbability { get; }

    public string Name => "noise";

    public ExploreResult Explore(ExploreContext context, Rng rng) =>
        ExploreHelpers.Apply(context, rng, ResampleProbability, (p, value, r) =>
        {
            switch (p)
            {
                case NumericParameter n:
                    var z = Sigma * r.NextGaussian();
                    double x;
                    string description;
                    if (Space == NoiseSpace.Log2 && value.Number > 0)
                    {
                        x = value.Number * Math.Pow(2, z);
                        description = "log2+" + ExploreHelpers.F(z);
                    }
                    else
                    {
                        var step = n.Widths(z);
                        x = value.Number + step;
                        description = "+" + ExploreHelpers.F(step);
                    }

                    return (HyperValue.Of(n.Fit(x)), description);
                case CategoricalParameter c:
                    return (ExploreHelpers.Neighbour(c, value, r), "neighbour");
                default:
                    return (value, "keep");
            }
        });
}
