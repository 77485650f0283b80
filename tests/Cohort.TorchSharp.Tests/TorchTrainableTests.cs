using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;
using Cohort.Training.Networks;
using TorchSharp.Modules;

namespace Cohort.TorchSharp.Tests;

public sealed class TorchTrainableTests
{
    private static readonly HyperparameterSet s_h = HyperparameterSet.Empty
        .With(NetworkHyperparameters.LearningRate, 0.01)
        .With(NetworkHyperparameters.L1, 1e-4)
        .With(NetworkHyperparameters.L2, 1e-4);

    private static TorchTrainableFactory Boston(TorchOptimizerKind optimizer = TorchOptimizerKind.Adam) =>
        TorchTrainableFactory.Builtin("mlp", SharedData.Boston, optimizer);

    [SharedDataFact]
    public void Should_GiveIdenticalBytes_When_TheSameTaskRunsTwice()
    {
        // Given two members built from the same seed
        var factory = Boston();
        using var a = factory.Create(5);
        using var b = factory.Create(5);
        Assert.Equal(Checkpoints.Hash(a), Checkpoints.Hash(b));

        // When both run the same task
        a.Apply(s_h);
        b.Apply(s_h);
        a.Train(100, 42, CancellationToken.None);
        b.Train(100, 42, CancellationToken.None);

        // Then their states are identical byte for byte, and a different seed gives a different state
        Assert.Equal(Checkpoints.Hash(a), Checkpoints.Hash(b));
        Assert.Equal(100, a.Step);
        using var c = factory.Create(5);
        c.Apply(s_h);
        c.Train(100, 43, CancellationToken.None);
        Assert.NotEqual(Checkpoints.Hash(a), Checkpoints.Hash(c));
    }

    [SharedDataTheory]
    [InlineData(TorchOptimizerKind.Adam)]
    [InlineData(TorchOptimizerKind.Sgd)]
    [InlineData(TorchOptimizerKind.AdamW)]
    public void Should_ReproduceTheDonorsBytes_When_CopiedOrLoaded(TorchOptimizerKind optimizer)
    {
        // Given a trained donor (SGD with momentum, so its momentum buffers exist)
        var factory = Boston(optimizer);
        var h = optimizer == TorchOptimizerKind.Sgd ? s_h.With(NetworkHyperparameters.Momentum, 0.9) : s_h;
        using var donor = factory.Create(1);
        donor.Apply(h);
        donor.Train(60, 9, CancellationToken.None);
        var bytes = Checkpoints.Bytes(donor);

        // When one member copies it in memory and another loads its checkpoint (both fresh: no optimizer state yet)
        using var copied = factory.Create(2);
        using var loaded = factory.Create(3);
        copied.CopyFrom(donor);
        Checkpoints.Load(loaded, bytes);

        // Then both save exactly the donor's bytes and continue exactly as the donor does
        Assert.Equal(bytes, Checkpoints.Bytes(copied));
        Assert.Equal(bytes, Checkpoints.Bytes(loaded));
        Assert.Equal(60, copied.Step);
        foreach (var t in new[] { donor, copied, loaded })
        {
            t.Apply(h);
            t.Train(20, 11, CancellationToken.None);
        }

        Assert.Equal(Checkpoints.Hash(donor), Checkpoints.Hash(copied));
        Assert.Equal(Checkpoints.Hash(donor), Checkpoints.Hash(loaded));
    }

    [SharedDataFact]
    public void Should_KeepOwnOptimizerStateAndStep_When_TakingWeightsOnly()
    {
        var factory = Boston();
        using var donor = factory.Create(1);
        using var receiver = factory.Create(2);
        using var fromFile = factory.Create(2);
        foreach (var t in new[] { donor, receiver, fromFile })
        {
            t.Apply(s_h);
        }

        donor.Train(50, 1, CancellationToken.None);
        receiver.Train(30, 2, CancellationToken.None);
        fromFile.Train(30, 2, CancellationToken.None);
        var own = Checkpoints.Hash(receiver);

        ((IWeightTransfer)receiver).CopyWeightsFrom(donor);
        using (var stream = new MemoryStream(Checkpoints.Bytes(donor)))
        {
            ((IWeightTransfer)fromFile).LoadWeights(stream);
        }

        var r = (TorchTrainable)receiver;
        var d = (TorchTrainable)donor;
        Assert.All(
            r.Module.parameters().Zip(d.Module.parameters()),
            p => Assert.True(p.First.eq(p.Second).all().item<bool>()));
        Assert.Equal(30, receiver.Step);
        Assert.NotEqual(Checkpoints.Hash(donor), Checkpoints.Hash(receiver));
        Assert.NotEqual(own, Checkpoints.Hash(receiver));
        Assert.Equal(Checkpoints.Hash(receiver), Checkpoints.Hash(fromFile));
    }

