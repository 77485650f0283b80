using System.Globalization;
using Cohort.Core.Randomness;

namespace Cohort.Core.Strategies;

/// <summary>
/// Paper 003 (population 10): the <see cref="Worst"/> worst members copy the single best member, and every member
/// ranked below the top <see cref="ProtectTop"/> explores (the blog perturbs <c>models[BEST_THRES:]</c>, the copies
/// included). With <see cref="ProtectTop"/> null only the receivers explore. Defaults are the paper's: 3 and 3.
/// At most n − 1 members receive; the best never copies itself.
/// </summary>
public sealed class CopyBestIntoWorst : IExploitStrategy
{
    public CopyBestIntoWorst(int worst = 3, int? protectTop = 3)
    {
        if (worst < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(worst), worst, string.Create(CultureInfo.InvariantCulture, $"The number of worst members must be >= 1; got {worst}."));
        }

        if (protectTop is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(protectTop), protectTop, string.Create(CultureInfo.InvariantCulture, $"The protected top must be >= 1 when given; got {protectTop}."));
        }

        Worst = worst;
        ProtectTop = protectTop;
    }

    /// <summary>How many of the worst members copy the best (WORST_THRES in paper 003).</summary>
    public int Worst { get; }

    /// <summary>Members ranked in the top this many keep their hyperparameters (BEST_THRES in paper 003); null: only receivers explore.</summary>
    public int? ProtectTop { get; }

    public string Name => "copy-best";

    public IReadOnlyList<ExploitDecision> DecidePopulation(IReadOnlyList<MemberScore> population, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(population);
        var ranked = Ranking.Rank(population);
        return ranked
            .Select((m, rank) => Decide(m.Member, rank, ranked))
            .Where(d => d.Donor is not null || d.Explore)
            .OrderBy(d => d.Member)
            .ToArray();
    }

    public ExploitDecision DecideMember(MemberScore member, IReadOnlyList<MemberScore> population, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(member);
        var ranked = Ranking.Rank(population);
        return Decide(member.Member, TruncationSelection.IndexOf(ranked, member.Member), ranked);
    }

    private ExploitDecision Decide(int member, int rank, IReadOnlyList<MemberScore> ranked)
    {
        var n = ranked.Count;
        var receivers = Math.Min(Worst, n - 1);
        if (n >= 2 && rank >= n - receivers && Ranking.CanDonate(ranked[0]))
        {
            return new ExploitDecision(member, ranked[0].Member, true);
        }

        var explore = ProtectTop is { } top && rank >= top;
        return new ExploitDecision(member, null, explore);
    }
}
