using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;
using Cohort.Training.Toy;

namespace Cohort.Training.Tests.Toy;

public sealed class ToyTrainableTests
{
    private static HyperparameterSet H(double h0, double h1) =>
        HyperparameterSet.Empty.With("h0", h0).With("h1", h1);

    private static ToyTrainable Trained(HyperparameterSet h, int steps, ulong seed = 1)
    {
        var toy = new ToyTrainable();
        toy.Apply(h);
        toy.Train(steps, seed, CancellationToken.None);
        return toy;
    }

    [Fact]
    public void Should_StartAtPointNineWithQ_When_Created()
    {
        var toy = new ToyTrainableFactory().Create(123);

        var q = toy.Evaluate(DataSplit.Validation)["q"];

        Assert.Equal(0, toy.Step);
        Assert.Equal(1.2 - (2 * 0.81), q, 12);
    }

    [Fact]
    public void Should_ConvergeTowardOnePointTwo_When_BothHyperparametersAreOne()
    {
        // θi ← θi·(1 − 2·α·hi) = 0.98·θi, so after 500 steps θi = 0.9·0.98^500 ≈ 3.7e-5.
        var toy = Trained(H(1, 1), 500);

        Assert.Equal(0.9 * Math.Pow(0.98, 500), toy.Theta0, 12);
        Assert.True(toy.Q > 1.2 - 1e-8, $"Q = {toy.Q}");
        Assert.Equal(500, toy.Step);
    }

    [Theory]
    [InlineData(1.0, 0.0)]
    [InlineData(0.0, 1.0)]
    public void Should_StallAtPointThreeNine_When_OneHyperparameterIsZero(double h0, double h1)
    {
        // The grid-search outcome of the PBT paper's Figure 2: the coordinate whose h is 0 never moves.
        var toy = Trained(H(h0, h1), 1000);

        Assert.Equal(0.9, h0 == 0 ? toy.Theta0 : toy.Theta1);
        Assert.Equal(0.39, toy.Q, 6);
        Assert.True(toy.Q <= 0.39 + 1e-12);
    }

    [Fact]
    public void Should_UseTheLearningRateHyperparameter_When_Given()
    {
        var toy = Trained(H(1, 1).With("lr", 0.1), 1);

        Assert.Equal(0.9 * 0.8, toy.Theta0, 15);
        Assert.Equal(0.9 * 0.8, toy.Theta1, 15);
    }

    [Fact]
    public void Should_Diverge_When_TheStepIsTooLarge()
    {
        // |1 − 2·α·h| = 3 > 1: θ grows without bound until Q is −∞.
        var toy = Trained(H(1, 1).With("lr", 2.0), 2000);

        Assert.False(double.IsFinite(toy.Evaluate(DataSplit.Validation)["q"]));
    }

    [Fact]
    public void Should_RestoreTheExactState_When_SavedAndLoaded()
    {
        var toy = Trained(H(0.7, 0.3).With("noise", 0.01), 37);
        using var stream = new MemoryStream();
        toy.Save(stream);
        var bytes = stream.ToArray();

        var copy = new ToyTrainable(0, 0);
        copy.Load(new MemoryStream(bytes));
        using var again = new MemoryStream();
        copy.Save(again);

        Assert.Equal(32, bytes.Length);
        Assert.Equal(bytes, again.ToArray());
        Assert.Equal(toy.Theta0, copy.Theta0);
        Assert.Equal(toy.Theta1, copy.Theta1);
        Assert.Equal(37, copy.Step);
    }

    [Fact]
    public void Should_Reject_When_LoadingSomethingElse()
    {
        var toy = new ToyTrainable();

        var ex = Assert.Throws<InvalidDataException>(() => toy.Load(new MemoryStream(new byte[32])));

        Assert.Contains("Not a toy checkpoint", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_TrainIdentically_When_CopiedFromAnotherMember()
    {
        var donor = Trained(H(1, 0), 10);
        var receiver = Trained(H(0, 1), 3);

        receiver.CopyFrom(donor);
        receiver.Apply(H(0, 1));
        receiver.Train(5, 9, CancellationToken.None);
        donor.Apply(H(0, 1));
        donor.Train(5, 9, CancellationToken.None);

        Assert.Equal(donor.Theta0, receiver.Theta0);
        Assert.Equal(donor.Theta1, receiver.Theta1);
        Assert.Equal(15, receiver.Step);
    }

    [Fact]
    public void Should_DrawTheSameNoise_When_TheSeedIsTheSame()
    {
        var h = H(1, 1).With("noise", 0.05);

        var a = Trained(h, 20, seed: 5);
        var b = Trained(h, 20, seed: 5);
        var c = Trained(h, 20, seed: 6);

        Assert.Equal(a.Theta0, b.Theta0);
        Assert.Equal(a.Theta1, b.Theta1);
        Assert.NotEqual(a.Theta0, c.Theta0);
    }

    [Fact]
    public void Should_NameTheKey_When_AHyperparameterIsMissing()
    {
        var toy = new ToyTrainable();

        var ex = Assert.Throws<KeyNotFoundException>(() => toy.Apply(HyperparameterSet.Empty.With("h0", 1.0)));

        Assert.Contains("'h1'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_StopBetweenSteps_When_Cancelled()
    {
        var toy = new ToyTrainable();
        toy.Apply(H(1, 1));
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Throws<OperationCanceledException>(() => toy.Train(10, 1, cts.Token));
        Assert.Equal(0, toy.Step);
    }
}
