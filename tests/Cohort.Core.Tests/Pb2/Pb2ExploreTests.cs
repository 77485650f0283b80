using Cohort.Core.Hyperparameters;
using Cohort.Core.Pb2;
using Cohort.Core.Randomness;
using Cohort.Core.Strategies;

namespace Cohort.Core.Tests.Pb2;

public sealed class Pb2ExploreTests
{
    private static readonly SearchSpace s_mixed = new(
        new FloatParameter("lr", 1e-5, 0.1, ParameterScale.Log),
        new IntegerParameter("batch", 8, 256, ParameterScale.Log),
        new FloatParameter("dropout", 0, 0.5),
        new CategoricalParameter("optimizer", ["sgd", "adam"]),
        new ConstantParameter("epochs", 3));

    private static readonly SearchSpace s_lr = new(new FloatParameter("lr", 1e-5, 0.1, ParameterScale.Log));

    /// <summary>
    /// A synthetic history: <paramref name="generations"/> rounds of <paramref name="members"/> tasks of 50 steps,
    /// hyperparameters drawn from the space, each improving its score by <paramref name="rate"/> per step.
    /// </summary>
    private static List<ExploreObservation> History(SearchSpace space, int generations, int members, Func<HyperparameterSet, int, double> rate, ulong seed = 1)
    {
        var rng = new Rng(seed);
        var history = new List<ExploreObservation>();
        for (var g = 0; g < generations; g++)
        {
            for (var m = 0; m < members; m++)
            {
                var h = space.Sample(rng);
                var start = g == 0 ? double.NaN : g * 0.1;
                history.Add(new ExploreObservation(m, g * 50L, (g + 1) * 50L, h, start, start + (50 * rate(h, g))));
            }
        }

        return history;
    }

    private static double Distance2(HyperparameterSet h) => Math.Pow(Math.Log10(h.GetNumber("lr")) + 2, 2);

