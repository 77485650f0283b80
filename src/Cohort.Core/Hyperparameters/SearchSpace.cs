using Cohort.Core.Randomness;

namespace Cohort.Core.Hyperparameters;

/// <summary>
/// The hyperparameters a run searches, in declaration order (the order of grid axes: the first parameter varies
/// slowest in <see cref="Grid"/>, as in paper 000 sec. 4.1.1, C1 = (0.01, 0.01), C2 = (0.01, 0.01825), …).
/// Immutable; the constructor validates every parameter and throws <see cref="ArgumentException"/> naming the
/// parameter and the bad value.
/// </summary>
public sealed record SearchSpace
{
    public SearchSpace(IReadOnlyList<Hyperparameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var copy = parameters.ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in copy)
        {
            if (p is null)
            {
                throw new ArgumentException("A search space must not contain a null hyperparameter.", nameof(parameters));
            }

            p.Validate();
            if (!seen.Add(p.Name))
            {
                throw new ArgumentException($"Hyperparameter '{p.Name}' is defined twice.", nameof(parameters));
            }
        }

        Parameters = copy;
    }

    public SearchSpace(params Hyperparameter[] parameters)
        : this((IReadOnlyList<Hyperparameter>)parameters)
    {
    }

    public IReadOnlyList<Hyperparameter> Parameters { get; }

    /// <summary>The parameters exploration may change (every one but the constants).</summary>
    public IEnumerable<Hyperparameter> Searched => Parameters.Where(p => p.IsSearched);

    public Hyperparameter this[string name] =>
        Parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal))
        ?? throw new KeyNotFoundException($"Hyperparameter '{name}' is not in the search space.");

    public bool TryGet(string name, out Hyperparameter? parameter)
    {
        parameter = Parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));
        return parameter is not null;
    }

    /// <summary>A point drawn from every parameter's prior, parameters sampled in declaration order.</summary>
    public HyperparameterSet Sample(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return HyperparameterSet.From(Parameters.Select(p => KeyValuePair.Create(p.Name, p.Sample(rng))));
    }

    /// <summary>Whether every parameter defines grid values.</summary>
    public bool HasGrid => Parameters.All(p => p.HasGrid);

    /// <summary>The number of grid points (product of the axis sizes).</summary>
    public long GridSize => Parameters.Aggregate(1L, (n, p) => checked(n * p.GridValues().Count));

    /// <summary>
    /// The Cartesian product of the grid values, in row-major order over the declaration order (last parameter fastest).
    /// Throws naming a parameter that has no grid.
    /// </summary>
    public IReadOnlyList<HyperparameterSet> Grid()
    {
        var axes = Parameters.Select(p => p.GridValues()).ToArray();
        var total = checked((int)axes.Aggregate(1L, (n, a) => checked(n * a.Count)));
        var result = new List<HyperparameterSet>(total);
        var index = new int[axes.Length];
        for (var k = 0; k < total; k++)
        {
            result.Add(Point(index, axes));
            for (var d = axes.Length - 1; d >= 0; d--)
            {
                if (++index[d] < axes[d].Count)
                {
                    break;
                }

                index[d] = 0;
            }
        }

        return result;
    }

    internal HyperparameterSet Point(IReadOnlyList<int> index, IReadOnlyList<HyperValue>[] axes) =>
        HyperparameterSet.From(Parameters.Select((p, d) => KeyValuePair.Create(p.Name, axes[d][index[d]])));

    /// <summary>
    /// Checks that <paramref name="point"/> sets exactly this space's parameters to legal values; throws
    /// <see cref="ArgumentException"/> naming the parameter and value otherwise.
    /// </summary>
    public void Validate(HyperparameterSet point)
    {
        ArgumentNullException.ThrowIfNull(point);
        foreach (var p in Parameters)
        {
            if (!point.TryGetValue(p.Name, out var v))
            {
                throw new ArgumentException($"Hyperparameter '{p.Name}' is missing from point {point}.", nameof(point));
            }

            if (!p.Contains(v))
            {
                throw new ArgumentException($"Hyperparameter '{p.Name}' has an illegal value {v} in point {point}.", nameof(point));
            }
        }

        foreach (var key in point.Keys.Where(k => !TryGet(k, out _)))
        {
            throw new ArgumentException($"Hyperparameter '{key}' in point {point} is not in the search space.", nameof(point));
        }
    }

    public bool Equals(SearchSpace? other) =>
        other is not null && Parameters.Count == other.Parameters.Count
        && Parameters.Zip(other.Parameters).All(x => Same(x.First, x.Second));

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var p in Parameters)
        {
            hash.Add(p.Name);
        }

        return hash.ToHashCode();
    }

    private static bool Same(Hyperparameter a, Hyperparameter b) => (a, b) switch
    {
        (NumericParameter x, NumericParameter y) => x.GetType() == y.GetType() && x.Name == y.Name && x.Lower == y.Lower
            && x.Upper == y.Upper && x.Scale == y.Scale && x.Prior == y.Prior && x.GridCount == y.GridCount
            && x.Boundary == y.Boundary && SeqEq(x.Grid, y.Grid) && SeqEq(x.PriorValues, y.PriorValues),
        (CategoricalParameter x, CategoricalParameter y) => x.Name == y.Name && x.Choices.SequenceEqual(y.Choices)
            && SeqEq(x.Grid, y.Grid),
        _ => a.Equals(b),
    };

    private static bool SeqEq<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b) =>
        (a is null && b is null) || (a is not null && b is not null && a.SequenceEqual(b));
}
