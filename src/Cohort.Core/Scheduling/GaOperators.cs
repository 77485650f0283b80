using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;

namespace Cohort.Core.Scheduling;

/// <summary>The four equally likely ways a mutating locus changes (paper 004 sec. 3.1).</summary>
public enum MutationKind
{
    /// <summary>Decrease by 0–1 %.</summary>
    DecreaseSmall,

    /// <summary>Increase by 0–1 %.</summary>
    IncreaseSmall,

    /// <summary>Increase by 10–20 %.</summary>
    IncreaseLarge,

    /// <summary>Decrease by 10–20 %.</summary>
    DecreaseLarge,
}

/// <summary>
/// The genetic operators of paper 004 ("Recombination of Artificial Neural Networks", sec. 3.1 and Figure 3) as pure
/// functions of their inputs and a seeded generator, so <see cref="GaScheduler"/> and the tests share them.
/// </summary>
public static class GaOperators
{
    /// <summary>
    /// The fom → fitness mapping (paper 004 sec. 3.1: relative to the generation's minfom and maxfom). A fom here is a
    /// score where higher is better (<see cref="Objective.Score(double)"/> negates a minimised metric), so
    /// fitness = (score − min) / (max − min): the generation's best has fitness 1, its worst 0; for a minimised metric
    /// this is (maxfom − fom) / (maxfom − minfom). Min and max are over the finite scores; a non-finite score
    /// (diverged) has fitness 0. When all finite scores are equal every finite member has fitness 1.
    /// </summary>
    public static double[] Fitness(IReadOnlyList<double> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        foreach (var s in scores.Where(double.IsFinite))
        {
            min = Math.Min(min, s);
            max = Math.Max(max, s);
        }

        var fitness = new double[scores.Count];
        for (var i = 0; i < fitness.Length; i++)
        {
            var s = scores[i];
            fitness[i] = !double.IsFinite(s) ? 0 : max > min ? Normalise(s, min, max) : 1;
        }

        return fitness;

        // (s − min) / (max − min), from halves where the range overflows (scores near ±double.MaxValue): halving is
        // exact, so the quotient is the same wherever both forms are finite.
        static double Normalise(double s, double min, double max) =>
            double.IsFinite(max - min) ? (s - min) / (max - min) : ((s / 2) - (min / 2)) / ((max / 2) - (min / 2));
    }

    /// <summary>
    /// Fitness-proportional (roulette-wheel) selection: index i with probability weights[i] / Σ weights (one uniform draw);
    /// uniform over the indices when every weight is 0.
    /// </summary>
    public static int SelectProportional(IReadOnlyList<double> weights, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(rng);
        if (weights.Count == 0)
        {
            throw new ArgumentException("Cannot select from an empty pool.", nameof(weights));
        }

        var total = weights.Sum(w => w > 0 ? w : 0);
        if (!(total > 0))
        {
            return rng.NextInt(weights.Count);
        }

        var u = rng.NextDouble() * total;
        var last = -1;
        for (var i = 0; i < weights.Count; i++)
        {
            if (!(weights[i] > 0))
            {
                continue;
            }

            last = i;
            u -= weights[i];
            if (u < 0)
            {
                return i;
            }
        }

        return last;
    }

    /// <summary>
    /// Multi-point crossover with a per-locus rate (paper 004 sec. 3.1 and 6.1): for each searched hyperparameter in
    /// declaration order, with probability <paramref name="rate"/> the two parents' values are exchanged at that
    /// locus (a crossover event covers a single locus), giving two recombinant genotypes; one of them, chosen
    /// uniformly, is kept ("only a single randomly chosen genotype is kept", sec. 6.1). Constants are carried unchanged.
    /// <paramref name="crossed"/> receives the names of the loci that came from the parent not kept as the base.
    /// </summary>
    public static HyperparameterSet Crossover(HyperparameterSet a, HyperparameterSet b, SearchSpace space, double rate, Rng rng, ICollection<string>? crossed = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(rng);
        var swapped = new List<string>();
        foreach (var p in space.Searched)
        {
            if (rng.NextDouble() < rate)
            {
                swapped.Add(p.Name);
            }
        }

        var keepFirst = rng.NextInt(2) == 0;
        var (basis, other) = keepFirst ? (a, b) : (b, a);
        var child = basis;
        foreach (var name in swapped)
        {
            child = child.With(name, other[name]);
            crossed?.Add(name);
        }

        return child;
    }

    /// <summary>
    /// Per-locus mutation (paper 004 sec. 3.1): each searched hyperparameter mutates with probability
    /// <paramref name="rate"/>; a mutating numeric value x becomes x·(1 ± u) with one of four equally likely kinds
    /// (<see cref="MutationKind"/>: −0…1 %, +0…1 %, +10…20 %, −10…20 %, u uniform in the range), then is brought back
    /// into bounds by the parameter's boundary policy (clamp by default) and rounded when integer; a mutating
    /// categorical is resampled from its prior. A value of 0 stays 0 (the change is relative).
    /// <paramref name="mutations"/> receives (name, kind) per mutated numeric locus, in order (null kind: resampled categorical).
    /// </summary>
    public static HyperparameterSet Mutate(HyperparameterSet h, SearchSpace space, double rate, Rng rng, ICollection<(string Name, MutationKind? Kind)>? mutations = null)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(rng);
        var child = h;
        foreach (var p in space.Searched)
        {
            if (!(rng.NextDouble() < rate))
            {
                continue;
            }

            switch (p)
            {
                case NumericParameter n:
                    var kind = (MutationKind)rng.NextInt(4);
                    var u = rng.NextDouble();
                    var change = kind switch
                    {
                        MutationKind.DecreaseSmall => -0.01 * u,
                        MutationKind.IncreaseSmall => 0.01 * u,
                        MutationKind.IncreaseLarge => 0.10 + (0.10 * u),
                        _ => -(0.10 + (0.10 * u)),
                    };
                    child = child.With(p.Name, HyperValue.Of(n.Fit(h[p.Name].Number * (1 + change))));
                    mutations?.Add((p.Name, kind));
                    break;
                default:
                    child = child.With(p.Name, p.Sample(rng));
                    mutations?.Add((p.Name, null));
                    break;
            }
        }

        return child;
    }

    /// <summary>A short text for a mutation kind in event operators.</summary>
    public static string Describe(MutationKind kind) => kind switch
    {
        MutationKind.DecreaseSmall => "-0..1%",
        MutationKind.IncreaseSmall => "+0..1%",
        MutationKind.IncreaseLarge => "+10..20%",
        _ => "-10..20%",
    };
}
