using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;
using Cohort.Training.Environments;
using Cohort.Training.Reinforcement;

namespace Cohort.Training.Tests.Reinforcement;

public sealed class DeepDoubleSarsaTrainableTests
{
    private static readonly DeepDoubleSarsaTrainableFactory Small = new(new DeepDoubleSarsaOptions
    {
        Hidden = [16, 16],
        BatchSize = 8,
        ReplayCapacity = 500,
        EvaluationEpisodes = 3,
        TestEpisodes = 5,
    });

    private static readonly HyperparameterSet Fast = HyperparameterSet.Empty
        .With(SarsaHyperparameters.LearningRate, HyperValue.Of(1e-3))
        .With(SarsaHyperparameters.TargetSync, HyperValue.Of(50))
        .With(SarsaHyperparameters.EpsilonDecay, HyperValue.Of(1000));

    private static DeepDoubleSarsaTrainable Trained(DeepDoubleSarsaTrainableFactory factory, ulong seed, int steps, ulong taskSeed)
    {
        var t = (DeepDoubleSarsaTrainable)factory.Create(seed);
        t.Apply(Fast);
        t.Train(steps, taskSeed, CancellationToken.None);
        return t;
    }

    private static byte[] Bytes(ITrainable t)
    {
        using var s = new MemoryStream();
        t.Save(s);
        return s.ToArray();
    }

    [Fact]
    public void Train_Should_GiveTheSameBytes_When_SameStateSeedAndSteps()
    {
        // Given two members from the same seed, trained with the same task
        using var a = Trained(Small, 3, 1200, 77);
        using var b = Trained(Small, 3, 1200, 77);

        // Then their checkpoints are identical, and a different task seed or member seed gives another state
        Assert.Equal(Bytes(a), Bytes(b));
        using var c = Trained(Small, 3, 1200, 78);
        using var d = Trained(Small, 4, 1200, 77);
        Assert.NotEqual(Bytes(a), Bytes(c));
        Assert.NotEqual(Bytes(a), Bytes(d));
        Assert.Equal(1200, a.Step);
        Assert.True(a.Episodes > 0);
    }

    [Fact]
    public void Train_Should_CopyTheBehaviourIntoTheTarget_When_TargetSyncStepsHavePassed()
    {
        // Given target_sync = 50: after 1200 steps the last copy was at step 1200, after 1210 at step 1200
        using var synced = Trained(Small, 3, 1200, 77);
        using var lagging = Trained(Small, 3, 1210, 77);

        // Then the target equals the behaviour only right after a copy, and a fresh member starts with both equal
        Assert.Equal(synced.BehaviourHash, synced.TargetHash);
        Assert.NotEqual(lagging.BehaviourHash, lagging.TargetHash);
        using var fresh = (DeepDoubleSarsaTrainable)Small.Create(3);
        Assert.Equal(fresh.BehaviourHash, fresh.TargetHash);
        Assert.NotEqual(fresh.BehaviourHash, synced.BehaviourHash);
    }

    [Fact]
    public void Load_Should_ContinueBitForBit_When_SavedMidEpisode()
    {
        // Given a member saved after 1001 steps (an odd count: CartPole episodes are mid-way with high probability)
        using var original = Trained(Small, 5, 1001, 1);
        Assert.True(original.InEpisode);
        var saved = Bytes(original);

        // When a member of another seed loads it, and a third copies it in memory
        using var loaded = (DeepDoubleSarsaTrainable)Small.Create(99);
        loaded.Load(new MemoryStream(saved));
        using var copied = (DeepDoubleSarsaTrainable)Small.Create(98);
        copied.CopyFrom(original);

        // Then all three save the same bytes, and continue identically
        Assert.Equal(saved, Bytes(loaded));
        Assert.Equal(saved, Bytes(copied));
        Assert.True(loaded.InEpisode);
        foreach (var t in new[] { original, loaded, copied })
        {
            t.Apply(Fast);
            t.Train(500, 2, CancellationToken.None);
        }

        Assert.Equal(Bytes(original), Bytes(loaded));
        Assert.Equal(Bytes(original), Bytes(copied));
        Assert.Equal(original.Evaluate(DataSplit.Validation), loaded.Evaluate(DataSplit.Validation));
    }

    [Fact]
    public void Evaluate_Should_LeaveTheStateUnchanged_And_ReportEveryMetric()
    {
        using var t = Trained(Small, 6, 800, 3);
        var before = Bytes(t);

        var validation = t.Evaluate(DataSplit.Validation);
        var test = t.Evaluate(DataSplit.Test);
        var train = t.Evaluate(DataSplit.Train);

        Assert.Equal(before, Bytes(t));
        Assert.Equal(Small.Metrics.Order(), validation.Keys.Order());
        Assert.Equal(800, validation[DeepDoubleSarsaTrainable.MetricEnvironmentSteps]);
        Assert.Equal(t.Episodes, validation[DeepDoubleSarsaTrainable.MetricEpisodes]);
        Assert.InRange(validation[DeepDoubleSarsaTrainable.MetricReturn], 1, 500);
        Assert.True(validation[DeepDoubleSarsaTrainable.MetricEvaluationSteps] >= 3);
        Assert.True(test[DeepDoubleSarsaTrainable.MetricEvaluationSteps] >= 5);
        Assert.Equal(0, train[DeepDoubleSarsaTrainable.MetricEvaluationSteps]);
        Assert.Equal(train[DeepDoubleSarsaTrainable.MetricReturn], train[DeepDoubleSarsaTrainable.MetricTrainReturn]);

        // The same state always gives the same evaluation (its start states follow the step, not a hidden stream)
        Assert.Equal(validation, t.Evaluate(DataSplit.Validation));
    }