    [SharedDataFact]
    public void Should_SetOptimizerParamGroups_When_HyperparametersAreApplied()
    {
        using var adam = (TorchTrainable)Boston().Create(1);
        adam.Apply(HyperparameterSet.Empty.With("learning_rate", 0.05).With("beta1", 0.5).With("weight_decay", 1e-3).With("epsilon", 1e-6));
        var group = Assert.IsType<Adam.ParamGroup>(Assert.Single(adam.Optimizer.ParamGroups));
        Assert.Equal(0.05, group.LearningRate);
        Assert.Equal((0.5, 0.999), group.Betas);
        Assert.Equal(1e-3, group.Options.weight_decay);
        Assert.Equal(1e-6, group.Options.eps);

        // A later task without a name restores its default
        adam.Apply(HyperparameterSet.Empty.With("learning_rate", 0.002));
        Assert.Equal(0.002, group.LearningRate);
        Assert.Equal((0.9, 0.999), group.Betas);
        Assert.Equal(0.0, group.Options.weight_decay);

        using var sgd = (TorchTrainable)Boston(TorchOptimizerKind.Sgd).Create(1);
        sgd.Apply(HyperparameterSet.Empty.With("learning_rate", 0.1).With("momentum", 0.8));
        var sgdGroup = Assert.IsType<SGD.ParamGroup>(Assert.Single(sgd.Optimizer.ParamGroups));
        Assert.Equal(0.1, sgdGroup.LearningRate);
        Assert.Equal(0.8, sgdGroup.Momentum);
    }

    [SharedDataFact]
    public void Should_RejectNamesTheModelLacks_When_Applied()
    {
        using var adam = Boston().Create(1);
        var unknown = Assert.Throws<ArgumentException>(() => adam.Apply(HyperparameterSet.Empty.With("momentum", 0.9)));
        Assert.Contains("'momentum'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("beta1", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => adam.Apply(HyperparameterSet.Empty.With("dropout", 0.1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.Apply(HyperparameterSet.Empty.With("beta2", 1.0)));
        adam.Apply(HyperparameterSet.Empty.With("l1_0", 0.01).With("l2_1", 0.02));
        Assert.Throws<ArgumentException>(() => adam.Apply(HyperparameterSet.Empty.With("l1_2", 0.01)));
    }

    [SharedDataFact]
    public void Should_ChangeTraining_When_DropoutOrPenaltyIsSet()
    {
        // Given a Boston MLP with a dropout layer
        var factory = TorchTrainableFactory.Builtin("mlp", SharedData.Boston, dropout: true);
        string Run(HyperparameterSet h)
        {
            using var t = factory.Create(3);
            t.Apply(h);
            t.Train(20, 4, CancellationToken.None);
            return Checkpoints.Hash(t);
        }

        var plain = Run(HyperparameterSet.Empty);

        // Then dropout and each penalty change the trained weights, deterministically
        Assert.Equal(plain, Run(HyperparameterSet.Empty));
        var dropout = Run(HyperparameterSet.Empty.With("dropout", 0.3));
        Assert.NotEqual(plain, dropout);
        Assert.Equal(dropout, Run(HyperparameterSet.Empty.With("dropout", 0.3)));
        Assert.NotEqual(plain, Run(HyperparameterSet.Empty.With("l1", 0.01)));
        Assert.NotEqual(plain, Run(HyperparameterSet.Empty.With("l2_1", 0.01)));
    }

    [SharedDataFact]
    public void Should_LearnBoston_When_Trained()
    {
        // Given a fresh Boston MLP, when trained 400 steps of Adam at 0.01
        using var t = Boston().Create(1);
        var before = t.Evaluate(DataSplit.Validation);
        t.Apply(HyperparameterSet.Empty.With("learning_rate", 0.01));
        t.Train(400, 1, CancellationToken.None);
        var after = t.Evaluate(DataSplit.Validation);

        // Then the validation MSE (in $1000², from standardised targets) falls well below the untrained one's
        Assert.True(after["mse"] < before["mse"] / 3, $"mse {before["mse"]} -> {after["mse"]}");
        Assert.Equal(after["mse"], after["rmse"] * after["rmse"], 9);
        Assert.Equal(after, t.Evaluate(DataSplit.Validation));
        Assert.Contains("mse", t.Evaluate(DataSplit.Test).Keys);
    }

    [SharedDataFact]
    public void Should_RefuseAnotherArchitecturesCheckpoint_When_Loading()
    {
        using var mlp = Boston().Create(1);
        using var wide = TorchTrainableFactory.Builtin("mlp", SharedData.Boston, hidden: [32]).Create(1);
        var error = Assert.Throws<InvalidDataException>(() => Checkpoints.Load(wide, Checkpoints.Bytes(mlp)));
        Assert.Contains("mlp-13-64-1", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => Checkpoints.Load(mlp, [1, 2, 3]));
    }
}
