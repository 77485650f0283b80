using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;
using Cohort.Training.NoisyQuadratic;

namespace Cohort.Training.Tests.NoisyQuadratic;

public sealed class NoisyQuadraticTrainableTests
{
    private static HyperparameterSet Lr(double lr) => HyperparameterSet.Empty.With("lr", lr);

    private static NoisyQuadraticTrainable Trained(double lr, int steps, ulong seed = 1, NoisyQuadraticTrainable? from = null)
    {
        var q = new NoisyQuadraticTrainable(100, 2.0, 100.0);
        if (from is not null)
        {
            q.CopyFrom(from);
        }

        q.Apply(Lr(lr));
        q.Train(steps, seed, CancellationToken.None);
        return q;
    }

    /// <summary>The mean loss over <paramref name="windows"/> evaluations, <paramref name="every"/> steps apart.</summary>
    private static double MeanLoss(NoisyQuadraticTrainable q, double lr, int windows, int every, ulong seed)
    {
        q.Apply(Lr(lr));
        var sum = 0.0;
        for (var w = 0; w < windows; w++)
        {
            q.Train(every, seed + (ulong)w, CancellationToken.None);
            sum += q.Loss;
        }

        return sum / windows;
    }

    [Fact]
    public void Should_StartAtHalfSumOfCurvatures_When_Created()
    {
        var q = new NoisyQuadraticTrainable(3, 1.0, 10.0);

        Assert.Equal(0.5 * (1 + 0.5 + (1.0 / 3)), q.Loss, 12);
        Assert.Equal(q.Loss, q.Evaluate(DataSplit.Validation)["loss"]);
        Assert.Equal(Math.Log10(q.Loss), q.Evaluate(DataSplit.Test)["log_loss"], 12);
    }

    [Fact]
    public void Should_GiveBitIdenticalStates_When_SameSeedAndState()
    {
        var a = Trained(0.5, 300, seed: 9);
        var b = Trained(0.5, 300, seed: 9);
        var c = Trained(0.5, 300, seed: 10);

        Assert.Equal(a.State, b.State);
        Assert.NotEqual(a.State, c.State);
        Assert.Equal(300, a.Step);
    }

    [Fact]
    public void Should_RoundTripState_When_SavedAndLoaded()
    {
        var a = Trained(0.3, 123);
        using var stream = new MemoryStream();
        a.Save(stream);
        stream.Position = 0;
        var b = new NoisyQuadraticTrainable(100, 2.0, 100.0);
        b.Load(stream);

        Assert.Equal(a.State, b.State);
        Assert.Equal(123, b.Step);

        // Continuing both with the same task gives the same state (the task is pure).
        a.Train(50, 4, CancellationToken.None);
        b.Apply(Lr(0.3));
        b.Train(50, 4, CancellationToken.None);
        Assert.Equal(a.State, b.State);
        Assert.Throws<InvalidDataException>(() => new NoisyQuadraticTrainable(10, 2.0, 100.0).Load(new MemoryStream(new byte[24 + 160])));
    }

    [Fact]
    public void Should_SettleAtTheoreticalNoiseFloor_When_TrainedLongWithConstantRate()
    {
        // All curvatures 1 (p = 0): stationary E[x²] = α / (B (2 − α)), so E[L] = ½ D α / (B (2 − α)).
        const double alpha = 0.5;
        var q = new NoisyQuadraticTrainable(50, 0.0, 10.0);
        q.Apply(Lr(alpha));
        q.Train(200, 1, CancellationToken.None);
        var expected = 0.5 * 50 * alpha / (10.0 * (2 - alpha));

        var mean = MeanLoss(q, alpha, 400, 5, 100);

        Assert.InRange(mean, expected * 0.93, expected * 1.07);
    }

