using System.Security.Cryptography;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Engine.Models;
using Cohort.Engine.Training;
using Cohort.Training.Networks;

namespace Cohort.Training.Tests.Networks;

/// <summary>The options of paper 000's Keras protocol in <see cref="NetworkTrainable"/> and <see cref="NetworkHyperparameters"/>.</summary>
public sealed class KerasProtocolTests
{
    private static readonly Lazy<DatasetSplits> s_keras = new(() =>
        KerasSplitter.Split(DatasetCatalog.LoadRaw("boston", SharedData.Directory), new KerasSplitOptions()));

    private static readonly HyperparameterSet s_perLayer = HyperparameterSet.Empty
        .With(NetworkHyperparameters.LearningRate, 0.001)
        .With("l1_0", 0.01).With("l2_0", 0.02).With("l1_1", 0.03).With("l2_1", 0.04);

    private static NetworkTrainableFactory Factory(BatchOrder order = BatchOrder.Sequential, bool penaltyInLoss = true) =>
        new(new NetworkTrainableOptions(ModelSpec.Mlp(13, [64], 1), OptimizerKind.Adam, LossKind.MeanSquaredError)
        {
            BatchOrder = order,
            LossIncludesPenalty = penaltyInLoss,
        }, s_keras.Value);

    [Fact]
    public void Should_MapLayerNamesToLayerPenalties_When_Converting()
    {
        var h = NetworkHyperparameters.ToTraining(HyperparameterSet.Empty.With("l1", 0.5).With("l2_1", 0.25));

        Assert.Equal(2, h.LayerPenalties!.Count);
        Assert.Equal(new LayerPenalty(0.5f, 0f), h.LayerPenalties[0]);
        Assert.Equal(new LayerPenalty(0.5f, 0.25f), h.LayerPenalties[1]);
        Assert.Null(NetworkHyperparameters.ToTraining(HyperparameterSet.Empty.With("l1", 0.5)).LayerPenalties);
        Assert.False(NetworkHyperparameters.TryLayerName("l1_x", out _, out _));
        Assert.False(NetworkHyperparameters.TryLayerName("l1_01", out _, out _));
        Assert.True(NetworkHyperparameters.TryLayerName("l2_12", out var penalty, out var layer));
        Assert.Equal(("l2", 12), (penalty, layer));
    }

    [SharedDataFact]
    public void Should_IncludeThePenaltyInLoss_When_LossIncludesPenalty()
    {
        // Given a member trained a little with per-layer penalties, raw targets
        using var member = (NetworkTrainable)Factory().Create(1);
        member.Apply(s_perLayer);
        member.Train(100, 1, CancellationToken.None);

        // When evaluated on the whole validation set
        var metrics = member.Evaluate(DataSplit.Validation);

        // Then loss = mse + Σ_k λ₁ᵏΣ|w| + λ₂ᵏΣw² (Keras's evaluate), and the penalty is not negligible here
        var penalty = member.Trainer.Penalty();
        Assert.True(penalty > 0.1, $"penalty {penalty}");
        Assert.Equal(metrics["mse"] + penalty, metrics["loss"], 6);
        using var plain = (NetworkTrainable)Factory(penaltyInLoss: false).Create(1);
        plain.Apply(s_perLayer);
        plain.Train(100, 1, CancellationToken.None);
        Assert.Equal(plain.Evaluate(DataSplit.Validation)["mse"], plain.Evaluate(DataSplit.Validation)["loss"], 10);
    }

