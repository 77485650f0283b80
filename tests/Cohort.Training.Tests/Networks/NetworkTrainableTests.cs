using System.Security.Cryptography;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Engine.Models;
using Cohort.Engine.Training;
using Cohort.Training.Networks;

namespace Cohort.Training.Tests.Networks;

public sealed class NetworkTrainableTests
{
    private static readonly Lazy<DatasetSplits> s_boston = new(() =>
        DatasetCatalog.Load("boston", SharedData.Directory, new SplitOptions { ValidationFraction = 0.2, TestFraction = 0.2, Seed = 1 }));

    private static NetworkTrainableFactory Factory() =>
        new(new NetworkTrainableOptions(ModelSpec.Mlp(13, [64], 1), OptimizerKind.Adam, LossKind.MeanSquaredError), s_boston.Value);

    private static readonly HyperparameterSet s_h = HyperparameterSet.Empty
        .With(NetworkHyperparameters.LearningRate, 0.01)
        .With(NetworkHyperparameters.L1, 1e-4)
        .With(NetworkHyperparameters.L2, 1e-4);

    [SharedDataFact]
    public void Should_GiveTheSameState_When_TheSameTaskRunsTwice()
    {
        // A task is pure: same state, hyperparameters, steps and seed → the same bytes.
        var factory = Factory();
        using var a = factory.Create(5);
        using var b = factory.Create(5);
        a.Apply(s_h);
        b.Apply(s_h);

        a.Train(200, 42, CancellationToken.None);
        b.Train(200, 42, CancellationToken.None);

        Assert.Equal(Hash(a), Hash(b));
        Assert.Equal(200, a.Step);
    }

    [SharedDataFact]
    public void Should_DependOnTheTaskSeed_When_TrainingFromTheSameState()
    {
        var factory = Factory();
        using var a = factory.Create(5);
        using var b = factory.Create(5);
        a.Apply(s_h);
        b.Apply(s_h);

        a.Train(50, 1, CancellationToken.None);
        b.Train(50, 2, CancellationToken.None);

        Assert.NotEqual(Hash(a), Hash(b));
    }

    [SharedDataFact]
    public void Should_HoldTheDonorsExactWeights_When_CopiedOrLoaded()
    {
        var factory = Factory();
        using var donor = factory.Create(1);
        donor.Apply(s_h);
        donor.Train(100, 9, CancellationToken.None);
        using var copied = factory.Create(2);
        using var loaded = factory.Create(3);

        copied.CopyFrom(donor);
        using (var stream = new MemoryStream())
        {
            donor.Save(stream);
            stream.Position = 0;
            loaded.Load(stream);
        }

        Assert.Equal(Hash(donor), Hash(copied));
        Assert.Equal(Hash(donor), Hash(loaded));

        // And they continue identically from there.
        donor.Train(30, 11, CancellationToken.None);
        loaded.Train(30, 11, CancellationToken.None);
        Assert.Equal(Hash(donor), Hash(loaded));
    }

    [SharedDataFact]
    public void Should_ReachAValidationMseBelow15_When_TrainingTheBostonMlp()
    {
        // Paper 000's MLP 13-64-1 with Adam (lr 0.01), batch 32 and light l1/l2 penalties, 3000 steps.
        var factory = Factory();
        using var member = factory.Create(7);
        member.Apply(s_h);
        var before = member.Evaluate(DataSplit.Validation)["mse"];

        member.Train(3000, 1, CancellationToken.None);
        var after = member.Evaluate(DataSplit.Validation);

        Assert.True(before > 300, $"an untrained net predicts ~0 for prices around 22: MSE {before}");
        Assert.True(after["mse"] < 15, $"validation MSE {after["mse"]}");
        Assert.Equal(Math.Sqrt(after["mse"]), after["rmse"], 10);
        Assert.True(factory.HasTestSet);
    }

    [SharedDataFact]
    public void Should_ReportMseInTargetUnits_When_TrainingOnStandardisedTargets()
    {
        // Given the same member trained on raw and on standardised targets
        var standardised = DatasetCatalog.Load(
            "boston", SharedData.Directory, new SplitOptions { ValidationFraction = 0.2, TestFraction = 0.2, Seed = 1, StandardizeTargets = true });
        var factory = new NetworkTrainableFactory(
            new NetworkTrainableOptions(ModelSpec.Mlp(13, [64], 1), OptimizerKind.Adam, LossKind.MeanSquaredError), standardised);
        using var member = factory.Create(7);
        member.Apply(s_h);
        member.Train(1000, 1, CancellationToken.None);

        // When it is evaluated
        var metrics = member.Evaluate(DataSplit.Validation);

        // Then loss is in standardised units and mse is loss × σ² (σ of the training targets, MEDV in $1000s)
        var sigma = standardised.TargetScaler!.Std[0];
        Assert.InRange(sigma, 7.0, 11.0);
        Assert.Equal(metrics["loss"] * sigma * sigma, metrics["mse"], 6);
        Assert.True(metrics["mse"] < 40, $"validation MSE {metrics["mse"]}");
    }

