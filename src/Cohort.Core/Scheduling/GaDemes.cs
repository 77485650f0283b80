using System.Globalization;
using Cohort.Core.Randomness;

namespace Cohort.Core.Scheduling;

/// <summary>
/// Demes (paper 004 sec. 6.2, "future work"): the population split into weakly interacting sub-populations placed on
/// a grid (Figure 14), with migration between neighbours. Members are assigned to demes in contiguous blocks
/// (member i of N in deme ⌊i·D/N⌋). Selection happens within a deme: each parent of a child is drawn from the child's
/// own deme, except that with probability m (the migration rate) it is drawn from one neighbouring deme chosen
/// uniformly — a migrant. With one deme this is the panmictic GA.
/// </summary>
public static class GaDemes
{
    /// <summary>The deme of member <paramref name="index"/> in a population of <paramref name="population"/> split into <paramref name="demes"/>.</summary>
    public static int DemeOf(int index, int population, int demes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, population);
        ArgumentOutOfRangeException.ThrowIfLessThan(demes, 1);
        return (int)((long)index * demes / population);
    }

    /// <summary>The grid of a torus layout: rows the largest divisor of <paramref name="demes"/> not above √demes.</summary>
    public static (int Rows, int Columns) TorusShape(int demes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(demes, 1);
        var rows = (int)Math.Floor(Math.Sqrt(demes));
        while (demes % rows != 0)
        {
            rows--;
        }

        return (rows, demes / rows);
    }

    /// <summary>The distinct neighbours of <paramref name="deme"/> (never itself), ascending.</summary>
    public static IReadOnlyList<int> Neighbours(int deme, int demes, DemeLayout layout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(demes, 1);
        if (deme < 0 || deme >= demes)
        {
            throw new ArgumentOutOfRangeException(nameof(deme), deme, string.Create(CultureInfo.InvariantCulture, $"must be in [0, {demes})"));
        }

        var set = new SortedSet<int>();
        if (layout == DemeLayout.Ring)
        {
            set.Add((deme + demes - 1) % demes);
            set.Add((deme + 1) % demes);
        }
        else
        {
            var (rows, cols) = TorusShape(demes);
            var (r, c) = (deme / cols, deme % cols);
            set.Add((((r + rows - 1) % rows) * cols) + c);
            set.Add((((r + 1) % rows) * cols) + c);
            set.Add((r * cols) + ((c + cols - 1) % cols));
            set.Add((r * cols) + ((c + 1) % cols));
        }

        set.Remove(deme);
        return set.ToArray();
    }

    /// <summary>
    /// The deme a parent of a child in <paramref name="deme"/> is drawn from: with probability <paramref name="migrationRate"/>
    /// a uniformly chosen neighbour (when it has any), else <paramref name="deme"/>. One uniform draw, plus one for the neighbour.
    /// </summary>
    public static int SourceDeme(int deme, IReadOnlyList<int> neighbours, double migrationRate, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(neighbours);
        ArgumentNullException.ThrowIfNull(rng);
        if (rng.NextDouble() < migrationRate && neighbours.Count > 0)
        {
            return neighbours[rng.NextInt(neighbours.Count)];
        }

        return deme;
    }

    /// <summary>
    /// Draws a parent for a child in <paramref name="deme"/>: the source deme by <see cref="SourceDeme"/>, then
    /// fitness-proportionally among <paramref name="pool"/> members of that deme other than <paramref name="exclude"/>;
    /// when the source has no candidate, falls back to the child's own deme, then to all its neighbours, then to the
    /// excluded member itself when it is the neighbourhood's only survivor, and only when the neighbourhood has no
    /// survivor at all to the whole pool. Returns a member
    /// index (into <paramref name="fitness"/> and <paramref name="demeOf"/>).
    /// </summary>
    public static int DrawParent(
        IReadOnlyList<int> pool,
        IReadOnlyList<double> fitness,
        IReadOnlyList<int> demeOf,
        int deme,
        IReadOnlyList<int> neighbours,
        double migrationRate,
        Rng rng,
        int exclude = -1)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(fitness);
        ArgumentNullException.ThrowIfNull(demeOf);
        var source = SourceDeme(deme, neighbours, migrationRate, rng);
        int[] candidates = pool.Where(i => i != exclude && demeOf[i] == source).ToArray();
        if (candidates.Length == 0)
        {
            candidates = pool.Where(i => i != exclude && demeOf[i] == deme).ToArray();
        }

        if (candidates.Length == 0)
        {
            candidates = pool.Where(i => i != exclude && neighbours.Contains(demeOf[i])).ToArray();
        }

        if (candidates.Length == 0)
        {
            // Only the excluded member lives nearby: it may be both parents (selfing) rather than leave the neighbourhood.
            candidates = pool.Where(i => demeOf[i] == deme || neighbours.Contains(demeOf[i])).ToArray();
        }

        if (candidates.Length == 0)
        {
            candidates = pool.ToArray();
        }

        return candidates[GaOperators.SelectProportional(candidates.Select(i => fitness[i]).ToArray(), rng)];
    }
}
