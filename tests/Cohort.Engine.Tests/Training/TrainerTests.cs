using Cohort.Engine.Models;
using Cohort.Engine.Training;

namespace Cohort.Engine.Tests.Training;

public sealed class TrainerTests
{
    private static readonly ModelSpec SmallMlp = ModelSpec.Mlp(6, [16], 3, dropout: true);

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void Should_ProduceIdenticalWeights_When_SameSeedWithOneAndTwoThreads(OptimizerKind optimizer)
    {
        // Given two trainers with the same seed, 1 and 2 threads, dropout and penalties on
        var h = new TrainingHyperparameters(LearningRate: 0.01f, Momentum: 0.9f, WeightDecay: 0.01f, L1: 1e-3f, L2: 1e-3f, Dropout: 0.3f);
        var a = new Trainer(SmallMlp, optimizer, LossKind.SoftmaxCrossEntropy, 42, threads: 1, maxBatch: 16) { Hyperparameters = h };
        var b = new Trainer(SmallMlp, optimizer, LossKind.SoftmaxCrossEntropy, 42, threads: 2, maxBatch: 16) { Hyperparameters = h };
        var x = TestData.Gaussian(16 * 6, 1);
        var t = TestData.Classes(16, 3, 2);

        // When both train 20 steps
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(a.TrainStep(x, t, 16), b.TrainStep(x, t, 16));
        }