    [SharedDataFact]
    public void Should_IgnoreTheTaskSeedForBatches_When_BatchOrderIsSequential()
    {
        // Given two members with the same initial weights, trained with different task seeds (no dropout)
        var sequential = Factory();
        using var a = sequential.Create(5);
        using var b = sequential.Create(5);
        a.Apply(s_perLayer);
        b.Apply(s_perLayer);

        // When
        a.Train(20, 1, CancellationToken.None);
        b.Train(20, 2, CancellationToken.None);

        // Then they saw the same batches, so they hold the same weights (the RNG state differs: it is reseeded per task);
        // shuffled order would differ
        Assert.True(Parameters(a).SequenceEqual(Parameters(b)));
        var shuffled = Factory(BatchOrder.Shuffled);
        using var c = shuffled.Create(5);
        using var d = shuffled.Create(5);
        c.Apply(s_perLayer);
        d.Apply(s_perLayer);
        c.Train(20, 1, CancellationToken.None);
        d.Train(20, 2, CancellationToken.None);
        Assert.False(Parameters(c).SequenceEqual(Parameters(d)));
    }

    [SharedDataFact]
    public void Should_TrainOnBatchStepModNine_When_Sequential()
    {
        // 282 training rows in batches of 32: 8 full batches and one of 26, then again from row 0.
        // Step t uses batch t mod 9 whatever segments the steps are split into.
        var factory = Factory();
        using var oneGo = factory.Create(3);
        using var split = factory.Create(3);
        oneGo.Apply(s_perLayer);
        split.Apply(s_perLayer);

        oneGo.Train(23, 1, CancellationToken.None);
        split.Train(9, 7, CancellationToken.None);
        split.Train(14, 8, CancellationToken.None);

        Assert.True(Parameters(oneGo).SequenceEqual(Parameters(split)));

        // And the first step trains on rows 0..31 exactly: same as a bare trainer stepping on them.
        using var member = (NetworkTrainable)factory.Create(4);
        member.Apply(s_perLayer);
        var bare = new Trainer(ModelSpec.Mlp(13, [64], 1), OptimizerKind.Adam, LossKind.MeanSquaredError, 4, 1, 256)
        {
            Hyperparameters = NetworkHyperparameters.ToTraining(s_perLayer),
        };
        member.Train(1, 99, CancellationToken.None);
        var train = s_keras.Value.Train;
        bare.TrainStep(train.Features.AsSpan(0, 32 * 13), train.Targets.AsSpan(0, 32), 32);
        Assert.True(member.Trainer.Parameters.SequenceEqual(bare.Parameters));
    }

    [SharedDataFact]
    public void Should_TakeWeightsButKeepOwnMoments_When_TransferringWeights()
    {
        // Given a donor and a receiver with different histories
        var factory = Factory();
        using var donor = (NetworkTrainable)factory.Create(1);
        using var receiver = (NetworkTrainable)factory.Create(2);
        using var loaded = (NetworkTrainable)factory.Create(2);
        foreach (var m in new[] { donor, receiver, loaded })
        {
            m.Apply(s_perLayer);
        }

        donor.Train(60, 1, CancellationToken.None);
        receiver.Train(50, 1, CancellationToken.None);
        loaded.Train(50, 1, CancellationToken.None);
        var ownState = Hash(receiver);

        // When one copies the donor's weights in memory and the other loads them from the donor's checkpoint
        receiver.CopyWeightsFrom(donor);
        using (var stream = new MemoryStream())
        {
            donor.Save(stream);
            stream.Position = 0;
            loaded.LoadWeights(stream);
        }

        // Then both hold the donor's parameters but not its state (moments, step)
        Assert.True(receiver.Trainer.Parameters.SequenceEqual(donor.Trainer.Parameters));
        Assert.True(loaded.Trainer.Parameters.SequenceEqual(donor.Trainer.Parameters));
        Assert.Equal(50, receiver.Step);
        Assert.NotEqual(Hash(donor), Hash(receiver));
        Assert.NotEqual(ownState, Hash(receiver));
        Assert.Equal(Hash(receiver), Hash(loaded));
    }

    private static float[] Parameters(ITrainable trainable) => ((NetworkTrainable)trainable).Trainer.Parameters.ToArray();

