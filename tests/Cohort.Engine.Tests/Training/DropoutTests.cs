using Cohort.Engine.Models;
using Cohort.Engine.Training;

namespace Cohort.Engine.Tests.Training;

public sealed class DropoutTests
{
    private static readonly ModelSpec Spec = new([1000], [new DropoutSpec()]);

    private static float[] TrainingOutput(float rate, ulong seed)
    {
        var trainer = new Trainer(Spec, OptimizerKind.Sgd, LossKind.MeanSquaredError, seed, maxBatch: 4) { Hyperparameters = new TrainingHyperparameters(Dropout: rate) };
        var x = Enumerable.Repeat(1f, 4000).ToArray();
        trainer.ComputeGradients(x, new float[4000], 4, training: true);
        return trainer.Network.Output(4).ToArray();
    }

    [Fact]
    public void Should_BeIdentity_When_RateIsZero()
    {
        Assert.All(TrainingOutput(0f, 1), v => Assert.Equal(1f, v));
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.8f)]
    public void Should_ZeroAboutRateOfUnitsAndScaleSurvivors_When_RateIsP(float p)
    {
        var y = TrainingOutput(p, 3);
        var zeros = y.Count(v => v == 0f);
        var fraction = zeros / (double)y.Length;
        Assert.InRange(fraction, p - 0.03, p + 0.03); // 4000 draws: 3 standard deviations ≤ 0.024
        Assert.All(y.Where(v => v != 0f), v => Assert.Equal(1f / (1f - p), v, 5));
        Assert.Equal(y, TrainingOutput(p, 3));
        Assert.NotEqual(y, TrainingOutput(p, 4));
    }

    [Fact]
    public void Should_BeIdentity_When_Evaluating()
    {
        var trainer = new Trainer(ModelSpec.Mlp(4, [8], 2, dropout: true), OptimizerKind.Sgd, LossKind.MeanSquaredError, 1, maxBatch: 4);
        var x = TestData.Gaussian(16, 1);
        var t = TestData.Gaussian(8, 2);
        var clean = trainer.Evaluate(x, t, 4).Loss;
        trainer.Hyperparameters = trainer.Hyperparameters with { Dropout = 0.9f };
        Assert.Equal(clean, trainer.Evaluate(x, t, 4).Loss);
    }
}
