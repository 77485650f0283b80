using Cohort.Core.Execution;
using Cohort.Core.Randomness;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Tests.Scheduling;

namespace Cohort.Core.Tests.Execution;

public sealed class LiveCheckpointsTests
{
    public static TheoryData<string> Schedulers => new()
    {
        "grid", "random", "pbt-sync", "pbt-async", "pbt-weights-only", "pbt-explore-only", "fire", "ga", "ga-demes", "ga-topology",
    };

    private static IScheduler Create(string kind) => kind switch
    {
        "grid" => SchedulerFactory.Create(new GridOptions { ReadyInterval = 10 }, Simulation.Space, Simulation.Loss, 60, 0, 3),
        "random" => SchedulerFactory.Create(new RandomOptions { ReadyInterval = 10 }, Simulation.Space, Simulation.Loss, 60, 5, 3),
        "pbt-sync" => SchedulerFactory.Create(new PbtOptions { ReadyInterval = 10 }, Simulation.Space, Simulation.Loss, 100, 8, 3),
        "pbt-async" => SchedulerFactory.Create(new PbtOptions { ReadyInterval = 10, Mode = PbtMode.Asynchronous }, Simulation.Space, Simulation.Loss, 100, 8, 3),
        "pbt-weights-only" => SchedulerFactory.Create(new PbtOptions { ReadyInterval = 10, CopyOptimizerState = false }, Simulation.Space, Simulation.Loss, 100, 8, 3),
        "pbt-explore-only" => SchedulerFactory.Create(new PbtOptions { ReadyInterval = 10, Ablation = PbtAblation.ExploreOnly }, Simulation.Space, Simulation.Loss, 100, 8, 3),
        "fire" => new FireScheduler(new FireOptions { ReadyInterval = 40, EvalInterval = 10, MaxEvalSteps = 100000, Evaluators = 3 }, Simulation.Space, Simulation.Points(8), Simulation.Loss, 400, 11),
        "ga" => SchedulerFactory.Create(new GaOptions { ReadyInterval = 10 }, Simulation.Space, Simulation.Loss, 100, 8, 3),
        "ga-demes" => SchedulerFactory.Create(new GaOptions { ReadyInterval = 10, Demes = 2, MigrationRate = 0.5 }, Simulation.Space, Simulation.Loss, 100, 8, 3),
        "ga-topology" => SchedulerFactory.Create(new GaOptions { ReadyInterval = 10, Mode = GaMode.Topology, Generations = 4 }, Simulation.Space, Simulation.Loss, 20, 8, 3),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown"),
    };

    [Theory]
    [MemberData(nameof(Schedulers))]
    public void Compute_Should_NeverDropACheckpointTheSchedulerUsesLater_When_EverySchedulerRunsWithFailuresAndDivergence(string kind)
    {
        // Given a scheduler driven to the end, with some tasks failing and some diverging
        var scheduler = Create(kind);
        var live = new LiveCheckpoints();
        var produced = new HashSet<string>(StringComparer.Ordinal);
        var dead = new HashSet<string>(StringComparer.Ordinal);
        var largest = 0;
        TaskResult Run(TrainTask t)
        {
            var draw = new Rng(Seeds.Derive(t.Seed, 99)).NextDouble();
            return draw < 0.05 ? Simulation.Fail(t) : draw < 0.07 ? Simulation.Diverge(t) : Simulation.Complete(t);
        }

        // When the live set is computed after every told result (the most eager collection there can be)
        Simulation.Drive(scheduler, Run, afterTell: (s, result, _) =>
        {
            live.Told(result);
            if (result.Checkpoint is { } c)
            {
                produced.Add(c.Hash);
            }

            var set = live.Compute(s);
            largest = Math.Max(largest, set.Count);
            Assert.Equal(set.Order(StringComparer.Ordinal), live.References(s).Select(c => c.Hash).Order(StringComparer.Ordinal)); // what resuming restores

            // Then no task the scheduler hands out starts from a checkpoint that was already dropped...
            foreach (var task in s.Pending)
            {
                Assert.DoesNotContain(task.From?.Hash ?? "", dead);
                Assert.DoesNotContain(task.OptimizerStateFrom?.Hash ?? "", dead);
            }

            // ...a dropped checkpoint never comes back...
            Assert.Empty(set.Intersect(dead));
            dead.UnionWith(produced.Except(set));
        });

        // ...and the live set stays of the population's order, not the run's length
        var population = ((IPopulationScheduler)scheduler).Population;
        Assert.InRange(largest, 1, 3 * population);
        Assert.True(produced.Count > 3 * population, $"{kind}: only {produced.Count} checkpoints were written");
    }

    [Fact]
    public void Compute_Should_HoldLatestMemberStartsAndPendingStarts_When_Asked()
    {
        // Given a synchronous PBT generation told completely, so that exploits point losers at donors' checkpoints
        var scheduler = SchedulerFactory.Create(new PbtOptions { ReadyInterval = 10 }, Simulation.Space, Simulation.Loss, 100, 8, 3);
        var live = new LiveCheckpoints();
        foreach (var task in scheduler.Pending.ToList())
        {
            var result = Simulation.Complete(task);
            _ = scheduler.Tell(result);
            live.Told(result);
        }

        // When the live set is computed
        var set = live.Compute(scheduler);

        // Then it is exactly the members' latest checkpoints (which every next task starts from, donors' included)
        var expected = scheduler.Pending.Select(t => t.From!.Hash).ToHashSet();
        Assert.True(expected.Count < 8, "some members exploited a donor");
        Assert.Equal(8, set.Count);
        Assert.Superset(expected, set);
    }
}