    [Fact]
    public void Should_ChooseNearTheBestLearningRate_When_HistoryShowsIt()
    {
        // Given reward changes that peak at lr = 0.01 (log10 = −2), 8 members over 6 rounds
        var history = History(s_lr, 6, 8, (h, _) => -Distance2(h));
        var context = new ExploreContext(HyperparameterSet.Empty.With("lr", 1e-5), s_lr) { Member = 0, Step = 300, History = history };

        // When
        var result = new Pb2Explore().Explore(context, new Rng(3));

        // Then the choice is within a factor 3 of 0.01, and the event says how it was chosen
        var lr = result.After.GetNumber("lr");
        Assert.InRange(Math.Log10(lr), -2.5, -1.5);
        Assert.StartsWith("ucb(n=", result.Operator, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_SpreadTheBatch_When_OtherMembersChoicesArePending()
    {
        // Given the same history and generator state, once alone and once after another member chose a point
        var history = History(s_lr, 6, 8, (h, _) => -Distance2(h));
        var explore = new Pb2Explore();
        var alone = new ExploreContext(HyperparameterSet.Empty.With("lr", 1e-5), s_lr) { Member = 1, Step = 300, History = history };
        var first = explore.Explore(alone, new Rng(3)).After;

        // When the second member explores with the first one's choice pending
        var batched = alone with { Pending = [new PendingExplore(0, 300, first)] };
        var second = explore.Explore(batched, new Rng(3)).After;

        // Then alone it would have chosen the same point; with the choice pending its variance there has shrunk, so it moves
        Assert.Equal(first, explore.Explore(alone, new Rng(3)).After);
        Assert.NotEqual(first.GetNumber("lr"), second.GetNumber("lr"));
        var surrogate = explore.Surrogate(batched);
        Assert.True(surrogate.Predict(first).StandardDeviation < explore.Surrogate(alone).Predict(first).StandardDeviation);
    }

    [Fact]
    public void Should_ChooseFarFromPending_When_NoDataYet()
    {
        // Given no usable history (the first round started from scratch) and one choice pending in the middle
        var history = History(s_lr, 1, 4, (_, _) => 1.0);
        var middle = HyperparameterSet.Empty.With("lr", 1e-3);
        var context = new ExploreContext(middle, s_lr) { Step = 50, History = history, Pending = [new PendingExplore(2, 50, middle)] };

        // When
        var lr = new Pb2Explore().Explore(context, new Rng(9)).After.GetNumber("lr");

        // Then the prior's variance is largest far from it: near one end of the (log) range
        Assert.True(Math.Abs(Math.Log10(lr) + 3) > 1.5, $"lr = {lr}");
    }

    [Fact]
    public void Should_FavourTheBetterCategory_When_ItKeepsImprovingMore()
    {
        // Given adam improving by 1 per step and sgd by 0 (lr, batch and dropout irrelevant)
        var history = History(s_mixed, 6, 8, (h, _) => h.GetCategory("optimizer") == "adam" ? 1.0 : 0.0);
        var context = new ExploreContext(s_mixed.Sample(new Rng(1)), s_mixed) { Step = 300, History = history };

        // When
        var probabilities = new Pb2Explore().Surrogate(context).CategoryProbabilities("optimizer");

        // Then EXP3 puts most of its mass on adam (sgd's reward is lower, not zero: 0.25 against 0.75 after standardising), keeping at least γ/K = 0.1 on sgd
        Assert.Equal(1.0, probabilities.Sum(), 12);
        Assert.True(probabilities[1] > 0.65, $"P(adam) = {probabilities[1]}");
        Assert.True(probabilities[0] >= 0.1 - 1e-12);
    }

    [Fact]
    public void Should_AgreeWithThePosterior_When_TheAcquisitionIsEvaluatedThroughTheKernelFactors()
    {
        // Given a mixed space with history and two choices pending (the surrogate's fast acquisition path)
        var history = History(s_mixed, 5, 8, (h, _) => (h.GetCategory("optimizer") == "adam" ? 1.0 : 0.5) - Distance2(h));
        var rng = new Rng(4);
        var context = new ExploreContext(s_mixed.Sample(rng), s_mixed)
        {
            Step = 250,
            History = history,
            Pending = [new PendingExplore(1, 250, s_mixed.Sample(rng)), new PendingExplore(2, 250, s_mixed.Sample(rng))],
        };

        // When
        var surrogate = new Pb2Explore().Surrogate(context);

        // Then μ + √β σ from the kernel's posterior equals the acquisition at several points
        for (var i = 0; i < 6; i++)
        {
            var h = s_mixed.Sample(rng);
            var (mean, sd) = surrogate.Predict(h);
            Assert.Equal(mean + (Math.Sqrt(surrogate.Beta) * sd), surrogate.Acquisition(h), 9);
        }
    }

    [Fact]
    public void Should_StayLegalAndReplayExactly_When_HistoriesAreHostile()
    {
        // Property-style: random histories with diverged members (−∞), unknown starts (NaN), ties and tiny sizes
        var explore = new Pb2Explore(new Pb2ExploreOptions { Candidates = 16, LocalEvaluations = 20, FitEvaluations = 40 });
        var rng = new Rng(2024);
        for (var trial = 0; trial < 40; trial++)
        {
            var generations = rng.NextInt(4);
            var members = 1 + rng.NextInt(3);
            var kind = trial % 4;
            var history = History(s_mixed, generations, members, (h, g) => kind switch
            {
                0 => 0.5,                                                   // ties everywhere
                1 => rng.NextInt(3) == 0 ? double.NegativeInfinity : -Distance2(h),
                2 => rng.NextDouble(),
                _ => double.NaN,                                            // scores that are not numbers
            }, seed: (ulong)trial);
            var context = new ExploreContext(s_mixed.Sample(rng), s_mixed) { Member = 0, Step = generations * 50L, History = history };
            var state = rng.State;

            var a = explore.Explore(context, Rng.FromState(state));
            var b = explore.Explore(context, Rng.FromState(state));
            var surrogateRng = Rng.FromState(state);
            explore.Surrogate(context);

            s_mixed.Validate(a.After);
            Assert.Equal(a, b);
            Assert.Equal(state, surrogateRng.State);
            Assert.Equal(Math.Round(a.After.GetNumber("batch")), a.After.GetNumber("batch"));
            Assert.Equal(3.0, a.After.GetNumber("epochs"));
            rng.NextUInt64();
        }
    }

    [Fact]
    public void Should_KeepTheLearningRateInsideItsBounds_When_TheOptimumIsAtABound()
    {
        // Ray #42180: PB2 crashed with the learning rate among its hyperparameters. Here the best rate is the lower
        // bound 1e-5 itself, where exp(log(1e-5)) may round below the bound; every choice must stay legal.
        var history = History(s_lr, 6, 8, (h, _) => -Math.Log10(h.GetNumber("lr")));
        var explore = new Pb2Explore();
        var rng = new Rng(5);
        for (var i = 0; i < 20; i++)
        {
            var context = new ExploreContext(s_lr.Sample(rng), s_lr) { Step = 300, History = history };
            var lr = explore.Explore(context, rng).After.GetNumber("lr");

            Assert.InRange(lr, 1e-5, 0.1);
            Assert.True(lr < 1e-3, $"lr = {lr}");
        }
    }

    [Fact]
    public void Should_ReturnCurrent_When_NothingCanChange()
    {
        var space = new SearchSpace(new ConstantParameter("lr", 0.1), new CategoricalParameter("opt", ["adam"]));
        var current = HyperparameterSet.Empty.With("lr", 0.1).With("opt", "adam");

        var result = new Pb2Explore().Explore(new ExploreContext(current, space), new Rng(1));

        Assert.Equal(current, result.After);
        Assert.Equal("nothing to explore", result.Operator);
    }

    [Fact]
    public void Should_RejectBadOptions_When_Validated()
    {
        Assert.Throws<ArgumentException>(() => new Pb2Explore(new Pb2ExploreOptions { Window = 0 }));
        Assert.Throws<ArgumentException>(() => new Pb2Explore(new Pb2ExploreOptions { CategoryExploration = 0 }));
        Assert.Throws<ArgumentException>(() => new Pb2Explore(new Pb2ExploreOptions { BetaGrowth = double.NaN }));
        Assert.Throws<ArgumentException>(() => new Pb2Explore(new Pb2ExploreOptions { Candidates = 2, LocalSearches = 4 }));
    }
}
