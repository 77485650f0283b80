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
/// </summary>
public sealed class TruncationSelection : IExploitStrategy
{
    public const double DefaultFraction = 0.2;

    public TruncationSelection(double fraction = DefaultFraction)
    {
        if (!(fraction > 0 && fraction <= 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, string.Create(CultureInfo.InvariantCulture, $"The truncation fraction must be in (0, 0.5]; got {fraction}."));
        }

        Fraction = fraction;
    }

    /// <summary>The bottom (and top) fraction of the ranked population.</summary>
    public double Fraction { get; }

    public string Name => "truncation";

    /// <summary>k for a population of <paramref name="n"/>.</summary>
    public int FractionCount(int n) => n < 2 ? 0 : Math.Clamp((int)Math.Floor((Fraction * n) + 1e-9), 1, n / 2);

    public IReadOnlyList<ExploitDecision> DecidePopulation(IReadOnlyList<MemberScore> population, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(rng);
        var ranked = Ranking.Rank(population);
        var k = FractionCount(ranked.Count);
        var top = ranked.Take(k).ToArray();
        var decisions = new List<ExploitDecision>(k);
        foreach (var receiver in ranked.Skip(ranked.Count - k).OrderBy(m => m.Member))
        {
            decisions.Add(new ExploitDecision(receiver.Member, top[rng.NextInt(k)].Member, true));
        }

        return decisions;
    }

    public ExploitDecision DecideMember(MemberScore member, IReadOnlyList<MemberScore> population, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(rng);
        var ranked = Ranking.Rank(population);
        var k = FractionCount(ranked.Count);
        var position = IndexOf(ranked, member.Member);
        if (k == 0 || position < ranked.Count - k)
        {
            return ExploitDecision.Keep(member.Member);
        }

        return new ExploitDecision(member.Member, ranked[rng.NextInt(k)].Member, true);
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
