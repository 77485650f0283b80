using System.Globalization;
using Cohort.Core.Randomness;

namespace Cohort.Core.Strategies;

/// <summary>
/// Truncation selection (paper 000 sec. 4.1: "If a member M⁻ is in the bottom 20% of the rank, we sample a member M*
/// uniformly from the top 20%, and we copy [it] to M⁻"; paper 001 uses 25%). Every member of the bottom fraction
/// copies a uniformly sampled member of the top fraction and then explores.
/// <para>
/// Fraction size: k = floor(fraction · n), at least 1 and at most floor(n / 2) so the top and bottom never overlap
/// (0 when n &lt; 2). With n = 2 (the toy of Jaderberg et al., Figure 2) the worse member copies the better one.
/// Synchronous mode decides for the bottom members in member-id order, drawing one donor each.
/// </para>
/// <para>
/// With <see cref="TruncationRule.Percentile"/> the top and bottom are cut by score percentiles instead, as the public
/// Keras code of paper 000 does (<c>np.percentile(losses, (20, 80))</c>, linear interpolation): a member whose loss is
/// strictly above the 80th percentile copies a member drawn uniformly from those strictly below the 20th. For n members
/// without ties that is ceil(f · (n − 1)) on each side — 1, 3, 4, 5, 6, 7 for n = 6, 12, …, 36, where the count rule
/// gives 1, 2, 3, 4, 6, 7 — and fewer with ties (all equal: nobody). Members with a non-finite score (NaN, diverged)
/// are excluded from the percentiles and always count as bottom.
/// </para>
/// </summary>
public sealed class TruncationSelection : IExploitStrategy
{
    public const double DefaultFraction = 0.2;

    public TruncationSelection(double fraction = DefaultFraction)
        : this(fraction, TruncationRule.Count)
    {
    }

    public TruncationSelection(double fraction, TruncationRule rule)
    {
        if (!Enum.IsDefined(rule))
        {
            throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown truncation rule.");
        }

        Rule = rule;
        if (!(fraction > 0 && fraction <= 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, string.Create(CultureInfo.InvariantCulture, $"The truncation fraction must be in (0, 0.5]; got {fraction}."));
        }

        Fraction = fraction;
    }

    /// <summary>The bottom (and top) fraction of the ranked population.</summary>
    public double Fraction { get; }

    /// <summary>How the top and bottom are cut: by count (default) or by percentile (paper 000's code).</summary>
    public TruncationRule Rule { get; }

    public string Name => "truncation";

    /// <summary>k for a population of <paramref name="n"/>.</summary>
    public int FractionCount(int n) => n < 2 ? 0 : Math.Clamp((int)Math.Floor((Fraction * n) + 1e-9), 1, n / 2);

    public IReadOnlyList<ExploitDecision> DecidePopulation(IReadOnlyList<MemberScore> population, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(rng);
        var ranked = Ranking.Rank(population);
        if (Rule == TruncationRule.Percentile)
        {
            var (best, worst) = PercentileSets(ranked);
            return best.Count == 0
                ? []
                : worst.OrderBy(m => m.Member).Select(r => new ExploitDecision(r.Member, best[rng.NextInt(best.Count)].Member, true)).ToArray();
        }

        var k = FractionCount(ranked.Count);
        var top = ranked.Take(k).Where(Ranking.CanDonate).ToArray();
        var decisions = new List<ExploitDecision>(k);
        if (top.Length == 0)
        {
            return decisions;
        }

        foreach (var receiver in ranked.Skip(ranked.Count - k).OrderBy(m => m.Member))
        {
            decisions.Add(new ExploitDecision(receiver.Member, top[rng.NextInt(top.Length)].Member, true));
        }

        return decisions;
    }

    public ExploitDecision DecideMember(MemberScore member, IReadOnlyList<MemberScore> population, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(rng);
        var ranked = Ranking.Rank(population);
        if (Rule == TruncationRule.Percentile)
        {
            var (best, worst) = PercentileSets(ranked);
            return best.Count == 0 || !worst.Any(m => m.Member == member.Member)
                ? ExploitDecision.Keep(member.Member)
                : new ExploitDecision(member.Member, best[rng.NextInt(best.Count)].Member, true);
        }

        var k = FractionCount(ranked.Count);
        var position = IndexOf(ranked, member.Member);
        var top = ranked.Take(k).Where(Ranking.CanDonate).ToArray();
        if (top.Length == 0 || position < ranked.Count - k)
        {
            return ExploitDecision.Keep(member.Member);
        }

        return new ExploitDecision(member.Member, top[rng.NextInt(top.Length)].Member, true);
    }

    /// <summary>
    /// The q-th quantile (q in [0, 1]) of <paramref name="values"/> with linear interpolation between order statistics,
    /// as NumPy's default <c>percentile(values, 100 q)</c>: position q · (n − 1) in the sorted values.
    /// </summary>
    public static double Quantile(IReadOnlyList<double> values, double q)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfZero(values.Count, nameof(values));
        var sorted = values.OrderBy(v => v).ToArray();
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        var t = position - lower;
        return sorted[lower] + (t * (sorted[upper] - sorted[lower]));
    }

    /// <summary>
    /// Top (score above the (1 − f) quantile, best first) and bottom (below the f quantile, or not finite) members. The
    /// quantiles are over the finite scores: an infinite one would make the interpolation ∞ − ∞.
    /// </summary>
    private (IReadOnlyList<MemberScore> Best, IReadOnlyList<MemberScore> Worst) PercentileSets(IReadOnlyList<MemberScore> ranked)
    {
        var scores = ranked.Where(Ranking.CanDonate).Select(m => m.Score).ToArray();
        if (ranked.Count < 2 || scores.Length == 0)
        {
            return ([], []);
        }

        // Scores are "higher is better" (a loss negated): the loss's 20th percentile is the score's 80th, and back.
        var topCut = Quantile(scores, 1.0 - Fraction);
        var bottomCut = Quantile(scores, Fraction);
        var best = ranked.Where(m => Ranking.CanDonate(m) && m.Score > topCut).ToArray();
        var worst = ranked.Where(m => !Ranking.CanDonate(m) || m.Score < bottomCut).ToArray();
        return (best, worst);
    }

    internal static int IndexOf(IReadOnlyList<MemberScore> ranked, int member)
    {
        for (var i = 0; i < ranked.Count; i++)
        {
            if (ranked[i].Member == member)
            {
                return i;
            }
        }

        throw new ArgumentException($"Member {member} is not in the population.", nameof(member));
    }
}

/// <summary>How <see cref="TruncationSelection"/> cuts the top and bottom of the population.</summary>
public enum TruncationRule
{
    /// <summary>k = floor(fraction · n) members on each side (at least 1, at most n / 2).</summary>
    Count,

    /// <summary>Strictly beyond the fraction's percentiles of the scores (paper 000's Keras code: 20th and 80th).</summary>
    Percentile,
}
