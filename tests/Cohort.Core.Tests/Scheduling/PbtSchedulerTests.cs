using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Strategies;

namespace Cohort.Core.Tests.Scheduling;

public sealed class PbtSchedulerTests
{
    private static PbtScheduler Create(PbtOptions? options = null, int population = 10, long steps = 500, ulong seed = 7) =>
        new(options ?? new PbtOptions(), Simulation.Space, Simulation.Points(population), Simulation.Loss, steps, seed);

    [Fact]
    public void Should_IssueReadySizedTasksWithDerivedSeeds_When_Created()
    {
        var scheduler = Create(new PbtOptions { ReadyInterval = 40 }, population: 4, steps: 100, seed: 99);

        Assert.Equal(4, scheduler.InitialEvents.Count);
        Assert.All(scheduler.InitialEvents, e => Assert.IsType<MemberCreated>(e));
        Assert.Equal(new[] { 0, 1, 2, 3 }, scheduler.Pending.Select(t => t.Member));
        Assert.All(scheduler.Pending, t =>
        {
            Assert.Null(t.From);
            Assert.Equal(0, t.StartStep);
            Assert.Equal(40, t.Steps);
            Assert.Equal(Seeds.Derive(99, (ulong)t.Member, 0UL, Seeds.Purpose("train")), t.Seed);
        });
        Assert.Equal(scheduler.Pending, scheduler.Pending);
    }

    [Fact]
    public void Should_StartReceiversFromDonorCheckpointWithExploredDonorHyperparameters_When_TruncationExploits()
    {
        var scheduler = Create(population: 10, steps: 200);
        var told = new Dictionary<int, TaskResult>();
        foreach (var task in scheduler.Pending.ToArray())
        {
            told[task.Member] = Simulation.Complete(task);
        }

        IReadOnlyList<RunEvent> events = [];
        foreach (var result in told.Values)
        {
            events = scheduler.Tell(result);
        }

        var ranked = told.Values.OrderBy(r => r.Validation["loss"]).ThenBy(r => r.Task.Member).Select(r => r.Task.Member).ToArray();
        var top = ranked.Take(2).ToHashSet();
        var bottom = ranked.Skip(8).ToHashSet();
        var exploits = events.OfType<Exploited>().ToArray();
        Assert.Equal(bottom, exploits.Select(e => e.Member).ToHashSet());
        foreach (var e in exploits)
        {
            Assert.Contains(e.Donor, top);
            var donorResult = told[e.Donor];
            Assert.Equal(donorResult.Checkpoint, e.Checkpoint);
            Assert.Equal(donorResult.Task.Hyperparameters, e.After);
            Assert.Equal(told[e.Member].Task.Hyperparameters, e.Before);

            var explored = events.OfType<Explored>().Single(x => x.Member == e.Member);
            Assert.Equal(e.After, explored.Before);
            var next = scheduler.Pending.Single(t => t.Member == e.Member);
            Assert.Equal(donorResult.Checkpoint, next.From);
            Assert.Equal(donorResult.Checkpoint!.Step, next.StartStep);
            Assert.Equal(explored.After, next.Hyperparameters);
            Assert.Equal(1, next.Generation);
        }

        // Non-receivers continue from their own checkpoint with their own hyperparameters.
        foreach (var m in ranked.Take(8))
        {
            var next = scheduler.Pending.Single(t => t.Member == m);
            Assert.Equal(told[m].Checkpoint, next.From);
            Assert.Equal(told[m].Task.Hyperparameters, next.Hyperparameters);
        }
    }

    [Fact]
    public void Should_KeepReceiversOwnOptimizerState_When_CopyOptimizerStateIsFalse()
    {
        // Given PBT whose exploit copies weights only (paper 000's Keras code)
        var scheduler = Create(new PbtOptions { CopyOptimizerState = false }, population: 10, steps: 200);
        var told = scheduler.Pending.ToArray().Select(t => Simulation.Complete(t)).ToDictionary(r => r.Task.Member);

        // When the first generation is told
        IReadOnlyList<RunEvent> events = [];
        foreach (var result in told.Values)
        {
            events = scheduler.Tell(result);
        }

        // Then receivers start from the donor's weights with their own last checkpoint's optimizer state
        var exploits = events.OfType<Exploited>().ToArray();
        Assert.NotEmpty(exploits);
        foreach (var e in exploits)
        {
            var next = scheduler.Pending.Single(t => t.Member == e.Member);
            Assert.Equal(told[e.Donor].Checkpoint, next.From);
            Assert.Equal(told[e.Member].Checkpoint, next.OptimizerStateFrom);
        }

        // and everyone else continues from its own checkpoint as usual
        Assert.All(scheduler.Pending.Where(t => exploits.All(e => e.Member != t.Member)), t => Assert.Null(t.OptimizerStateFrom));
        Assert.All(Create(population: 10, steps: 200).Pending, t => Assert.Null(t.OptimizerStateFrom));
    }