    [Fact]
    public void Train_Should_BalanceThePole_When_TrainedForAFewThousandSteps()
    {
        // A fresh CartPole agent acts at random (mean return about 20); after 8000 steps of Deep Double Sarsa
        // its greedy policy keeps the pole up far longer
        var factory = new DeepDoubleSarsaTrainableFactory(new DeepDoubleSarsaOptions { Hidden = [32, 32], EvaluationEpisodes = 10 });
        using var t = (DeepDoubleSarsaTrainable)factory.Create(1);
        var h = HyperparameterSet.Empty
            .With(SarsaHyperparameters.TargetSync, HyperValue.Of(100))
            .With(SarsaHyperparameters.EpsilonDecay, HyperValue.Of(4000));
        t.Apply(h);
        var untrained = t.Evaluate(DataSplit.Validation)[DeepDoubleSarsaTrainable.MetricReturn];

        t.Train(8000, 11, CancellationToken.None);

        var trained = t.Evaluate(DataSplit.Validation)[DeepDoubleSarsaTrainable.MetricReturn];
        Assert.True(trained > 150 && trained > 3 * untrained, $"greedy return {untrained} before, {trained} after 8000 steps");
    }

    [Fact]
    public void Train_Should_AllocateTheSame_When_TrainingTenTimesLonger()
    {
        // Steady-state training allocates nothing per step (one generator per task, whatever its length)
        using var t = Trained(Small, 7, 600, 1);
        t.Train(100, 2, CancellationToken.None);
        var start = GC.GetAllocatedBytesForCurrentThread();
        t.Train(100, 3, CancellationToken.None);
        var shortTask = GC.GetAllocatedBytesForCurrentThread() - start;
        start = GC.GetAllocatedBytesForCurrentThread();
        t.Train(1000, 4, CancellationToken.None);
        var longTask = GC.GetAllocatedBytesForCurrentThread() - start;
        Assert.Equal(shortTask, longTask);
    }

    [Fact]
    public void Load_Should_RejectAndKeepItsState_When_CheckpointIsCorruptedOrForAnotherEnvironment()
    {
        using var t = Trained(Small, 8, 300, 1);
        var own = Bytes(t);
        var corrupted = (byte[])own.Clone();
        corrupted[own.Length / 2] ^= 1;
        var acrobot = new DeepDoubleSarsaTrainableFactory(new DeepDoubleSarsaOptions
        {
            Environment = Acrobot.Id, Hidden = [16, 16], BatchSize = 8, ReplayCapacity = 500,
        });
        using var other = acrobot.Create(1);
        var foreign = Bytes(other);

        var bad = Assert.Throws<InvalidDataException>(() => t.Load(new MemoryStream(corrupted)));
        Assert.Contains("SHA-256", bad.Message, StringComparison.Ordinal);
        var wrong = Assert.Throws<InvalidDataException>(() => t.Load(new MemoryStream(foreign)));
        Assert.Contains("Acrobot-v1", wrong.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => t.Load(new MemoryStream(own[..40])));
        Assert.Throws<InvalidDataException>(() => t.Load(new MemoryStream([])));
        Assert.Equal(own, Bytes(t));
        Assert.Throws<ArgumentException>(() => t.CopyFrom(other));
    }

    [Fact]
    public void Train_Should_RunThePapersOnlineUpdate_When_ReplayHoldsOneTransition()
    {
        // Capacity 1, batch 1: every step updates on the latest transition only (paper 002's description)
        var online = new DeepDoubleSarsaTrainableFactory(new DeepDoubleSarsaOptions { Hidden = [8], BatchSize = 1, ReplayCapacity = 1, EvaluationEpisodes = 2 });
        using var a = Trained(online, 1, 700, 5);
        using var b = Trained(online, 1, 700, 5);
        Assert.Equal(Bytes(a), Bytes(b));
        using var fresh = (DeepDoubleSarsaTrainable)online.Create(1);
        Assert.NotEqual(fresh.BehaviourHash, a.BehaviourHash);
    }

    [Fact]
    public void Train_Should_RunOnAcrobot()
    {
        var factory = new DeepDoubleSarsaTrainableFactory(new DeepDoubleSarsaOptions
        {
            Environment = Acrobot.Id, Hidden = [16], BatchSize = 8, ReplayCapacity = 200, EvaluationEpisodes = 1,
        });
        using var t = Trained(factory, 2, 600, 9);
        var m = t.Evaluate(DataSplit.Validation);
        Assert.Equal(600, t.Step);
        Assert.InRange(m[DeepDoubleSarsaTrainable.MetricReturn], -500, 0);
    }
}
