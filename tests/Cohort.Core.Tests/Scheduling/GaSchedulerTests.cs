using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Scheduling;

namespace Cohort.Core.Tests.Scheduling;

public sealed class GaSchedulerTests
{
    private static GaScheduler Create(GaOptions? options = null, int population = 10, long steps = 500, ulong seed = 7) =>
        new(options ?? new GaOptions(), Simulation.Space, Simulation.Points(population), Simulation.Loss, steps, seed);

    private static (List<RunEvent> Events, Dictionary<int, TaskResult> Told) OneGeneration(GaScheduler scheduler, Func<TrainTask, TaskResult>? run = null)
    {
        var told = new Dictionary<int, TaskResult>();
        var events = new List<RunEvent>();
        foreach (var task in scheduler.Pending.ToArray())
        {
            var result = (run ?? (t => Simulation.Complete(t)))(task);
            told[task.Member] = result;
            events.AddRange(scheduler.Tell(result));
        }

        return (events, told);
    }

    [Fact]
    public void Should_BeGaWithPaperDefaults_When_OptionsAreDefault()
    {
        var options = new GaOptions();

        Assert.Equal("ga", options.Method);
        Assert.Equal(0.33, options.CrossoverRate);
        Assert.Equal(0.05, options.MutationRate);
        Assert.Equal("ga", Create().Method);
        Assert.IsType<GaScheduler>(SchedulerFactory.Create(options, Simulation.Space, Simulation.Loss, 100, 6, 1));
        Assert.Throws<ArgumentException>(() => new GaOptions { CrossoverRate = 1.5 }.Validate());
        Assert.Throws<ArgumentException>(() => new GaOptions { MutationRate = -0.1 }.Validate());
    }

    [Fact]
    public void Fitness_Should_MapMinToZeroAndMaxToOne_When_ScoresDiffer()
    {
        var fitness = GaOperators.Fitness([2.0, 4.0, 3.0, double.NegativeInfinity, double.NaN]);

        Assert.Equal([0.0, 1.0, 0.5, 0.0, 0.0], fitness);
    }

    [Fact]
    public void Fitness_Should_FavourTheLowestMetric_When_ObjectiveMinimises()
    {
        var objective = new Objective("loss", ObjectiveMode.Minimize);
        var losses = new[] { 0.5, 0.1, 0.3 };

        var fitness = GaOperators.Fitness(losses.Select(objective.Score).ToArray());

        // (maxfom − fom) / (maxfom − minfom) for a minimised fom.
        Assert.Equal(0.0, fitness[0], 12);
        Assert.Equal(1.0, fitness[1], 12);
        Assert.Equal(0.5, fitness[2], 12);
    }

    [Fact]
    public void Fitness_Should_BeOneForAll_When_AllScoresAreEqual()
    {
        Assert.Equal([1.0, 1.0, 0.0], GaOperators.Fitness([3.0, 3.0, double.NegativeInfinity]));
    }

    [Fact]
    public void SelectProportional_Should_DrawInProportionToFitness_When_SampledManyTimes()
    {
        var rng = new Rng(11);
        double[] weights = [0.0, 1.0, 3.0, 0.5];
        var counts = new int[weights.Length];
        const int n = 40000;

        for (var i = 0; i < n; i++)
        {
            counts[GaOperators.SelectProportional(weights, rng)]++;
        }

        Assert.Equal(0, counts[0]);
        Assert.InRange(counts[1] / (double)n, 1 / 4.5 - 0.01, 1 / 4.5 + 0.01);
        Assert.InRange(counts[2] / (double)n, 3 / 4.5 - 0.01, 3 / 4.5 + 0.01);
        Assert.InRange(counts[3] / (double)n, 0.5 / 4.5 - 0.01, 0.5 / 4.5 + 0.01);
    }

    private static SearchSpace Wide(int d) =>
        new(Enumerable.Range(0, d).Select(i => (Hyperparameter)new FloatParameter("h" + i, 0, 100)).ToArray());

