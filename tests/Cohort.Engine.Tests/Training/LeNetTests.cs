using Cohort.Engine.Models;
using Cohort.Engine.Training;

namespace Cohort.Engine.Tests.Training;

public sealed class LeNetTests
{
    [Fact]
    public void Should_ProduceIdenticalWeights_When_LeNet5WithOneAndTwoThreads()
    {
        var x = TestData.Gaussian(8 * 784, 1);
        var t = TestData.Classes(8, 10, 2);
        var a = new Trainer(ModelSpec.LeNet5(dropout: true), OptimizerKind.Adam, LossKind.SoftmaxCrossEntropy, 3, threads: 1, maxBatch: 8) { Hyperparameters = new TrainingHyperparameters(Dropout: 0.2f) };
        var b = new Trainer(ModelSpec.LeNet5(dropout: true), OptimizerKind.Adam, LossKind.SoftmaxCrossEntropy, 3, threads: 2, maxBatch: 8) { Hyperparameters = new TrainingHyperparameters(Dropout: 0.2f) };
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(a.TrainStep(x, t, 8), b.TrainStep(x, t, 8));
        }

        Assert.Equal(a.ParameterHash(), b.ParameterHash());
        Assert.Equal((6 * 25) + 6 + (16 * 6 * 25) + 16 + (400 * 120) + 120 + (120 * 84) + 84 + (84 * 10) + 10, a.ParameterCount);
        Assert.Equal((28 * 28 * 6 * 25) + (10 * 10 * 16 * 6 * 25) + (400 * 120) + (120 * 84) + (84 * 10), a.MultiplyAddsPerSample);
    }

    [Fact]
    public void Should_AllocateNothing_When_LeNet5TrainsInSteadyState()
    {
        var x = TestData.Gaussian(16 * 784, 1);
        var t = TestData.Classes(16, 10, 2);
        var trainer = new Trainer(ModelSpec.LeNet5(dropout: true), OptimizerKind.Adam, LossKind.SoftmaxCrossEntropy, 3, threads: 1, maxBatch: 16)
        {
            Hyperparameters = new TrainingHyperparameters(Dropout: 0.1f, L1: 1e-4f),
        };
        trainer.TrainStep(x, t, 16);
        trainer.TrainStep(x, t, 12);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 5; i++)
        {
            trainer.TrainStep(x, t, 16);
            trainer.TrainStep(x, t, 12);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Should_LearnSeparableImages_When_TrainingLeNet5()
    {
        // Two classes: a bright square in the top-left or bottom-right quadrant, plus noise.
        const int n = 64;
        var x = TestData.Gaussian(n * 784, 4, 0.3);
        var y = new float[n];
        for (var i = 0; i < n; i++)
        {
            y[i] = i % 2;
            var offset = i % 2 == 0 ? 4 : 16;
            for (var r = offset; r < offset + 8; r++)
            {
                for (var c = offset; c < offset + 8; c++)
                {
                    x[(i * 784) + (r * 28) + c] += 1f;
                }
            }
        }

        var trainer = new Trainer(ModelSpec.LeNet5(), OptimizerKind.Adam, LossKind.SoftmaxCrossEntropy, 5, maxBatch: 32);
        for (var step = 0; step < 30; step++)
        {
            var s = step % 2 * 32;
            trainer.TrainStep(x.AsSpan(s * 784, 32 * 784), y.AsSpan(s, 32), 32);
        }

        Assert.Equal(1.0, trainer.Evaluate(x, y, n).Accuracy);
    }
}
