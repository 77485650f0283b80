using Cohort.Core.Randomness;

namespace Cohort.Core.Strategies;

/// <summary>
/// Binary tournament (Jaderberg et al. 2017, "binary tournament" exploit): each member is compared with one other
/// member drawn uniformly; if the other's score is strictly better, the member copies it and explores. In synchronous
/// mode every member plays one tournament, in member-id order, against the scores before any copy.
/// </summary>
public sealed class BinaryTournament : IExploitStrategy
{
    public string Name => "tournament";

    public IReadOnlyList<ExploitDecision> DecidePopulation(IReadOnlyList<MemberScore> population, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(rng);
        var decisions = new List<ExploitDecision>();
        foreach (var member in population.OrderBy(m => m.Member))
        {
            var d = DecideMember(member, population, rng);
            if (d.Donor is not null)
            {
                decisions.Add(d);
            }
        }

        return decisions;
    }

    public ExploitDecision DecideMember(MemberScore member, IReadOnlyList<MemberScore> population, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(rng);
        var others = population.Where(m => m.Member != member.Member).OrderBy(m => m.Member).ToArray();
        if (others.Length == 0)
        {
            return ExploitDecision.Keep(member.Member);
        }

        var opponent = others[rng.NextInt(others.Length)];
        return Better(opponent, member.Score)
            ? new ExploitDecision(member.Member, opponent.Member, true)
            : ExploitDecision.Keep(member.Member);
    }

    private static bool Better(MemberScore a, double b) =>
        Ranking.CanDonate(a) && (double.IsNaN(b) || a.Score > b);
}