    private static HyperparameterSet Uniform(int d, double value) =>
        HyperparameterSet.From(Enumerable.Range(0, d).Select(i => new KeyValuePair<string, HyperValue>("h" + i, value)));

    [Fact]
    public void Crossover_Should_SwapEachLocusAtTheRateAndKeepOneGenotype_When_SampledManyTimes()
    {
        const int d = 10;
        var space = Wide(d);
        var a = Uniform(d, 10);
        var b = Uniform(d, 90);
        var rng = new Rng(5);
        var swaps = 0;
        var keptA = 0;
        const int trials = 4000;

        for (var t = 0; t < trials; t++)
        {
            var crossed = new List<string>();
            var child = GaOperators.Crossover(a, b, space, 0.33, rng, crossed);
            swaps += crossed.Count;
            var fromA = child.Values.Count(v => v.Number == 10);
            var fromB = child.Values.Count(v => v.Number == 90);
            Assert.Equal(d, fromA + fromB);
            var basisIsA = crossed.Count == 0 ? fromA == d : child[crossed[0]].Number == 90;
            keptA += basisIsA ? 1 : 0;
            Assert.Equal(crossed.Count, basisIsA ? fromB : fromA);
        }

        Assert.InRange(swaps / (double)(trials * d), 0.32, 0.34);
        Assert.InRange(keptA / (double)trials, 0.47, 0.53);
    }

    [Fact]
    public void Mutate_Should_UseTheRateAndFourEquallyLikelyKindsInTheirRanges_When_SampledManyTimes()
    {
        const int d = 10;
        var space = Wide(d);
        var h = Uniform(d, 50);
        var rng = new Rng(9);
        var kinds = new int[4];
        var mutated = 0;
        const int trials = 20000;

        for (var t = 0; t < trials; t++)
        {
            var mutations = new List<(string Name, MutationKind? Kind)>();
            var child = GaOperators.Mutate(h, space, 0.05, rng, mutations);
            mutated += mutations.Count;
            foreach (var (name, kind) in mutations)
            {
                kinds[(int)kind!.Value]++;
                var change = (child[name].Number / 50) - 1;
                switch (kind)
                {
                    case MutationKind.DecreaseSmall:
                        Assert.InRange(change, -0.01, 0);
                        break;
                    case MutationKind.IncreaseSmall:
                        Assert.InRange(change, 0, 0.01);
                        break;
                    case MutationKind.IncreaseLarge:
                        Assert.InRange(change, 0.1, 0.2);
                        break;
                    default:
                        Assert.InRange(change, -0.2, -0.1);
                        break;
                }
            }

            Assert.Equal(d - mutations.Count, child.Values.Count(v => v.Number == 50));
        }

        Assert.InRange(mutated / (double)(trials * d), 0.047, 0.053);
        Assert.All(kinds, k => Assert.InRange(k / (double)mutated, 0.23, 0.27));
    }

    [Fact]
    public void Mutate_Should_StayInBoundsRoundIntegersAndResampleCategoricals_When_EveryLocusMutates()
    {
        var space = new SearchSpace(
            new FloatParameter("x", 0.5, 1),
            new IntegerParameter("n", 1, 10),
            new CategoricalParameter("act", ["relu", "tanh", "sigmoid"]),
            new ConstantParameter("c", 3));
        var atUpper = HyperparameterSet.From([new("x", 1.0), new("n", 10.0), new("act", "relu"), new("c", 3.0)]);
        var atLower = HyperparameterSet.From([new("x", 0.5), new("n", 1.0), new("act", "relu"), new("c", 3.0)]);
        var rng = new Rng(3);
        var categories = new HashSet<string>();

        for (var t = 0; t < 2000; t++)
        {
            foreach (var h in new[] { atUpper, atLower })
            {
                var child = GaOperators.Mutate(h, space, 1.0, rng);
                space.Validate(child);
                Assert.Equal(3.0, child.GetNumber("c"));
                Assert.Equal(Math.Round(child.GetNumber("n")), child.GetNumber("n"));
                categories.Add(child.GetCategory("act"));
            }
        }

        Assert.Equal(3, categories.Count);
    }

