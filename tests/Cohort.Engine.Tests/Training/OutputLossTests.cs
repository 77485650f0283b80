using Cohort.Engine.Models;
using Cohort.Engine.Training;

namespace Cohort.Engine.Tests.Training;

/// <summary><see cref="Trainer.TrainStep{TLoss}"/>: a caller-defined loss on the outputs.</summary>
public sealed class OutputLossTests
{
    private static readonly ModelSpec Mlp = ModelSpec.Mlp(5, [12, 8], 3);

    /// <summary>The mean squared error over batch × outputs, written as a caller's loss.</summary>
    private ref struct SquaredError(ReadOnlySpan<float> targets) : IOutputLoss
    {
        private readonly ReadOnlySpan<float> _targets = targets;

        public readonly double Compute(ReadOnlySpan<float> outputs, Span<float> gradient, int batch)
        {
            var n = outputs.Length;
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                var d = outputs[i] - _targets[i];
                sum += (double)d * d;
                gradient[i] = d * (2f / n);
            }

            return sum / n;
        }
    }

    /// <summary>½(y − q)² on one output per sample (a temporal-difference loss on the chosen action).</summary>
    private ref struct ChosenOutput(ReadOnlySpan<int> chosen, ReadOnlySpan<float> targets, int outputs) : IOutputLoss
    {
        private readonly ReadOnlySpan<int> _chosen = chosen;
        private readonly ReadOnlySpan<float> _targets = targets;

        public readonly double Compute(ReadOnlySpan<float> y, Span<float> gradient, int batch)
        {
            var sum = 0.0;
            for (var i = 0; i < batch; i++)
            {
                var k = (i * outputs) + _chosen[i];
                var d = y[k] - _targets[i];
                sum += 0.5 * d * d;
                gradient[k] = d / batch;
            }

            return sum / batch;
        }
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    public void TrainStep_Should_MatchBuiltInMse_When_CallerLossIsTheSameMse(OptimizerKind optimizer)
    {
        // Given two identical trainers with penalties on, and one batch of regression data
        var h = new TrainingHyperparameters(LearningRate: 0.01f, Momentum: 0.9f, L1: 1e-3f, L2: 1e-3f);
        var builtIn = new Trainer(Mlp, optimizer, LossKind.MeanSquaredError, 7, maxBatch: 8) { Hyperparameters = h };
        var custom = new Trainer(Mlp, optimizer, LossKind.MeanSquaredError, 7, maxBatch: 8) { Hyperparameters = h };
        var x = TestData.Gaussian(8 * 5, 1);
        var t = TestData.Gaussian(8 * 3, 2);

        // When one trains with the built-in loss and the other with the same loss written by the caller
        for (var i = 0; i < 5; i++)
        {
            var loss = new SquaredError(t);
            var a = builtIn.TrainStep(x, t, 8);
            var b = custom.TrainStep(x, 8, ref loss);

            // Then losses (penalty included) and weights agree
            Assert.Equal(a, b, 5);
        }

        Assert.Equal(builtIn.Step, custom.Step);
        var w1 = builtIn.Parameters.ToArray();
        var w2 = custom.Parameters.ToArray();
        for (var i = 0; i < w1.Length; i++)
        {
            Assert.Equal(w1[i], w2[i], 5);
        }
    }

    [Fact]
    public void TrainStep_Should_MoveOnlyTheChosenOutput_When_LossWritesOneGradientPerSample()
    {
        // Given a trainer whose gradient buffer holds a previous step's values, and one sample whose target is
        // far above the chosen output 1
        var trainer = new Trainer(Mlp, OptimizerKind.Sgd, LossKind.MeanSquaredError, 3, maxBatch: 4)
        {
            Hyperparameters = new TrainingHyperparameters(LearningRate: 0.05f),
        };
        var x = TestData.Gaussian(5, 4);
        trainer.TrainStep(x, TestData.Gaussian(3, 9, 10.0), 1);
        var before = new float[3];
        trainer.Predict(x, before, 1);

        // When it trains on ½(y − q₁)² only
        var loss = new ChosenOutput([1], [before[1] + 5f], 3);
        trainer.TrainStep(x, 1, ref loss);

        // Then the bias of output 1 rose and the other outputs' biases got no gradient (the buffer was zeroed)
        var biasGradients = trainer.Gradients[^3..];
        Assert.Equal(0f, biasGradients[0]);
        Assert.True(biasGradients[1] < 0f, $"dL/db1 = {biasGradients[1]}");
        Assert.Equal(0f, biasGradients[2]);
        var after = new float[3];
        trainer.Predict(x, after, 1);
        Assert.True(after[1] > before[1]);
    }

    [Fact]
    public void TrainStep_Should_AllocateNothing_When_CallerLossIsAStruct()
    {
        var trainer = new Trainer(Mlp, OptimizerKind.Adam, LossKind.MeanSquaredError, 1, maxBatch: 16);
        var x = TestData.Gaussian(16 * 5, 1);
        var targets = TestData.Gaussian(16, 2);
        var chosen = new int[16];
        for (var i = 0; i < chosen.Length; i++)
        {
            chosen[i] = i % 3;
        }

        for (var i = 0; i < 5; i++)
        {
            var warm = new ChosenOutput(chosen, targets, 3);
            trainer.TrainStep(x, 16, ref warm);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++)
        {
            var loss = new ChosenOutput(chosen, targets, 3);
            trainer.TrainStep(x, 16, ref loss);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void TrainStep_Should_Throw_When_BatchOrInputsAreInvalid()
    {
        var trainer = new Trainer(Mlp, OptimizerKind.Sgd, LossKind.MeanSquaredError, 1, maxBatch: 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => Step(trainer, 25, 5));
        Assert.Throws<ArgumentException>(() => Step(trainer, 9, 2));

        static float Step(Trainer trainer, int inputs, int batch)
        {
            var loss = new SquaredError(new float[12]);
            return trainer.TrainStep(new float[inputs], batch, ref loss);
        }
    }
}
