using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;

namespace Cohort.Core.Strategies;

/// <summary>The hyperparameters after explore and a description of what was done (recorded in the Explored event).</summary>
public sealed record ExploreResult(HyperparameterSet After, string Operator);

/// <summary>
/// Explore (paper 002 Algorithm 1, line 9): proposes new hyperparameters for a member, from the ones it has now
/// (perturb, noise) or from the run's history (PB2). Only searched parameters change (constants never do); every result
/// stays inside the bounds of its parameter (clamp or reflect), integers stay whole and categoricals take one of their
/// choices. All randomness comes from the given generator, drawn in a fixed order, so decisions replay exactly.
/// </summary>
public interface IExploreStrategy
{
    /// <summary>A short name for events and summaries (<c>perturb</c>, <c>noise</c>, <c>pb2</c>, …).</summary>
    string Name { get; }

    /// <summary>New hyperparameters for <see cref="ExploreContext.Member"/>, starting from <see cref="ExploreContext.Current"/>.</summary>
    ExploreResult Explore(ExploreContext context, Rng rng);
}

/// <summary>Calls for a strategy outside a scheduler.</summary>
public static class ExploreStrategyExtensions
{
    /// <summary>Explores <paramref name="current"/> with no member and no history (enough for perturb and noise).</summary>
    public static ExploreResult Explore(this IExploreStrategy strategy, HyperparameterSet current, SearchSpace space, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return strategy.Explore(new ExploreContext(current, space), rng);
    }
}

/// <summary>Shared per-parameter machinery of the built-in explore strategies.</summary>
internal static class ExploreHelpers
{
    public static string F(double x) => x.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>
    /// Applies <paramref name="change"/> to every searched parameter in declaration order, first resampling from the prior
    /// with <paramref name="resampleProbability"/> (one uniform draw per parameter, only when the probability is positive).
    /// </summary>
    public static ExploreResult Apply(
        ExploreContext context,
        Rng rng,
        double resampleProbability,
        Func<Hyperparameter, HyperValue, Rng, (HyperValue Value, string Description)> change)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(rng);
        var current = context.Current;
        var space = context.Space;
        var after = current;
        var parts = new List<string>();
        foreach (var p in space.Searched)
        {
            if (!current.TryGetValue(p.Name, out var value))
            {
                throw new ArgumentException($"Hyperparameter '{p.Name}' is missing from {current}.", nameof(context));
            }

            HyperValue next;
            string description;
            if (resampleProbability > 0 && rng.NextDouble() < resampleProbability)
            {
                next = p.Sample(rng);
                description = "resample";
            }
            else
            {
                (next, description) = change(p, value, rng);
            }

            after = after.With(p.Name, next);
            parts.Add(p.Name + ":" + description);
        }

        return new ExploreResult(after, string.Join(" ", parts));
    }

    public static HyperValue Neighbour(CategoricalParameter c, HyperValue value, Rng rng) => c.Neighbour(value, rng);
}