    [SharedDataFact]
    public void Should_NameTheHyperparameter_When_ItIsUnknown()
    {
        using var member = Factory().Create(1);

        var ex = Assert.Throws<ArgumentException>(() => member.Apply(HyperparameterSet.Empty.With("lr", 0.1)));

        Assert.Contains("'lr'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("learning_rate", ex.Message, StringComparison.Ordinal);
    }

    private static NetworkTrainableFactory SwitchingFactory() =>
        new(new NetworkTrainableOptions(ModelSpec.Mlp(13, [64], 1), OptimizerKind.Adam, LossKind.MeanSquaredError, BatchSize: 16) { MaxBatchSize = 64 }, s_boston.Value);

    private static HyperparameterSet Sgd64 => s_h
        .With(NetworkHyperparameters.Optimizer, "sgd")
        .With(NetworkHyperparameters.Momentum, 0.9)
        .With(NetworkHyperparameters.BatchSize, 64);

    [SharedDataFact]
    public void Should_KeepTraining_When_OptimizerAndBatchSizeChangeMidRun()
    {
        // Given a member that trained 100 steps with the settings (adam, batch 16)
        using var member = (NetworkTrainable)SwitchingFactory().Create(1);
        member.Apply(s_h);
        member.Train(100, 1, CancellationToken.None);
        Assert.Equal((OptimizerKind.Adam, 16), (member.Trainer.Optimizer, member.BatchSize));
        var before = member.Evaluate(DataSplit.Validation)["mse"];

        // When its hyperparameters switch to sgd with momentum and batch 64 for 200 more steps
        member.Apply(Sgd64);
        member.Train(200, 2, CancellationToken.None);

        // Then it trains on with the new optimizer from a fresh state and keeps improving
        Assert.Equal((OptimizerKind.Sgd, 64), (member.Trainer.Optimizer, member.BatchSize));
        Assert.Equal((300L, 200L), (member.Step, member.Trainer.OptimizerStep));
        var after = member.Evaluate(DataSplit.Validation)["mse"];
        Assert.True(after < before, $"validation MSE {before} → {after}");
    }

    [SharedDataFact]
    public void Should_ContinueExactly_When_ASwitchedMemberIsCheckpointedOrExploited()
    {
        // Given a donor that switched from adam to sgd/64 and trained on
        var factory = SwitchingFactory();
        using var donor = factory.Create(1);
        donor.Apply(s_h);
        donor.Train(40, 1, CancellationToken.None);
        donor.Apply(Sgd64);
        donor.Train(30, 2, CancellationToken.None);
        using var stream = new MemoryStream();
        donor.Save(stream);

        // When one member loads its checkpoint (resume) and another, still on adam, copies it (exploit), and both take
        // the donor's hyperparameters — the exploit copies the optimizer choice with the state
        using var resumed = factory.Create(7);
        stream.Position = 0;
        resumed.Load(stream);
        using var exploiter = factory.Create(8);
        exploiter.Apply(s_h);
        exploiter.Train(5, 3, CancellationToken.None);
        exploiter.CopyFrom(donor);
        foreach (var member in new[] { donor, resumed, exploiter })
        {
            member.Apply(Sgd64);
            member.Train(25, 4, CancellationToken.None);
        }

        // Then all three hold the same bytes: the momentum buffer and the optimizer's step travelled with the weights
        Assert.Equal(Hash(donor), Hash(resumed));
        Assert.Equal(Hash(donor), Hash(exploiter));
        Assert.Equal(25 + 30, ((NetworkTrainable)exploiter).Trainer.OptimizerStep);
    }

    [SharedDataFact]
    public void Apply_Should_ApplyTheSameSetAgain_When_ACopyOrLoadReplacedTheStateSince()
    {
        // Given a member trained with s_h (Adam), which then copies, or loads, a donor trained with sgd/64
        var factory = SwitchingFactory();
        using var donor = (NetworkTrainable)factory.Create(1);
        donor.Apply(Sgd64);
        donor.Train(10, 1, CancellationToken.None);
        using var stream = new MemoryStream();
        donor.Save(stream);
        using var copied = (NetworkTrainable)factory.Create(2);
        using var loaded = (NetworkTrainable)factory.Create(3);
        foreach (var member in new[] { copied, loaded })
        {
            member.Apply(s_h);
            member.Train(5, 2, CancellationToken.None);
        }

        copied.CopyFrom(donor);
        stream.Position = 0;
        loaded.Load(stream);
        Assert.Equal(OptimizerKind.Sgd, copied.Trainer.Optimizer);

        // When each is given the very set it applied before (the same instance)
        copied.Apply(s_h);
        loaded.Apply(s_h);

        // Then it takes effect again: the donor's optimizer and learning rate are replaced by s_h's
        foreach (var member in new[] { copied, loaded })
        {
            Assert.Equal(OptimizerKind.Adam, member.Trainer.Optimizer);
            Assert.Equal(0.01f, member.Trainer.Hyperparameters.LearningRate);
        }
    }

    [SharedDataTheory]
    [InlineData("rmsprop", 32.0, "optimizer 'rmsprop'")]
    [InlineData("sgd", 65.0, "batch_size must be an integer in [1, 64]")]
    [InlineData("sgd", 12.5, "batch_size must be an integer in [1, 64]")]
    public void Apply_Should_NameTheValue_When_OptimizerOrBatchSizeIsOutOfReach(string optimizer, double batch, string message)
    {
        using var member = SwitchingFactory().Create(1);

        var ex = Assert.ThrowsAny<ArgumentException>(() => member.Apply(s_h.With(NetworkHyperparameters.Optimizer, optimizer).With(NetworkHyperparameters.BatchSize, batch)));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    private static string Hash(ITrainable trainable)
    {
        using var stream = new MemoryStream();
        trainable.Save(stream);
        return Convert.ToHexStringLower(SHA256.HashData(stream.ToArray()));
    }
}