        // Then weights are bitwise identical, and differ from another seed's
        Assert.Equal(a.ParameterHash(), b.ParameterHash());
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
        var c = new Trainer(SmallMlp, optimizer, LossKind.SoftmaxCrossEntropy, 43, maxBatch: 16);
        Assert.NotEqual(a.ParameterHash(), c.ParameterHash());
        Assert.Equal(20, a.Step);
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.AdamW)]
    public void Should_ProduceIdenticalWeights_When_LargeModelUpdatesInParallel(OptimizerKind optimizer)
    {
        // 300·250 + 250·10 weights: above the parallel-update threshold, and the first layer runs on the blocked GEMM.
        var spec = ModelSpec.Mlp(300, [250], 10);
        Assert.True(new Trainer(spec, optimizer, LossKind.SoftmaxCrossEntropy, 1, maxBatch: 1).ParameterCount >= Trainer.ParallelUpdateThreshold);
        var h = new TrainingHyperparameters(LearningRate: 0.01f, Momentum: 0.9f, WeightDecay: 0.01f);
        var a = new Trainer(spec, optimizer, LossKind.SoftmaxCrossEntropy, 42, threads: 1, maxBatch: 8) { Hyperparameters = h };
        var b = new Trainer(spec, optimizer, LossKind.SoftmaxCrossEntropy, 42, threads: 2, maxBatch: 8) { Hyperparameters = h };
        var x = TestData.Gaussian(8 * 300, 1);
        var t = TestData.Classes(8, 10, 2);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(a.TrainStep(x, t, 8), b.TrainStep(x, t, 8));
        }

        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
    }

    [Theory]
    [InlineData(LossKind.SoftmaxCrossEntropy)]
    [InlineData(LossKind.MeanSquaredError)]
    public void Should_ReturnNaNLossWithoutThrowing_When_WeightsHaveDiverged(LossKind loss)
    {
        // A diverged member is data for the PBT algorithm, not an exception.
        var trainer = new Trainer(SmallMlp, OptimizerKind.Adam, loss, 3, maxBatch: 8);
        trainer.Network.Parameters[5] = float.NaN;
        var x = TestData.Gaussian(8 * 6, 1);
        var t = loss == LossKind.SoftmaxCrossEntropy ? TestData.Classes(8, 3, 2) : TestData.Gaussian(8 * 3, 2);
        Assert.True(float.IsNaN(trainer.TrainStep(x, t, 8)));
        Assert.True(double.IsNaN(trainer.Evaluate(x, t, 8).Loss));
    }

    [Fact]
    public void Should_AllocateNothing_When_TrainingInSteadyState()
    {
        // Given a warmed-up trainer with every feature on
        var trainer = new Trainer(SmallMlp, OptimizerKind.Adam, LossKind.SoftmaxCrossEntropy, 1, threads: 1, maxBatch: 32)
        {
            Hyperparameters = new TrainingHyperparameters(L1: 1e-3f, L2: 1e-3f, Dropout: 0.2f),
        };
        var x = TestData.Gaussian(32 * 6, 1);
        var t = TestData.Classes(32, 3, 2);
        for (var i = 0; i < 5; i++)
        {
            trainer.TrainStep(x, t, 32);
        }

        // When training more steps, changing hyperparameters in between
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++)
        {
            trainer.TrainStep(x, t, 32);
        }

        var after = GC.GetAllocatedBytesForCurrentThread();

        // Then nothing was allocated
        Assert.Equal(before, after);
    }

    [Fact]
    public void Should_LeaveWeightsUnchanged_When_LearningRateIsZero_And_MoveThemWhenRaised()
    {
        var trainer = new Trainer(SmallMlp, OptimizerKind.Adam, LossKind.SoftmaxCrossEntropy, 3, maxBatch: 8);
        var x = TestData.Gaussian(8 * 6, 1);
        var t = TestData.Classes(8, 3, 2);
        trainer.Hyperparameters = trainer.Hyperparameters with { LearningRate = 0f };
        var before = trainer.ParameterHash();
        trainer.TrainStep(x, t, 8);
        Assert.Equal(before, trainer.ParameterHash());
        trainer.Hyperparameters = trainer.Hyperparameters with { LearningRate = 0.01f };
        trainer.TrainStep(x, t, 8);
        Assert.NotEqual(before, trainer.ParameterHash());
    }

    [Fact]
    public void Should_ReportPenaltyInLoss_When_L1AndL2Set()
    {
        // Given the same model with and without penalties
        var plain = new Trainer(SmallMlp, OptimizerKind.Sgd, LossKind.SoftmaxCrossEntropy, 3, maxBatch: 8);
        var penalised = new Trainer(SmallMlp, OptimizerKind.Sgd, LossKind.SoftmaxCrossEntropy, 3, maxBatch: 8)
        {
            Hyperparameters = new TrainingHyperparameters(L1: 0.01f, L2: 0.02f),
        };
        var x = TestData.Gaussian(8 * 6, 1);
        var t = TestData.Classes(8, 3, 2);
        var w = plain.Parameters[..plain.WeightCount].ToArray();
        var expected = (0.01 * w.Sum(v => Math.Abs((double)v))) + (0.02 * w.Sum(v => (double)v * v));

        // When one step is taken, the reported loss differs by λ₁Σ|w| + λ₂Σw² (biases excluded)
        var difference = penalised.TrainStep(x, t, 8) - (double)plain.TrainStep(x, t, 8);
        Assert.Equal(expected, difference, 1e-4);
    }

    [Fact]
    public void Should_ChangeTrainingOutputs_When_DropoutRateChangesBetweenSteps()
    {
        var trainer = new Trainer(SmallMlp, OptimizerKind.Adam, LossKind.SoftmaxCrossEntropy, 3, maxBatch: 8);
        var x = TestData.Gaussian(8 * 6, 1);
        var t = TestData.Classes(8, 3, 2);
        trainer.Hyperparameters = trainer.Hyperparameters with { LearningRate = 0f };
        var l0 = trainer.TrainStep(x, t, 8);
        Assert.Equal(l0, trainer.TrainStep(x, t, 8));
        trainer.Hyperparameters = trainer.Hyperparameters with { Dropout = 0.5f };
        Assert.NotEqual(l0, trainer.TrainStep(x, t, 8));
        trainer.Hyperparameters = trainer.Hyperparameters with { Dropout = 0f };
        Assert.Equal(l0, trainer.TrainStep(x, t, 8));
    }

    [Fact]
    public void Should_RejectInvalidHyperparameters_When_OutOfRange()
    {
        var trainer = new Trainer(SmallMlp, OptimizerKind.Adam, LossKind.SoftmaxCrossEntropy, 3, maxBatch: 8);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Hyperparameters = trainer.Hyperparameters with { Dropout = 1f });
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Hyperparameters = trainer.Hyperparameters with { LearningRate = float.NaN });
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Hyperparameters = trainer.Hyperparameters with { Beta2 = 1f });
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Hyperparameters = trainer.Hyperparameters with { L1 = -1f });
    }

    [Fact]
    public void Should_RejectBadData_When_BatchTooLargeOrTargetsInvalid()
    {
        var trainer = new Trainer(SmallMlp, OptimizerKind.Adam, LossKind.SoftmaxCrossEntropy, 3, maxBatch: 8);
        var x = TestData.Gaussian(16 * 6, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.TrainStep(x, new float[16], 16));
        Assert.Throws<ArgumentException>(() => trainer.TrainStep(x, new float[2], 4));
        var bad = new float[] { 0, 1, 3, 0 };
        Assert.Throws<ArgumentException>(() => trainer.TrainStep(x, bad, 4));
    }

    [Fact]
    public void Should_EvaluateInChunks_When_CountExceedsMaxBatch()
    {
        // Given 10 samples and a max batch of 4 (chunks 4, 4, 2)
        var trainer = new Trainer(SmallMlp, OptimizerKind.Adam, LossKind.SoftmaxCrossEntropy, 3, maxBatch: 4);
        var x = TestData.Gaussian(10 * 6, 1);
        var t = TestData.Classes(10, 3, 2);

        // When evaluating all at once and one sample at a time
        var all = trainer.Evaluate(x, t, 10);
        var loss = 0.0;
        var correct = 0.0;
        var outputs = new float[30];
        trainer.Predict(x, outputs, 10);
        for (var i = 0; i < 10; i++)
        {
            var one = trainer.Evaluate(x.AsSpan(i * 6, 6), t.AsSpan(i, 1), 1);
            loss += one.Loss;
            correct += one.Accuracy!.Value;
            var single = new float[3];
            trainer.Predict(x.AsSpan(i * 6, 6), single, 1);
            Assert.Equal(single, outputs.AsSpan(i * 3, 3).ToArray());
        }

        // Then the results agree
        Assert.Equal(10, all.Count);
        Assert.Equal(loss / 10, all.Loss, 5);
        Assert.Equal(correct / 10, all.Accuracy!.Value, 10);
    }

    [Fact]
    public void Should_FitRegression_When_TrainingSmallMlpWithAdam()
    {
        // Given y = sin(2·x0) + 0.5·x1² − x2 on 256 samples
        const int n = 256;
        var x = TestData.Gaussian(n * 3, 7);
        var y = new float[n];
        for (var i = 0; i < n; i++)
        {
            y[i] = MathF.Sin(2 * x[3 * i]) + (0.5f * x[(3 * i) + 1] * x[(3 * i) + 1]) - x[(3 * i) + 2];
        }

        var trainer = new Trainer(ModelSpec.Mlp(3, [32], 1), OptimizerKind.Adam, LossKind.MeanSquaredError, 5, maxBatch: 32)
        {
            Hyperparameters = new TrainingHyperparameters(LearningRate: 0.01f),
        };
        var initial = trainer.Evaluate(x, y, n).MeanSquaredError!.Value;

        // When training 1500 mini-batch steps
        for (var step = 0; step < 1500; step++)
        {
            var s = step % (n / 32) * 32;
            trainer.TrainStep(x.AsSpan(s * 3, 32 * 3), y.AsSpan(s, 32), 32);
        }

        // Then the MSE falls far below the variance of y
        var final = trainer.Evaluate(x, y, n);
        Assert.True(final.MeanSquaredError < 0.05 * initial, $"MSE {final.MeanSquaredError} vs initial {initial}");
        Assert.Null(final.Accuracy);
    }

    [Fact]
    public void Should_ClassifyBlobs_When_TrainingSmallMlpWithSgdMomentum()
    {
        // Given three Gaussian blobs in 2-D
        const int n = 300;
        var noise = TestData.Gaussian(n * 2, 8, 0.5);
        var x = new float[n * 2];
        var y = new float[n];
        (float, float)[] centers = [(2f, 0f), (-1f, 1.7f), (-1f, -1.7f)];
        for (var i = 0; i < n; i++)
        {
            var c = i % 3;
            y[i] = c;
            x[2 * i] = centers[c].Item1 + noise[2 * i];
            x[(2 * i) + 1] = centers[c].Item2 + noise[(2 * i) + 1];
        }

        var trainer = new Trainer(ModelSpec.Mlp(2, [16], 3), OptimizerKind.Sgd, LossKind.SoftmaxCrossEntropy, 9, maxBatch: 30)
        {
            Hyperparameters = new TrainingHyperparameters(LearningRate: 0.05f, Momentum: 0.9f, Nesterov: true),
        };

        // When training 300 steps
        for (var step = 0; step < 300; step++)
        {
            var s = step % 10 * 30;
            trainer.TrainStep(x.AsSpan(s * 2, 60), y.AsSpan(s, 30), 30);
        }

        // Then accuracy is high (evaluated in chunks of the max batch over all 300 samples)
        var result = trainer.Evaluate(x, y, n);
        Assert.Equal(n, result.Count);
        Assert.True(result.Accuracy > 0.95, $"accuracy {result.Accuracy}");
        Assert.True(result.Loss < 0.3, $"loss {result.Loss}");
    }
}