    [Fact]
    public void Should_HoldTheBarrier_When_NotEveryMemberHasToldItsResult()
    {
        var scheduler = Create(population: 6, steps: 200);
        var tasks = scheduler.Pending.ToArray();

        foreach (var task in tasks.Take(5))
        {
            Assert.Empty(scheduler.Tell(Simulation.Complete(task)));
        }

        Assert.Equal(new[] { tasks[5] }, scheduler.Pending);
        Assert.NotEmpty(scheduler.Tell(Simulation.Complete(tasks[5])));
        Assert.Equal(6, scheduler.Pending.Count);
        Assert.All(scheduler.Pending, t => Assert.Equal(1, t.Generation));
    }

    [Fact]
    public void Should_BreedChildrenFromThreeParents_When_AGenerationEnds()
    {
        var scheduler = Create(new GaOptions { CrossoverRate = 0.5, MutationRate = 0 }, population: 12, steps: 300);

        var (events, told) = OneGeneration(scheduler);

        var bred = events.OfType<Bred>().ToArray();
        Assert.NotEmpty(bred);
        var children = bred.Select(b => b.Member).ToHashSet();
        var scores = told.Values.ToDictionary(r => r.Task.Member, r => Simulation.Loss.Score(r));
        var best = scores.MaxBy(kv => kv.Value).Key;
        var worst = scores.MinBy(kv => kv.Value).Key;
        Assert.DoesNotContain(best, children);
        Assert.Contains(worst, children);
        foreach (var b in bred)
        {
            // Parents are survivors: members that were not replaced this generation.
            Assert.DoesNotContain(b.HyperparameterParentA, children);
            Assert.DoesNotContain(b.HyperparameterParentB, children);
            Assert.DoesNotContain(b.WeightsParent, children);
            Assert.NotEqual(b.HyperparameterParentA, b.HyperparameterParentB);

            var weights = told[b.WeightsParent];
            Assert.Equal(weights.Checkpoint, b.Checkpoint);
            Assert.Equal(told[b.Member].Task.Hyperparameters, b.Before);
            var next = scheduler.Pending.Single(t => t.Member == b.Member);
            Assert.Equal(weights.Checkpoint, next.From);
            Assert.Equal(weights.Checkpoint!.Step, next.StartStep);
            Assert.Equal(b.After, next.Hyperparameters);

            // Without mutation every locus comes from one of the two hyperparameter parents.
            var pa = told[b.HyperparameterParentA].Task.Hyperparameters;
            var pb = told[b.HyperparameterParentB].Task.Hyperparameters;
            foreach (var (name, value) in b.After)
            {
                Assert.True(value.Equals(pa[name]) || value.Equals(pb[name]), $"{name}={value} is from neither parent");
            }
        }

        foreach (var survivor in told.Keys.Where(m => !children.Contains(m)))
        {
            var next = scheduler.Pending.Single(t => t.Member == survivor);
            Assert.Equal(told[survivor].Checkpoint, next.From);
            Assert.Equal(told[survivor].Task.Hyperparameters, next.Hyperparameters);
        }
    }

    [Fact]
    public void Should_TakeWeightsFromTheFitterHyperparameterParent_When_WeightsParentIsBestOfTwo()
    {
        var scheduler = Create(new GaOptions { WeightsParent = WeightsParentChoice.BestOfHyperparameterParents }, population: 12, steps: 300);

        var (events, told) = OneGeneration(scheduler);

        var bred = events.OfType<Bred>().ToArray();
        Assert.NotEmpty(bred);
        foreach (var b in bred)
        {
            Assert.Contains(b.WeightsParent, new[] { b.HyperparameterParentA, b.HyperparameterParentB });
            var other = b.WeightsParent == b.HyperparameterParentA ? b.HyperparameterParentB : b.HyperparameterParentA;
            Assert.True(Simulation.Loss.Score(told[b.WeightsParent]) >= Simulation.Loss.Score(told[other]));
        }
    }

