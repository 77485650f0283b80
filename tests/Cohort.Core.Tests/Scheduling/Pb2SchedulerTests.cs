using Cohort.Core.Hyperparameters;
using Cohort.Core.Lineage;
using Cohort.Core.Pb2;
using Cohort.Core.Randomness;
using Cohort.Core.Scheduling;

namespace Cohort.Core.Tests.Scheduling;

public sealed class Pb2SchedulerTests
{
    // Cheap acquisition and fit: the tests check behaviour, not the optimiser's reach.
    private static readonly Pb2ExploreOptions s_cheap = new() { Candidates = 16, LocalEvaluations = 20, FitEvaluations = 40 };

    private static Pb2Scheduler Create(PbtMode mode = PbtMode.Synchronous, int population = 6, long steps = 400, ulong seed = 7) =>
        new(new Pb2Options { Mode = mode, Explore = s_cheap }, Simulation.Space, Simulation.Points(population), Simulation.Loss, steps, seed);

    [Fact]
    public void Should_RecordPbtEventsWithPb2Explores_When_DrivenToTheEnd()
    {
        // Given a PB2 run of 8 members, ready every 50 steps for 400 steps
        var scheduler = Create(population: 8);

        // When
        var (events, results) = Simulation.Drive(scheduler);

        // Then it ran as PBT does (the bottom 25% copy the top 25% and explore), with PB2 choosing the new hyperparameters
        Assert.Equal("pb2", scheduler.Method);
        Assert.True(scheduler.IsFinished);
        Assert.All(events, e => Assert.True(e is Exploited or Explored or MemberFinished, e.GetType().Name));
        var explores = events.OfType<Explored>().ToArray();
        Assert.Equal(2 * 7, explores.Length);
        Assert.All(explores, e => Assert.StartsWith("pb2 ucb(n=", e.Operator, StringComparison.Ordinal));
        Assert.All(explores, e => Simulation.Space.Validate(e.After));
        Assert.Equal(8, events.OfType<MemberFinished>().Count(e => e.Reason == MemberStopReason.Completed));

        // And lineage and schedules are read from the same events as PBT's
        var lineage = RunLineage.Build([.. scheduler.InitialEvents, .. events], results, Simulation.Loss);
        var best = lineage.BestMember()!.Value;
        var schedule = lineage.Schedule(best);
        Assert.Equal(0, schedule[0].Step);
        Assert.Equal(400, lineage.Ancestry(best).Max(a => a.ToStep));
        var chosen = scheduler.InitialEvents.OfType<MemberCreated>().Select(e => e.Hyperparameters).Concat(explores.Select(e => e.After)).ToHashSet();
        Assert.All(schedule, segment => Assert.Contains(segment.Hyperparameters, chosen));
    }

    [Theory]
    [InlineData(PbtMode.Synchronous)]
    [InlineData(PbtMode.Asynchronous)]
    public void Should_RebuildIdenticalStateAndTakeSameNextDecision_When_ResultsReplayed(PbtMode mode)
    {
        var original = Create(mode);
        var (events, results) = Simulation.Drive(original);
        Assert.NotEmpty(events.OfType<Explored>());

        for (var cut = 0; cut <= results.Count; cut += 11)
        {
            // Rebuild from the stored results up to the cut, then continue: the same decisions as the original.
            var rebuilt = Create(mode);
            var replayed = new List<RunEvent>();
            foreach (var r in results.Take(cut))
            {
                replayed.AddRange(rebuilt.Tell(r));
            }

            Assert.Equal(events.Take(replayed.Count), replayed);
            foreach (var r in results.Skip(cut))
            {
                Assert.Contains(r.Task, rebuilt.Pending);
                replayed.AddRange(rebuilt.Tell(r));
            }

            Assert.Equal(events, replayed);
        }
    }

    [Fact]
    public void Should_GiveIdenticalEvents_When_TellOrderWithinBarrierShuffled()
    {
        var (reference, _) = Simulation.Drive(Create());
        for (var trial = 0; trial < 3; trial++)
        {
            var (events, _) = Simulation.Drive(Create(), shuffle: new Rng((ulong)trial));

            Assert.Equal(reference, events);
        }
    }

    [Fact]
    public void Should_FinishEveryMember_When_PopulationsAreTinyAndScoresDivergeOrTie()
    {
        // Property-style: populations of 1 to 3, both modes, with results that diverge, are NaN, infinite or all equal
        for (var trial = 0; trial < 24; trial++)
        {
            var mode = trial % 2 == 0 ? PbtMode.Synchronous : PbtMode.Asynchronous;
            var population = 1 + (trial / 2 % 3);
            var kind = trial / 6;
            var scheduler = Create(mode, population, steps: 300, seed: (ulong)trial);

            var (events, _) = Simulation.Drive(scheduler, run: t => kind switch
            {
                0 => Simulation.Complete(t, 1.0),                                            // ties
                1 => t.Member == 0 && t.Generation % 2 == 1 ? Simulation.Diverge(t) : Simulation.Complete(t),
                2 => Simulation.Complete(t, t.Generation % 3 == 0 ? double.NaN : Simulation.LossOf(t)),
                _ => Simulation.Complete(t, t.Member == 1 ? double.PositiveInfinity : Simulation.LossOf(t)),
            });

            Assert.True(scheduler.IsFinished);
            Assert.Equal(population, events.OfType<MemberFinished>().Select(e => e.Member).Distinct().Count());
            Assert.All(events.OfType<Explored>(), e => Simulation.Space.Validate(e.After));
        }
    }

    [Fact]
    public void Should_BuildPb2Scheduler_When_FactoryGivenPb2Options()
    {
        var scheduler = SchedulerFactory.Create(new Pb2Options { Explore = s_cheap }, Simulation.Space, Simulation.Loss, 200, 4, 3);

        var pb2 = Assert.IsType<Pb2Scheduler>(scheduler);
        Assert.Equal(4, pb2.Population);
        Assert.Equal("pb2", pb2.Method);
        Assert.Throws<ArgumentException>(() => new Pb2Options { Explore = s_cheap with { Window = 0 } }.Validate());
        Assert.Throws<ArgumentException>(() => new Pb2Options { Exploit = null! }.Validate());
    }
}