    [Fact]
    public void Should_RewardGreedyDecayNowButHighRateLater_When_ComparingSchedules()
    {
        // Short term: from the same state, decaying the rate gives an immediate gain (the greedy choice).
        var shared = Trained(1.0, 1000);
        var keepHigh = MeanLoss(Trained(1.0, 100, seed: 2, from: shared), 1.0, 20, 5, 50);
        var decayed = MeanLoss(Trained(0.1, 100, seed: 2, from: shared), 0.1, 20, 5, 50);
        Assert.True(decayed < keepHigh * 0.75, $"decay {decayed} vs keep {keepHigh}");

        // Long term: over 4000 steps, keeping the rate high for 3000 steps and then decaying beats decaying at step 1000.
        var late = Trained(0.1, 1000, seed: 3, from: Trained(1.0, 3000, seed: 4));
        var early = Trained(0.1, 3000, seed: 3, from: Trained(1.0, 1000, seed: 4));
        var lateLoss = MeanLoss(late, 0.1, 20, 5, 60);
        var earlyLoss = MeanLoss(early, 0.1, 20, 5, 60);
        Assert.True(lateLoss < earlyLoss * 0.8, $"late decay {lateLoss} vs early decay {earlyLoss}");
    }

    [Fact]
    public void Should_FollowClosedFormExpectedLoss_When_ExpectedDynamics()
    {
        // p = 0 (every h = 1): m_t = g^t, v_t = α²/B (1 − g^{2t}) / (1 − g²), g = 1 − α; E[L] = ½ D (m² + v).
        const double alpha = 0.3;
        const double b = 10.0;
        var q = new NoisyQuadraticTrainable(4, 0.0, b, expected: true);
        q.Apply(Lr(alpha));
        q.Train(25, 1, CancellationToken.None);
        var g = 1 - alpha;
        var m = Math.Pow(g, 25);
        var v = alpha * alpha / b * (1 - Math.Pow(g, 50)) / (1 - (g * g));

        Assert.Equal(0.5 * 4 * ((m * m) + v), q.Loss, 12);

        // The seed plays no part, and the state (mean and variance) survives a save and load.
        var other = new NoisyQuadraticTrainable(4, 0.0, b, expected: true);
        other.Apply(Lr(alpha));
        other.Train(25, 99, CancellationToken.None);
        Assert.Equal(q.Loss, other.Loss);
        using var stream = new MemoryStream();
        q.Save(stream);
        stream.Position = 0;
        var loaded = new NoisyQuadraticTrainable(4, 0.0, b, expected: true);
        loaded.Load(stream);
        Assert.Equal(q.Loss, loaded.Loss);
    }

    [Fact]
    public void Should_MatchSampledMeanLoss_When_AveragedOverSeeds()
    {
        var expected = new NoisyQuadraticTrainable(20, 1.0, 10.0, expected: true);
        expected.Apply(Lr(0.5));
        expected.Train(200, 0, CancellationToken.None);
        var sum = 0.0;
        const int runs = 300;
        for (var seed = 0UL; seed < runs; seed++)
        {
            var q = new NoisyQuadraticTrainable(20, 1.0, 10.0);
            q.Apply(Lr(0.5));
            q.Train(200, seed, CancellationToken.None);
            sum += q.Loss;
        }

        Assert.InRange(sum / runs, expected.Loss * 0.95, expected.Loss * 1.05);
    }

    [Fact]
    public void Should_Diverge_When_RateExceedsStabilityLimit()
    {
        var q = Trained(2.5, 3000);

        Assert.False(double.IsFinite(q.Evaluate(DataSplit.Validation)["loss"]));
    }

    [Fact]
    public void Should_Throw_When_TrainedBeforeApplyOrRateMissing()
    {
        var q = new NoisyQuadraticTrainable(4, 1.0, 1.0);

        Assert.Throws<InvalidOperationException>(() => q.Train(1, 1, CancellationToken.None));
        Assert.ThrowsAny<Exception>(() => q.Apply(HyperparameterSet.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NoisyQuadraticTrainable(0, 1.0, 1.0));
    }
}
