using System.Security.Cryptography;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Engine.Training;
using Cohort.Training.Networks;

namespace Cohort.Training.Tests.Networks;

public sealed class ConvNetTrainableTests
{
    private static readonly Lazy<DatasetSplits> s_digits = new(() => new DatasetSplits(Digits(64, 1), Digits(32, 2), Digits(16, 3), null, null, null));

    private static readonly HyperparameterSet s_small = HyperparameterSet.Empty
        .With(ConvNetShape.Filters1Name, 2)
        .With(ConvNetShape.Filters2Name, 3)
        .With(ConvNetShape.Kernel1Name, 3)
        .With(ConvNetShape.Kernel2Name, 4)
        .With(ConvNetShape.DenseName, 8)
        .With(NetworkHyperparameters.LearningRate, 0.01)
        .With(NetworkHyperparameters.Dropout, 0.1);

    /// <summary>Random 1×28×28 images whose class is set by which quadrant is bright.</summary>
    private static Dataset Digits(int count, int seed)
    {
        var rng = new Cohort.Core.Randomness.Rng((ulong)seed);
        var features = new float[count * 784];
        var targets = new float[count];
        for (var i = 0; i < count; i++)
        {
            var c = i % 4;
            targets[i] = c;
            for (var y = 0; y < 28; y++)
            {
                for (var x = 0; x < 28; x++)
                {
                    var bright = (y < 14 ? 0 : 2) + (x < 14 ? 0 : 1) == c;
                    features[(i * 784) + (y * 28) + x] = (float)((bright ? 1.0 : 0.0) + (0.1 * rng.NextDouble()));
                }
            }
        }

        return new Dataset("digits", [1, 28, 28], features, targets, 1, TaskKind.Classification, 4);
    }

    private static ConvNetTrainableFactory Factory(int batch = 8) =>
        new(new ConvNetTrainableOptions(ConvNetShape.Paper004Original, OptimizerKind.Adam, batch), s_digits.Value);

    private static string Hash(ITrainable t)
    {
        using var ms = new MemoryStream();
        t.Save(ms);
        return Convert.ToHexString(SHA256.HashData(ms.ToArray()));
    }

    [Fact]
    public void Should_BuildTheShapeFromHyperparameters_When_Applied()
    {
        using var t = (ConvNetTrainable)Factory().Create(1);
        t.Apply(s_small);

        Assert.Equal(new ConvNetShape(2, 3, 3, 4, 8), t.Shape);
        // conv 2@3 pad 1 keeps 28, pool → 14; conv 3@4 pad 1 → 13, pool → 6: 3·6·6 = 108 inputs to dense 8.
        Assert.Equal(((2 * 9) + 2) + ((3 * 2 * 16) + 3) + ((108 * 8) + 8) + ((8 * 4) + 4), t.Trainer!.ParameterCount);
        Assert.Throws<InvalidOperationException>(() => t.Apply(s_small.With(ConvNetShape.DenseName, 16)));
        t.Apply(s_small.With(NetworkHyperparameters.LearningRate, 0.002));
    }

    [Fact]
    public void Should_UsePaper004Original_When_ShapeHyperparametersAreMissing()
    {
        using var t = (ConvNetTrainable)Factory().Create(1);
        t.Apply(HyperparameterSet.Empty.With(NetworkHyperparameters.LearningRate, 1e-3));

        Assert.Equal(new ConvNetShape(32, 64, 5, 5, 1024), t.Shape);
        Assert.Equal("conv 32@5 / 64@5, dense 1024", t.Shape!.ToString());
    }

    [Fact]
    public void Should_ReportCostAndLearn_When_Trained()
    {
        using var t = (ConvNetTrainable)Factory().Create(3);
        t.Apply(s_small);
        var before = t.Evaluate(DataSplit.Validation)["accuracy"];

        t.Train(60, 7, CancellationToken.None);
        var m = t.Evaluate(DataSplit.Validation);

        Assert.Equal(60.0 * 8 * t.Trainer!.MultiplyAddsPerSample, m[ConvNetTrainable.CostMetric]);
        Assert.True(m[ConvNetTrainable.SecondsMetric] > 0);
        Assert.True(m["accuracy"] > before && m["accuracy"] >= 0.9, $"accuracy {before} → {m["accuracy"]}");
    }

    [Fact]
    public void Should_RestoreShapeAndState_When_LoadedIntoAFreshTrainable()
    {
        var factory = Factory();
        using var a = factory.Create(3);
        a.Apply(s_small);
        a.Train(5, 9, CancellationToken.None);
        using var ms = new MemoryStream();
        a.Save(ms);
        ms.Position = 0;

        using var b = (ConvNetTrainable)factory.Create(99);
        b.Load(ms);

        Assert.Equal(new ConvNetShape(2, 3, 3, 4, 8), b.Shape);
        Assert.Equal(5, b.Step);
        Assert.Equal(Hash(a), Hash(b));
        a.Train(5, 11, CancellationToken.None);
        b.Apply(s_small);
        b.Train(5, 11, CancellationToken.None);
        Assert.Equal(Hash(a), Hash(b));
    }

    [Fact]
    public void Should_CopyAnotherShape_When_CopyingFromADonor()
    {
        var factory = Factory();
        using var a = factory.Create(3);
        a.Apply(s_small);
        using var b = (ConvNetTrainable)factory.Create(4);

        b.CopyFrom(a);

        Assert.Equal(Hash(a), Hash(b));
        Assert.Throws<InvalidOperationException>(() => factory.Create(5).Save(new MemoryStream()));
    }
}
