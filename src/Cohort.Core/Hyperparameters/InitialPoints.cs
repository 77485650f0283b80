using Cohort.Core.Randomness;

namespace Cohort.Core.Hyperparameters;

/// <summary>How a population's starting hyperparameters are chosen.</summary>
public enum InitializationKind
{
    /// <summary>Independent draws from the priors.</summary>
    Random,

    /// <summary>The whole grid (the population size must equal the grid size).</summary>
    Grid,

    /// <summary>Progressive sub-sampling of the grid (paper 000 sec. 3, Figure 2); see <see cref="InitialPoints.SubsampleGrid"/>.</summary>
    SubsampledGrid,

    /// <summary>A list of points given by the user.</summary>
    Explicit,
}

/// <summary>
/// Starting points of a population. PBT populations and grid search start from the same points when both use the
/// grid (paper 000 sec. 3: "PBT individuals are always initialized with the same hyperparameters as the grid search workers").
/// </summary>
public static class InitialPoints
{
    /// <summary>The purpose part of the seed of random initialisation: Seeds.Derive(runSeed, Purpose("init")).</summary>
    public static readonly ulong InitPurpose = Seeds.Purpose("init");

    /// <summary>Builds <paramref name="population"/> points with <paramref name="kind"/>; randomness from the run seed only.</summary>
    public static IReadOnlyList<HyperparameterSet> Create(
        InitializationKind kind,
        SearchSpace space,
        int population,
        ulong runSeed,
        IReadOnlyList<HyperparameterSet>? explicitPoints = null)
    {
        ArgumentNullException.ThrowIfNull(space);
        return kind switch
        {
            InitializationKind.Random => Random(space, population, new Rng(Seeds.Derive(runSeed, InitPurpose))),
            InitializationKind.Grid => CheckedGrid(space, population),
            InitializationKind.SubsampledGrid => SubsampleGrid(space, population),
            InitializationKind.Explicit => Explicit(space, explicitPoints ?? throw new ArgumentException("Explicit initialisation needs a list of points.", nameof(explicitPoints)), population),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown initialisation kind."),
        };
    }

    /// <summary><paramref name="count"/> independent draws from the priors.</summary>
    public static IReadOnlyList<HyperparameterSet> Random(SearchSpace space, int count, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return Enumerable.Range(0, count).Select(_ => space.Sample(rng)).ToArray();
    }

    /// <summary>Checks and copies user-given points (each must be legal in <paramref name="space"/>).</summary>
    public static IReadOnlyList<HyperparameterSet> Explicit(SearchSpace space, IReadOnlyList<HyperparameterSet> points, int? population = null)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
        {
            throw new ArgumentException("The list of initial points is empty.", nameof(points));
        }

        if (population is { } n && n != points.Count)
        {
            throw new ArgumentException($"The population is {n} but {points.Count} initial points were given.", nameof(points));
        }

        foreach (var p in points)
        {
            space.Validate(p);
        }

        return points.ToArray();
    }

    /// <summary>
    /// Progressive sub-sampling of the grid (paper 000 sec. 3, Figure 2): the first <paramref name="count"/> points of a
    /// fixed ordering of the grid, so every smaller population is a subset of every larger one and all of them start
    /// from grid-search points.
    /// <para>
    /// The figure itself is missing from our copy of the paper; the text says populations of 6, 12, …, 36 are
    /// sub-sampled from a 6 × 6 grid. We take what the authors most plausibly did: the grid is split into cyclic
    /// diagonals — layer s holds the cells whose axis indices sum to s modulo L (L = the largest axis size); on an
    /// n × n grid each layer is a transversal that uses every value of every hyperparameter exactly once — and layers
    /// are taken in a maximin order over the cyclic shift (0, then the farthest shift from those taken, ties to the
    /// smaller), so population 6 is one diagonal, 12 two opposite diagonals, and so on: every population of size
    /// 6k uses each l1 value and each l2 value exactly k times. A count that is not a whole number of layers takes
    /// the remaining cells of the next layer in the same maximin order over their position in the layer.
    /// </para>
    /// </summary>
    public static IReadOnlyList<HyperparameterSet> SubsampleGrid(SearchSpace space, int count)
    {
        ArgumentNullException.ThrowIfNull(space);
        var order = SubsampleOrder(space.Parameters.Select(p => p.GridValues().Count).ToArray());
        if (count < 1 || count > order.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"The sub-sampled population must be between 1 and the grid size {order.Count}.");
        }

        var axes = space.Parameters.Select(p => p.GridValues()).ToArray();
        return order.Take(count).Select(index => space.Point(index, axes)).ToArray();
    }

    /// <summary>The full progressive order of grid cells (as axis indices) for axes of the given sizes.</summary>
    public static IReadOnlyList<int[]> SubsampleOrder(IReadOnlyList<int> axisSizes)
    {
        ArgumentNullException.ThrowIfNull(axisSizes);
        if (axisSizes.Count == 0)
        {
            return [Array.Empty<int>()];
        }

        var total = checked(axisSizes.Aggregate(1, (n, s) => checked(n * s)));
        var layers = axisSizes.Max();
        var byLayer = Enumerable.Range(0, layers).Select(_ => new List<int[]>()).ToArray();
        var index = new int[axisSizes.Count];
        for (var k = 0; k < total; k++)
        {
            byLayer[index.Sum() % layers].Add((int[])index.Clone());
            for (var d = axisSizes.Count - 1; d >= 0; d--)
            {
                if (++index[d] < axisSizes[d])
                {
                    break;
                }

                index[d] = 0;
            }
        }

        var result = new List<int[]>(total);
        foreach (var layer in MaximinOrder(layers, cyclic: true))
        {
            var cells = byLayer[layer];
            foreach (var position in MaximinOrder(cells.Count, cyclic: false))
            {
                result.Add(cells[position]);
            }
        }

        return result;
    }

    /// <summary>0..n-1 ordered greedily so each next item is as far as possible from those already taken (ties: smallest).</summary>
    private static IEnumerable<int> MaximinOrder(int n, bool cyclic)
    {
        if (n == 0)
        {
            yield break;
        }

        var taken = new bool[n];
        var distance = new int[n];
        Array.Fill(distance, int.MaxValue);
        var next = 0;
        for (var k = 0; k < n; k++)
        {
            taken[next] = true;
            yield return next;
            var best = -1;
            for (var i = 0; i < n; i++)
            {
                if (taken[i])
                {
                    continue;
                }

                var d = Math.Abs(i - next);
                if (cyclic)
                {
                    d = Math.Min(d, n - d);
                }

                distance[i] = Math.Min(distance[i], d);
                if (best < 0 || distance[i] > distance[best])
                {
                    best = i;
                }
            }

            next = best;
        }
    }

    private static IReadOnlyList<HyperparameterSet> CheckedGrid(SearchSpace space, int population)
    {
        var grid = space.Grid();
        if (grid.Count != population)
        {
            throw new ArgumentException($"Grid initialisation gives {grid.Count} points but the population is {population}; use the sub-sampled grid for smaller populations.", nameof(population));
        }

        return grid;
    }
}