    [Fact]
    public void Should_RejectWeightsOnlyExploit_When_Asynchronous()
    {
        var options = new PbtOptions { CopyOptimizerState = false, Mode = PbtMode.Asynchronous };

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("CopyOptimizerState", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_HoldBarrierAndGiveIdenticalEvents_When_TellOrderShuffled()
    {
        List<RunEvent>? reference = null;
        List<IReadOnlyList<TrainTask>>? referencePending = null;
        for (var trial = 0; trial < 5; trial++)
        {
            var scheduler = Create(population: 12, steps: 300);
            var pendingAtBarriers = new List<IReadOnlyList<TrainTask>>();
            var (events, _) = Simulation.Drive(scheduler, shuffle: new Rng((ulong)trial), afterTell: (s, result, e) =>
            {
                var generation = result.Task.Generation;
                if (s.Pending.Any(t => t.Generation == generation))
                {
                    // Generation g is still being told: nothing of g + 1 may be pending, and no decision was returned.
                    Assert.DoesNotContain(s.Pending, t => t.Generation > generation);
                    Assert.Empty(e);
                }
                else
                {
                    pendingAtBarriers.Add(s.Pending);
                }
            });

            if (reference is null)
            {
                reference = events;
                referencePending = pendingAtBarriers;
                Assert.NotEmpty(events.OfType<Exploited>());
            }
            else
            {
                Assert.Equal(reference, events);
                Assert.Equal(referencePending!.Count, pendingAtBarriers.Count);
                for (var i = 0; i < pendingAtBarriers.Count; i++)
                {
                    Assert.Equal(referencePending[i], pendingAtBarriers[i]);
                }
            }
        }

        Assert.Equal(12, reference!.OfType<MemberFinished>().Count(e => e.Reason == MemberStopReason.Completed && e.Step == 300));
    }

    [Fact]
    public void Should_DecideForTheToldMemberOnly_When_Asynchronous()
    {
        var scheduler = Create(new PbtOptions { Mode = PbtMode.Asynchronous, Exploit = new TruncationSelection(0.25) }, population: 8, steps: 500);
        var first = scheduler.Pending.ToArray();
        foreach (var t in first.Take(7))
        {
            scheduler.Tell(Simulation.Complete(t));
        }

        // The worst of the seven told so far, told again at its next ready point, is in the bottom 25%.
        var afterFirst = scheduler.Pending.ToArray();
        Assert.Equal(8, afterFirst.Length);
        Assert.Contains(first[7], afterFirst);
        Assert.Equal(7, afterFirst.Count(t => t.Generation == 1));

        var worst = afterFirst.Where(t => t.Generation == 1).OrderByDescending(Simulation.LossOf).First();
        var events = scheduler.Tell(Simulation.Complete(worst, loss: 1e9));

        Assert.All(events, e => Assert.Equal(worst.Member, e.Member));
        var exploit = Assert.Single(events.OfType<Exploited>());
        var next = scheduler.Pending.Single(t => t.Member == worst.Member);
        Assert.Equal(exploit.Checkpoint, next.From);
        Assert.Equal(exploit.Checkpoint.Step, next.StartStep);
        Assert.Equal(2, next.Generation);

        // Everyone else's pending task is untouched.
        Assert.Equal(afterFirst.Where(t => t.Member != worst.Member), scheduler.Pending.Where(t => t.Member != worst.Member));
    }

    [Theory]
    [InlineData(PbtMode.Synchronous)]
    [InlineData(PbtMode.Asynchronous)]
    public void Should_RebuildIdenticalStateAndTakeSameNextDecision_When_ResultsReplayed(PbtMode mode)
    {
        var options = new PbtOptions { Mode = mode, Explore = new PerturbExplore(PerturbExplore.Paper000Factors, 0.2) };
        var original = Create(options, population: 9, steps: 400);
        var (events, results) = Simulation.Drive(original);

        for (var cut = 0; cut <= results.Count; cut += 7)
        {
            var rebuilt = Create(options, population: 9, steps: 400);
            var replayed = new List<RunEvent>();
            foreach (var r in results.Take(cut))
            {
                replayed.AddRange(rebuilt.Tell(r));
            }

            Assert.Equal(events.Take(replayed.Count), replayed);

            // Continue the rebuilt scheduler: it takes exactly the decisions the original took.
            var rest = new List<RunEvent>(replayed);
            foreach (var r in results.Skip(cut))
            {
                Assert.Contains(r.Task, rebuilt.Pending);
                rest.AddRange(rebuilt.Tell(r));
            }

            Assert.Equal(events, rest);
            Assert.True(rebuilt.IsFinished);
        }
    }

    [Fact]
    public void Should_ExcludeFailedMemberAndFinish_When_MemberKeepsFailing()
    {
        var scheduler = Create(new PbtOptions { MaxTaskRetries = 2 }, population: 6, steps: 300);
        var attemptsOf3 = 0;

        var (events, _) = Simulation.Drive(scheduler, run: t =>
        {
            if (t.Member == 3 && t.Generation == 2)
            {
                attemptsOf3++;
                return Simulation.Fail(t);
            }

            return Simulation.Complete(t);
        });

        Assert.Equal(3, attemptsOf3);
        var failed = Assert.Single(events.OfType<MemberFinished>(), e => e.Reason == MemberStopReason.Failed);
        Assert.Equal(3, failed.Member);
        Assert.Equal(5, events.OfType<MemberFinished>().Count(e => e.Reason == MemberStopReason.Completed));
        Assert.DoesNotContain(events.OfType<Exploited>(), e => e.Donor == 3 && e.Step > 100);
        Assert.Equal(MemberStatus.Failed, scheduler.Members[3].Status);
        Assert.True(scheduler.IsFinished);
    }

    [Fact]
    public void Should_RetryWithSameInputsAndSeed_When_TaskFailsOnce()
    {
        var scheduler = Create(population: 2, steps: 100);
        var task = scheduler.Pending[0];

        Assert.Empty(scheduler.Tell(Simulation.Fail(task)));

        var retry = scheduler.Pending.Single(t => t.Member == task.Member);
        Assert.Equal(task with { Ordinal = 1 }, retry);
        Assert.Throws<InvalidOperationException>(() => scheduler.Tell(Simulation.Complete(task)));
    }

    [Fact]
    public void Should_RescueDivergedMemberByExploit_When_BeforeBurnIn()
    {
        var scheduler = Create(new PbtOptions { BurnIn = 1000 }, population: 4, steps: 300);
        var gen0 = scheduler.Pending.ToArray();
        IReadOnlyList<RunEvent> events = [];
        foreach (var t in gen0)
        {
            events = scheduler.Tell(t.Member == 1 ? Simulation.Diverge(t) : Simulation.Complete(t));
        }

        var exploit = Assert.Single(events.OfType<Exploited>());
        Assert.Equal(1, exploit.Member);
        var best = gen0.Where(t => t.Member != 1).OrderBy(Simulation.LossOf).First().Member;
        Assert.Equal(best, exploit.Donor);
        Assert.Equal(exploit.Checkpoint, scheduler.Pending.Single(t => t.Member == 1).From);
    }

    [Fact]
    public void Should_FinishDivergedMember_When_NobodyToCopy()
    {
        var scheduler = Create(population: 2, steps: 300);

        var (events, _) = Simulation.Drive(scheduler, run: Simulation.Diverge);

        Assert.Equal(2, events.OfType<MemberFinished>().Count(e => e.Reason == MemberStopReason.Diverged));
        Assert.True(scheduler.IsFinished);
    }

    [Fact]
    public void Should_NotExploitBeforeBurnIn_When_BurnInSet()
    {
        var scheduler = Create(new PbtOptions { BurnIn = 200 }, population: 10, steps: 500);

        var (events, _) = Simulation.Drive(scheduler);

        Assert.DoesNotContain(events.OfType<Exploited>(), e => e.Step < 200);
        Assert.Contains(events.OfType<Exploited>(), e => e.Step == 200);
    }

    [Fact]
    public void Should_OnlyPerturbOwnHyperparameters_When_ExploreOnly()
    {
        var scheduler = Create(new PbtOptions { Ablation = PbtAblation.ExploreOnly }, population: 5, steps: 250);

        var (events, results) = Simulation.Drive(scheduler);

        Assert.Empty(events.OfType<Exploited>());
        Assert.Equal(5 * 4, events.OfType<Explored>().Count());
        Assert.All(results.Where(r => r.Task.From is not null), r => Assert.StartsWith($"m{r.Task.Member}-", r.Task.From!.Hash, StringComparison.Ordinal));
    }

    [Fact]
    public void Should_CopyWithoutPerturbing_When_ExploitOnly()
    {
        var scheduler = Create(new PbtOptions { Ablation = PbtAblation.ExploitOnly }, population: 5, steps: 250);

        var (events, _) = Simulation.Drive(scheduler);

        Assert.Empty(events.OfType<Explored>());
        var exploits = events.OfType<Exploited>().ToArray();
        Assert.Equal(4, exploits.Length);
        Assert.All(exploits, e => Assert.NotEqual(e.Member, e.Donor));
    }

    [Fact]
    public void Should_KeepConstantsAndBounds_When_Exploring()
    {
        var space = new SearchSpace(
            new FloatParameter("lr", 1e-4, 1, ParameterScale.Log, GridCount: 6),
            new ConstantParameter("batch", 32));
        var points = InitialPoints.SubsampleGrid(space, 6);
        var scheduler = new PbtScheduler(new PbtOptions { Explore = new PerturbExplore(PerturbExplore.Paper000Factors, 0.3) }, space, points, Simulation.Loss, 1000, 3);

        var (events, _) = Simulation.Drive(scheduler);

        Assert.All(events.OfType<Explored>(), e =>
        {
            space.Validate(e.After);
            Assert.Equal(32, e.After.GetNumber("batch"));
        });
    }

    [Fact]
    public void Should_ReachToyOptimum_When_PbtRunsPaperFigure2()
    {
        // Jaderberg et al. 2017, Figure 2: maximise Q(θ) = 1.2 − (θ0² + θ1²) by gradient ascent on
        // Q̂(θ|h) = 1.2 − (h0 θ0² + h1 θ1²), θ from (0.9, 0.9), h = (1, 0) and (0, 1).
        var space = new SearchSpace(new FloatParameter("h0", 0, 1), new FloatParameter("h1", 0, 1));
        HyperparameterSet[] points = [HyperparameterSet.Empty.With("h0", 1.0).With("h1", 0.0), HyperparameterSet.Empty.With("h0", 0.0).With("h1", 1.0)];
        var objective = new Objective("q", ObjectiveMode.Maximize);

        double Run(MethodOptions method)
        {
            var states = new Dictionary<string, (double T0, double T1)>();
            var scheduler = SchedulerFactory.Create(method, space, objective, 200, 2, 5, points);
            var best = double.NegativeInfinity;
            Simulation.Drive(scheduler, run: t =>
            {
                var (a, b) = t.From is null ? (0.9, 0.9) : states[t.From.Hash];
                for (var i = 0; i < t.Steps; i++)
                {
                    a -= 0.02 * 2 * t.Hyperparameters.GetNumber("h0") * a;
                    b -= 0.02 * 2 * t.Hyperparameters.GetNumber("h1") * b;
                }

                var hash = Simulation.Hash(t);
                states[hash] = (a, b);
                var q = 1.2 - ((a * a) + (b * b));
                best = Math.Max(best, q);
                return new TaskResult(t, TaskOutcome.Completed, new Dictionary<string, double> { ["q"] = q }, Simulation.NoMetrics, new CheckpointRef(hash, t.EndStep, 16));
            });
            return best;
        }

        var noise = new NoiseExplore(0.1, NoiseSpace.Linear);
        var pbt = Run(new PbtOptions { ReadyInterval = 4, Explore = noise });
        var grid = Run(new GridOptions { ReadyInterval = 4 });
        var exploreOnly = Run(new PbtOptions { ReadyInterval = 4, Explore = noise, Ablation = PbtAblation.ExploreOnly });
        var exploitOnlyWithHyperparameters = Run(new PbtOptions { ReadyInterval = 4, Ablation = PbtAblation.ExploitOnly });
        var exploitOnly = Run(new PbtOptions { ReadyInterval = 4, Ablation = PbtAblation.ExploitOnly, CopyHyperparameters = false });

        Assert.True(pbt >= 1.2 - 1e-3, $"pbt {pbt}");
        Assert.Equal(0.39, grid, 2);
        Assert.InRange(exploitOnly, grid + 1e-3, pbt);

        // Copying h with θ makes both members (1, 0) after the first exploit: no better than the grid.
        Assert.Equal(grid, exploitOnlyWithHyperparameters, 6);
        Assert.InRange(exploreOnly, grid - 1e-9, pbt);
    }

    [Theory]
    [InlineData(PbtMode.Synchronous)]
    [InlineData(PbtMode.Asynchronous)]
    public void Should_CopyOnlyFiniteMembers_When_MostMembersDivergeEveryTask(PbtMode mode)
    {
        // Given 8 members of which 6 diverge on every task (without a checkpoint, as the runner reports it), so that
        // truncation's top quarter holds diverged members: this used to stop the run ("chose donor …, which is not a
        // scored member of the population")
        var scheduler = Create(new PbtOptions { Mode = mode, ReadyInterval = 50, Exploit = new TruncationSelection(0.5) }, population: 8, steps: 300);

        // When it is driven to the end
        var (events, _) = Simulation.Drive(scheduler, t => t.Member < 2 ? Simulation.Complete(t) : Simulation.Diverge(t) with { Checkpoint = null });

        // Then it finishes, every copy comes from members 0 or 1, and the diverged members were rescued by them
        Assert.True(scheduler.IsFinished);
        var exploits = events.OfType<Exploited>().ToArray();
        Assert.NotEmpty(exploits);
        Assert.All(exploits, e => Assert.InRange(e.Donor, 0, 1));
    }
}

public sealed class CustomStrategyTests
{
    private sealed class AlwaysCopyZero : Cohort.Core.Strategies.IExploitStrategy
    {
        public string Name => "copy-zero";

        public IReadOnlyList<Cohort.Core.Strategies.ExploitDecision> DecidePopulation(IReadOnlyList<Cohort.Core.Strategies.MemberScore> population, Rng rng) =>
            population.Where(m => m.Member != 0).Select(m => new Cohort.Core.Strategies.ExploitDecision(m.Member, 0, false)).ToArray();

        public Cohort.Core.Strategies.ExploitDecision DecideMember(Cohort.Core.Strategies.MemberScore member, IReadOnlyList<Cohort.Core.Strategies.MemberScore> population, Rng rng) =>
            new(member.Member, member.Member == 0 ? null : 0, false);
    }

    private sealed class OutOfBounds : Cohort.Core.Strategies.IExploreStrategy
    {
        public string Name => "broken";

        public Cohort.Core.Strategies.ExploreResult Explore(Cohort.Core.Strategies.ExploreContext context, Rng rng) => new(context.Current.With("lr", 10.0), "x10");
    }

    [Fact]
    public void Should_UseUserStrategy_When_Implemented()
    {
        var scheduler = new PbtScheduler(new PbtOptions { Exploit = new AlwaysCopyZero() }, Simulation.Space, Simulation.Points(4), Simulation.Loss, 100, 1);

        var (events, _) = Simulation.Drive(scheduler);

        Assert.Equal(new[] { 1, 2, 3 }, events.OfType<Exploited>().Select(e => e.Member));
        Assert.All(events.OfType<Exploited>(), e => Assert.Equal(0, e.Donor));
        Assert.Empty(events.OfType<Explored>());
    }

    [Fact]
    public void Should_ThrowNamingStrategy_When_ExploreLeavesSpace()
    {
        var scheduler = new PbtScheduler(new PbtOptions { Explore = new OutOfBounds() }, Simulation.Space, Simulation.Points(4), Simulation.Loss, 100, 1);

        var ex = Assert.Throws<InvalidOperationException>(() => Simulation.Drive(scheduler));

        Assert.Contains("'broken'", ex.Message, StringComparison.Ordinal);
    }
}