    private static string Hash(ITrainable trainable)
    {
        using var stream = new MemoryStream();
        trainable.Save(stream);
        return Convert.ToHexStringLower(SHA256.HashData(stream.ToArray()));
    }
}

/// <summary>The Keras protocol end to end: PBT with weights-only exploits and percentile truncation through <see cref="Cohort.Core.Execution.ExperimentRunner"/>.</summary>
public sealed class KerasProtocolRunTests
{
    [SharedDataFact]
    public async Task Should_CompleteAndExploitWeightsOnly_When_RunningPbtWithTheKerasOptions()
    {
        // Given 6 members with tied per-layer penalties, paper 000's code's options
        var splits = KerasSplitter.Split(DatasetCatalog.LoadRaw("boston", SharedData.Directory), new KerasSplitOptions());
        var factory = new NetworkTrainableFactory(
            new NetworkTrainableOptions(ModelSpec.Mlp(13, [64], 1), OptimizerKind.Adam, LossKind.MeanSquaredError)
            {
                BatchOrder = BatchOrder.Sequential,
                LossIncludesPenalty = true,
            },
            splits);
        var space = new SearchSpace(
            new FloatParameter("l1_0", 1e-7, 1, ParameterScale.Log),
            new FloatParameter("l2_0", 1e-7, 1, ParameterScale.Log),
            new FloatParameter("l1_1", 1e-7, 1, ParameterScale.Log),
            new FloatParameter("l2_1", 1e-7, 1, ParameterScale.Log));
        var values = new[] { 0.01, 0.0331, 0.2, 0.01825, 0.1099, 0.06 };
        var points = values.Select((v, i) => HyperparameterSet.Empty
            .With("l1_0", v).With("l1_1", v).With("l2_0", values[5 - i]).With("l2_1", values[5 - i])).ToArray();
        var options = new Cohort.Core.Scheduling.PbtOptions
        {
            ReadyInterval = 50,
            Exploit = new Cohort.Core.Strategies.TruncationSelection(0.2, Cohort.Core.Strategies.TruncationRule.Percentile),
            Explore = new Cohort.Core.Strategies.PerturbExplore([0.2, 0.5, 1.5, 2.0]),
            CopyOptimizerState = false,
        };
        var objective = new Cohort.Core.Scheduling.Objective("loss", Cohort.Core.Scheduling.ObjectiveMode.Minimize);

        async Task<(Cohort.Core.Execution.RunOutcome, IReadOnlyList<Cohort.Core.Storage.StoredEvent>)> RunOnce()
        {
            var store = new Cohort.Core.Storage.InMemoryExperimentStore();
            var runner = new Cohort.Core.Execution.ExperimentRunner(new Cohort.Core.Storage.InMemoryCheckpointStore(), store);
            var scheduler = new Cohort.Core.Scheduling.PbtScheduler(options, space, points, objective, 200, 1);
            var outcome = await runner.RunAsync(new Cohort.Core.Execution.RunDefinition("keras", 1, objective), scheduler, factory, CancellationToken.None);
            return (outcome, await store.ReadEventsAsync("keras", CancellationToken.None));
        }

        // When it runs 200 steps, ready every 50, twice
        var (outcome, events) = await RunOnce();
        var (_, again) = await RunOnce();

        // Then it completes with one weights-only exploit per generation (6 members: the single worst copies the single best)
        Assert.Equal(Cohort.Core.Storage.RunStatus.Completed, outcome.Status);
        Assert.Equal(6, outcome.Latest.Count);
        Assert.All(outcome.Latest, r => Assert.Equal(200, r.Task.EndStep));
        var exploits = events.Select(e => e.Event).OfType<Cohort.Core.Scheduling.Exploited>().ToArray();
        Assert.Equal(3, exploits.Length);
        Assert.Equal(
            events.Select(e => e.Event.ToString()),
            again.Select(e => e.Event.ToString()));
    }
}
