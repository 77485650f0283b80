using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;

namespace Cohort.Core.Strategies;

/// <summary>
/// Perturb (Jaderberg et al. 2017; paper 000 sec. 4.1 "randomly perturb the hyperparameters by a factor of 0.2, 0.5,
/// 1.5 or 2"; paper 001 {0.5, 0.8, 1.25, 2.0}): each searched numeric hyperparameter is multiplied by a factor drawn
/// uniformly from <see cref="Factors"/> (default {0.8, 1.2}), independently per parameter; with probability
/// <see cref="ResampleProbability"/> it is instead resampled from its prior (paper 002: "or resampling from the
/// originally defined prior distribution"). The result is brought back into bounds by the parameter's boundary policy.
/// Integers are rounded, and move by at least one in the factor's direction (so 1 × 1.2 becomes 2, not 1 again).
/// Categoricals move to a uniformly chosen neighbouring choice. A value of 0 stays 0 under multiplication.
/// </summary>
public sealed class PerturbExplore : IExploreStrategy
{
    public static readonly IReadOnlyList<double> DefaultFactors = [0.8, 1.2];

    /// <summary>Paper 000's factors.</summary>
    public static readonly IReadOnlyList<double> Paper000Factors = [0.2, 0.5, 1.5, 2.0];

    /// <summary>Paper 001's (FIRE PBT) factors.</summary>
    public static readonly IReadOnlyList<double> Paper001Factors = [0.5, 0.8, 1.25, 2.0];

    public PerturbExplore(IReadOnlyList<double>? factors = null, double resampleProbability = 0)
    {
        var f = (factors ?? DefaultFactors).ToArray();
        if (f.Length == 0)
        {
            throw new ArgumentException("The list of perturbation factors is empty.", nameof(factors));
        }

        foreach (var x in f.Where(x => !(double.IsFinite(x) && x > 0)))
        {
            throw new ArgumentOutOfRangeException(nameof(factors), x, string.Create(CultureInfo.InvariantCulture, $"Perturbation factors must be finite and > 0; got {x}."));
        }

        if (!(resampleProbability >= 0 && resampleProbability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(resampleProbability), resampleProbability, string.Create(CultureInfo.InvariantCulture, $"The resample probability must be in [0, 1]; got {resampleProbability}."));
        }

        Factors = f;
        ResampleProbability = resampleProbability;
    }

    public IReadOnlyList<double> Factors { get; }

    public double ResampleProbability { get; }

    public string Name => "perturb";

    public ExploreResult Explore(ExploreContext context, Rng rng) =>
        ExploreHelpers.Apply(context, rng, ResampleProbability, (p, value, r) =>
        {
            switch (p)
            {
                case NumericParameter n:
                    var factor = Factors[r.NextInt(Factors.Count)];
                    var x = value.Number * factor;
                    if (n.IsInteger)
                    {
                        var rounded = Math.Round(x, MidpointRounding.AwayFromZero);
                        if (rounded == value.Number && factor != 1 && value.Number != 0)
                        {
                            rounded += factor > 1 ? 1 : -1;
                        }

                        x = rounded;
                    }

                    return (HyperValue.Of(n.Fit(x)), "*" + ExploreHelpers.F(factor));
                case CategoricalParameter c:
                    return (ExploreHelpers.Neighbour(c, value, r), "neighbour");
                default:
                    return (value, "keep");
            }
        });
}