    [Fact]
    public void Should_ReplaceMembersWithProbabilityOneMinusFitness_When_ManyGenerationsRun()
    {
        // Member scores fixed by member id (loss = id): fitness of member i in a population of 5 is (4 − i) / 4.
        var replaced = new int[5];
        var generations = 0;
        for (ulong seed = 0; seed < 60; seed++)
        {
            var scheduler = new GaScheduler(new GaOptions { ReadyInterval = 10 }, Simulation.Space, Simulation.Points(5), Simulation.Loss, 100, seed);
            var (events, _) = Simulation.Drive(scheduler, t => Simulation.Complete(t, loss: t.Member));
            generations += 9;
            foreach (var b in events.OfType<Bred>())
            {
                replaced[b.Member]++;
            }
        }

        Assert.Equal(0, replaced[0]);
        Assert.Equal(generations, replaced[4]);
        Assert.InRange(replaced[1] / (double)generations, 0.25 - 0.06, 0.25 + 0.06);
        Assert.InRange(replaced[2] / (double)generations, 0.5 - 0.06, 0.5 + 0.06);
        Assert.InRange(replaced[3] / (double)generations, 0.75 - 0.06, 0.75 + 0.06);
    }

    [Fact]
    public void Should_GiveIdenticalEvents_When_ResultsAreReplayedOrShuffledWithinGenerations()
    {
        var first = Create(population: 8, steps: 300, seed: 21);
        var (events, results) = Simulation.Drive(first, shuffle: new Rng(1));
        Assert.Contains(events, e => e is Bred);

        var replay = Create(population: 8, steps: 300, seed: 21);
        var replayed = results.SelectMany(replay.Tell).ToList();
        Assert.Equal(events, replayed);
        Assert.True(replay.IsFinished);

        var shuffled = Create(population: 8, steps: 300, seed: 21);
        var (otherOrder, _) = Simulation.Drive(shuffled, shuffle: new Rng(99));
        Assert.Equal(events, otherOrder);
    }

    [Fact]
    public void Should_FinishEveryMemberAtTheBudget_When_DrivenToTheEnd()
    {
        var scheduler = Create(new GaOptions { ReadyInterval = 50 }, population: 6, steps: 200);

        var (events, results) = Simulation.Drive(scheduler);

        Assert.True(scheduler.IsFinished);
        var finished = events.OfType<MemberFinished>().ToArray();
        Assert.Equal(6, finished.Length);
        Assert.All(finished, f => Assert.Equal(MemberStopReason.Completed, f.Reason));
        Assert.All(finished, f => Assert.Equal(200, f.Step));
        Assert.Equal(6 * 4, results.Count);
    }

    [Fact]
    public void Should_ReplaceADivergedMember_When_OthersHaveFiniteScores()
    {
        var scheduler = Create(new GaOptions { BurnIn = 1000 }, population: 4, steps: 300);

        var (events, told) = OneGeneration(scheduler, t => t.Member == 2 ? Simulation.Diverge(t) : Simulation.Complete(t));

        // Before burn-in only the diverged member is replaced.
        var bred = Assert.Single(events.OfType<Bred>());
        Assert.Equal(2, bred.Member);
        Assert.NotEqual(2, bred.WeightsParent);
        Assert.Equal(told[bred.WeightsParent].Checkpoint, scheduler.Pending.Single(t => t.Member == 2).From);
    }

    [Fact]
    public void Fitness_Should_StayInTheUnitInterval_When_ScoresSpanAllDoubles()
    {
        // max - min overflows to infinity here; the fitness is computed from halves instead
        Assert.Equal([0.0, 0.5, 1.0, 0.0], GaOperators.Fitness([-double.MaxValue, 0.0, double.MaxValue, double.NaN]));
    }
}
