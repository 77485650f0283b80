using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;
using Cohort.Training.Synthetic;

namespace Cohort.Training.Tests.Synthetic;

public sealed class SyntheticTrainableTests
{
    private static HyperparameterSet At(IReadOnlyList<double> values) =>
        HyperparameterSet.From(values.Select((v, i) => new KeyValuePair<string, HyperValue>(SyntheticTrainable.Name(i), v)));

    [Fact]
    public void Should_ProgressFastestAtTheHiddenOptimum_When_TrainedEqually()
    {
        var factory = new SyntheticTrainableFactory(10, 0, 3);
        using var best = factory.Create(0);
        using var off = factory.Create(1);
        best.Apply(At(factory.Optimum));
        off.Apply(At(factory.Optimum.Select(h => h > 0.5 ? h - 0.3 : h + 0.3).ToArray()));

        best.Train(100, 0, CancellationToken.None);
        off.Train(100, 0, CancellationToken.None);

        var bestScore = best.Evaluate(DataSplit.Validation)[SyntheticTrainable.MetricScore];
        Assert.Equal(1 - Math.Exp(-2 * 100 * Math.Log(1 / 0.99)), bestScore, 10);
        Assert.True(bestScore > off.Evaluate(DataSplit.Validation)[SyntheticTrainable.MetricScore] + 0.3);
        Assert.All(factory.Optimum, h => Assert.InRange(h, 0.1, 0.9));
    }

    [Fact]
    public void Should_MoveOnlyTheCoordinateWhoseHyperparameterChanged_When_Separable()
    {
        var factory = new SyntheticTrainableFactory(8, 0, 5);
        var a = (SyntheticTrainable)factory.Create(0);
        var b = (SyntheticTrainable)factory.Create(0);
        var h = factory.Optimum.ToArray();
        a.Apply(At(h));
        h[3] = h[3] > 0.5 ? 0 : 1;
        b.Apply(At(h));

        a.Train(50, 0, CancellationToken.None);
        b.Train(50, 0, CancellationToken.None);

        for (var i = 0; i < 8; i++)
        {
            if (i == 3)
            {
                Assert.True(b.State[i] > a.State[i]);
            }
            else
            {
                Assert.Equal(a.State[i], b.State[i]);
            }
        }
    }

    [Fact]
    public void Should_AddDeterministicNoise_When_NoiseIsPositive()
    {
        var factory = new SyntheticTrainableFactory(10, 0.01, 1);
        using var a = factory.Create(0);
        using var b = factory.Create(9);
        a.Apply(At(Enumerable.Repeat(0.5, 10).ToArray()));
        b.Apply(At(Enumerable.Repeat(0.5, 10).ToArray()));
        a.Train(20, 1, CancellationToken.None);
        b.Train(20, 2, CancellationToken.None);

        var ea = a.Evaluate(DataSplit.Validation);
        var eb = b.Evaluate(DataSplit.Validation);

        Assert.Equal(ea[SyntheticTrainable.MetricScore], eb[SyntheticTrainable.MetricScore]);
        Assert.NotEqual(ea[SyntheticTrainable.MetricTrueScore], ea[SyntheticTrainable.MetricScore]);
        Assert.InRange(ea[SyntheticTrainable.MetricScore] - ea[SyntheticTrainable.MetricTrueScore], -0.05, 0.05);
    }

    [Fact]
    public void Should_RestoreTheState_When_SavedAndLoadedOrCopied()
    {
        var factory = new SyntheticTrainableFactory(9, 0, 2);
        var a = (SyntheticTrainable)factory.Create(0);
        a.Apply(At(Enumerable.Repeat(0.4, 9).ToArray()));
        a.Train(37, 0, CancellationToken.None);
        using var stream = new MemoryStream();
        a.Save(stream);
        stream.Position = 0;

        var b = (SyntheticTrainable)factory.Create(0);
        b.Load(stream);
        var c = (SyntheticTrainable)factory.Create(0);
        c.CopyFrom(a);

        Assert.Equal(37, b.Step);
        Assert.Equal(a.State, b.State);
        Assert.Equal(a.State, c.State);
        Assert.Equal(37, c.Step);
    }
}
