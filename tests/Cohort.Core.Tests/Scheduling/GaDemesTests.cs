using Cohort.Core.Randomness;
using Cohort.Core.Scheduling;

namespace Cohort.Core.Tests.Scheduling;

public sealed class GaDemesTests
{
    [Fact]
    public void DemeOf_Should_SplitMembersIntoContiguousEqualBlocks_When_PopulationDivides()
    {
        var demes = Enumerable.Range(0, 12).Select(i => GaDemes.DemeOf(i, 12, 4)).ToArray();

        Assert.Equal([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3], demes);
        Assert.All(Enumerable.Range(0, 10), i => Assert.Equal(0, GaDemes.DemeOf(i, 10, 1)));
    }

    [Fact]
    public void Neighbours_Should_BeAdjacentOnTheRingOrTorus_When_LayoutsDiffer()
    {
        Assert.Equal([1, 5], GaDemes.Neighbours(0, 6, DemeLayout.Ring));
        Assert.Equal([2, 4], GaDemes.Neighbours(3, 6, DemeLayout.Ring));
        Assert.Equal([0], GaDemes.Neighbours(1, 2, DemeLayout.Ring));
        Assert.Empty(GaDemes.Neighbours(0, 1, DemeLayout.Ring));

        // 9 demes: a 3 x 3 torus; deme 4 is the centre, deme 0 wraps to 2, 6 (row/column ends).
        Assert.Equal((3, 3), GaDemes.TorusShape(9));
        Assert.Equal([1, 3, 5, 7], GaDemes.Neighbours(4, 9, DemeLayout.Torus));
        Assert.Equal([1, 2, 3, 6], GaDemes.Neighbours(0, 9, DemeLayout.Torus));
        Assert.Equal((2, 4), GaDemes.TorusShape(8));
    }

    [Fact]
    public void SourceDeme_Should_MigrateAtTheRateAndOnlyFromNeighbours_When_SampledManyTimes()
    {
        var rng = new Rng(11);
        const int draws = 40000;
        const double rate = 0.2;
        var neighbours = GaDemes.Neighbours(4, 9, DemeLayout.Torus);
        var counts = new Dictionary<int, int>();
        for (var i = 0; i < draws; i++)
        {
            var d = GaDemes.SourceDeme(4, neighbours, rate, rng);
            counts[d] = counts.GetValueOrDefault(d) + 1;
        }

        Assert.Equal([1, 3, 4, 5, 7], counts.Keys.Order());
        var migrants = draws - counts[4];
        // Binomial sd of the migrant share: sqrt(0.2 * 0.8 / 40000) = 0.002; allow 4 sd.
        Assert.InRange(migrants / (double)draws, rate - 0.008, rate + 0.008);
        foreach (var n in neighbours)
        {
            // Each neighbour gets a quarter of the migrants.
            Assert.InRange(counts[n] / (double)migrants, 0.25 - 0.025, 0.25 + 0.025);
        }

        Assert.All(Enumerable.Range(0, 1000), _ => Assert.Equal(4, GaDemes.SourceDeme(4, neighbours, 0, rng)));
    }

    [Fact]
    public void DrawParent_Should_PickFromTheOwnDemeOrANeighbour_When_DemesHaveSurvivors()
    {
        var rng = new Rng(5);
        var demeOf = Enumerable.Range(0, 12).Select(i => GaDemes.DemeOf(i, 12, 6)).ToArray();
        var fitness = Enumerable.Repeat(1.0, 12).ToArray();
        var pool = Enumerable.Range(0, 12).ToArray();
        var neighbours = GaDemes.Neighbours(0, 6, DemeLayout.Ring);
        var seen = new HashSet<int>();
        for (var i = 0; i < 5000; i++)
        {
            seen.Add(demeOf[GaDemes.DrawParent(pool, fitness, demeOf, 0, neighbours, 0.3, rng)]);
        }

        Assert.Equal([0, 1, 5], seen.Order());

        // Deme 0 has no survivor and no migration happens: falls back to the whole pool.
        var parent = GaDemes.DrawParent([4, 5], fitness, demeOf, 0, neighbours, 0, rng);
        Assert.Contains(parent, new[] { 4, 5 });
        Assert.Equal(4, GaDemes.DrawParent([4, 5], fitness, demeOf, 0, neighbours, 0, rng, exclude: 5));
    }

    [Fact]
    public void GaScheduler_Should_BreedWithinDemesAndMigrateFromNeighboursOnly_When_DemesAreSet()
    {
        var options = new GaOptions { ReadyInterval = 10, Demes = 4, MigrationRate = 0.25, WeightsParent = WeightsParentChoice.FitnessProportional };
        var scheduler = new GaScheduler(options, Simulation.Space, Simulation.Points(24), Simulation.Loss, 2000, 3);

        var (events, _) = Simulation.Drive(scheduler);

        var bred = events.OfType<Bred>().ToArray();
        Assert.True(bred.Length > 100, $"only {bred.Length} children");
        var parents = 0;
        var migrants = 0;
        foreach (var b in bred)
        {
            var deme = GaDemes.DemeOf(b.Member, 24, 4);
            var allowed = GaDemes.Neighbours(deme, 4, DemeLayout.Ring).Append(deme).ToHashSet();
            // Survivors of that generation: members not replaced at that step. Without one nearby the pool is global.
            var replaced = bred.Where(x => x.Step == b.Step).Select(x => x.Member).ToHashSet();
            if (!Enumerable.Range(0, 24).Any(m => !replaced.Contains(m) && allowed.Contains(GaDemes.DemeOf(m, 24, 4))))
            {
                continue;
            }

            // Where every deme has two survivors no fallback applies, so a parent is a migrant with the migration rate.
            var everyDemeHasTwoSurvivors = Enumerable.Range(0, 4).All(d => Enumerable.Range(0, 24).Count(m => !replaced.Contains(m) && GaDemes.DemeOf(m, 24, 4) == d) >= 2);

            foreach (var p in new[] { b.HyperparameterParentA, b.HyperparameterParentB, b.WeightsParent })
            {
                var pd = GaDemes.DemeOf(p, 24, 4);
                Assert.True(allowed.Contains(pd), $"child {b.Member} (deme {deme}) parent {p} (deme {pd}) at {b.Step}");
                if (everyDemeHasTwoSurvivors)
                {
                    parents++;
                    migrants += pd == deme ? 0 : 1;
                }
            }
        }

        Assert.True(parents > 300, $"only {parents} parents counted");
        Assert.InRange(migrants / (double)parents, 0.25 - 0.05, 0.25 + 0.05);
    }

    [Fact]
    public void GaScheduler_Should_KeepItsPanmicticDraws_When_ThereIsOneDeme()
    {
        var one = new GaScheduler(new GaOptions { ReadyInterval = 10, Demes = 1, MigrationRate = 0.5 }, Simulation.Space, Simulation.Points(8), Simulation.Loss, 200, 3);
        var plain = new GaScheduler(new GaOptions { ReadyInterval = 10 }, Simulation.Space, Simulation.Points(8), Simulation.Loss, 200, 3);

        var a = Simulation.Drive(one).Events;
        var b = Simulation.Drive(plain).Events;

        Assert.Equal(b, a);
    }
}
