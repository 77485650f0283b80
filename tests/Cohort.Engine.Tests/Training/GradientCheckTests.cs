using Cohort.Engine.Models;
using Cohort.Engine.Training;

namespace Cohort.Engine.Tests.Training;

/// <summary>Central finite differences against back-propagated gradients for every layer and loss.</summary>
public sealed class GradientCheckTests
{
    private const int Batch = 3;

    public static TheoryData<string> Activations => new() { "relu", "leaky", "tanh", "sigmoid" };

    [Theory]
    [MemberData(nameof(Activations))]
    public void Should_MatchFiniteDifferences_When_ActivationBetweenDenseLayers(string activation)
    {
        var kind = activation switch
        {
            "relu" => ActivationKind.Relu,
            "leaky" => ActivationKind.LeakyRelu,
            "tanh" => ActivationKind.Tanh,
            _ => ActivationKind.Sigmoid,
        };
        var spec = new ModelSpec([4], [new DenseSpec(6), new ActivationSpec(kind, 0.1f), new DenseSpec(3)]);
        Check(spec, LossKind.SoftmaxCrossEntropy, training: false);
    }

    [Fact]
    public void Should_MatchFiniteDifferences_When_MseLossWithSeveralOutputs()
    {
        var spec = new ModelSpec([5], [new DenseSpec(4), new ActivationSpec(ActivationKind.Tanh), new DenseSpec(2)]);
        Check(spec, LossKind.MeanSquaredError, training: false);
    }

    [Fact]
    public void Should_MatchFiniteDifferences_When_L1AndL2PenaltiesAreOn()
    {
        var spec = new ModelSpec([4], [new DenseSpec(5), new ActivationSpec(ActivationKind.Tanh), new DenseSpec(1)]);
        Check(spec, LossKind.MeanSquaredError, training: false, l1: 0.05f, l2: 0.2f);
    }

    [Fact]
    public void Should_MatchFiniteDifferences_When_DropoutIsActive()
    {
        var spec = new ModelSpec(
            [4],
            [new DenseSpec(8), new ActivationSpec(ActivationKind.Tanh), new DropoutSpec(), new DenseSpec(3)]);
        Check(spec, LossKind.SoftmaxCrossEntropy, training: true, dropout: 0.4f);
    }

    [Fact]
    public void Should_MatchFiniteDifferences_When_FlattenPrecedesDense()
    {
        var spec = new ModelSpec(
            [2, 2, 3],
            [new FlattenSpec(), new DenseSpec(4), new ActivationSpec(ActivationKind.Sigmoid), new DenseSpec(3)]);
        Check(spec, LossKind.SoftmaxCrossEntropy, training: false);
    }

    [Fact]
    public void Should_MatchFiniteDifferences_When_ConvWithPaddingFeedsDense()
    {
        var spec = new ModelSpec(
            [2, 6, 6],
            [new Conv2dSpec(3, 3, 1, 1), new ActivationSpec(ActivationKind.Tanh), new FlattenSpec(), new DenseSpec(3)]);
        Check(spec, LossKind.SoftmaxCrossEntropy, training: false);
    }

    [Fact]
    public void Should_MatchFiniteDifferences_When_StridedConvFeedsMaxPool()
    {
        var spec = new ModelSpec(
            [1, 9, 9],
            [
                new Conv2dSpec(4, 3, 2, 1), new ActivationSpec(ActivationKind.Relu), new Pool2dSpec(PoolKind.Max, 2),
                new FlattenSpec(), new DenseSpec(3),
            ]);
        Check(spec, LossKind.SoftmaxCrossEntropy, training: false);
    }

    [Fact]
    public void Should_MatchFiniteDifferences_When_AveragePoolWithOverlap()
    {
        var spec = new ModelSpec(
            [2, 7, 7],
            [
                new Conv2dSpec(3, 2), new ActivationSpec(ActivationKind.Sigmoid), new Pool2dSpec(PoolKind.Average, 3, 2),
                new FlattenSpec(), new DenseSpec(2),
            ]);
        Check(spec, LossKind.MeanSquaredError, training: false);
    }

    [Fact]
    public void Should_MatchFiniteDifferences_When_SmallLeNetWithDropoutAndPenalties()
    {
        var spec = new ModelSpec(
            [1, 10, 10],
            [
                new Conv2dSpec(2, 3, 1, 1), new ActivationSpec(ActivationKind.Relu), new Pool2dSpec(PoolKind.Max, 2),
                new Conv2dSpec(3, 3), new ActivationSpec(ActivationKind.LeakyRelu), new Pool2dSpec(PoolKind.Max, 2),
                new FlattenSpec(), new DenseSpec(6), new ActivationSpec(ActivationKind.Relu), new DropoutSpec(),
                new DenseSpec(4),
            ]);
        Check(spec, LossKind.SoftmaxCrossEntropy, training: true, l1: 0.01f, l2: 0.01f, dropout: 0.3f);
    }

    [Fact]
    public void Should_MatchFiniteDifferences_When_DenseLayersUseTheBlockedGemm()
    {
        // 150·120 and 120·140 weights exceed the small-matrix limit, so these layers run on Gemm.Compute.
        var spec = new ModelSpec([150], [new DenseSpec(120), new ActivationSpec(ActivationKind.Tanh), new DenseSpec(140), new ActivationSpec(ActivationKind.Relu), new DenseSpec(3)]);
        Check(spec, LossKind.SoftmaxCrossEntropy, training: false, batch: 4, every: 211);
    }

    [Fact]
    public void Should_MatchFiniteDifferences_When_SmallDenseLayersHaveManyOutputs()
    {
        // dense(20): in < out (dWᵀ path); dense(17): in ≥ out with a vector tail; dense(3): dot-product path.
        var spec = new ModelSpec(
            [5],
            [
                new DenseSpec(20), new ActivationSpec(ActivationKind.Tanh), new DenseSpec(17),
                new ActivationSpec(ActivationKind.Relu), new DenseSpec(3),
            ]);
        Check(spec, LossKind.SoftmaxCrossEntropy, training: false, batch: 5);
    }

    internal static void Check(
        ModelSpec spec, LossKind loss, bool training, float l1 = 0f, float l2 = 0f, float dropout = 0f, int batch = Batch, int every = 1)
    {
        // Given a small network with random weights and data
        var trainer = new Trainer(spec, OptimizerKind.Sgd, loss, seed: 11, maxBatch: batch)
        {
            Hyperparameters = new TrainingHyperparameters(L1: l1, L2: l2, Dropout: dropout),
        };
        var x = TestData.Gaussian(batch * trainer.InputSize, 5);
        var t = loss == LossKind.SoftmaxCrossEntropy
            ? TestData.Classes(batch, trainer.OutputSize, 6)
            : TestData.Gaussian(batch * trainer.OutputSize, 6);
        var parameters = trainer.Network.Parameters;

        // Biases start at zero; give them values so that their gradients are generic.
        var biasNoise = TestData.Gaussian(parameters.Length - trainer.WeightCount, 9, 0.3);
        biasNoise.CopyTo(parameters, trainer.WeightCount);
        Span<ulong> rngState = stackalloc ulong[4];
        trainer.Random.GetState(rngState);

        // When back-propagating
        trainer.ComputeGradients(x, t, batch, training);
        var analytic = trainer.Gradients.ToArray();

        // Then every parameter's gradient matches central differences (same dropout mask each time)
        const float h = 1e-3f;
        var checkedCount = 0;
        for (var i = 0; i < parameters.Length; i = i < trainer.WeightCount && i + every < trainer.WeightCount ? i + every : Math.Max(i + 1, trainer.WeightCount))
        {
            var original = parameters[i];
            parameters[i] = original + h;
            trainer.Random.SetState(rngState);
            var up = trainer.ComputeLoss(x, t, batch, training);
            parameters[i] = original - h;
            trainer.Random.SetState(rngState);
            var down = trainer.ComputeLoss(x, t, batch, training);
            parameters[i] = original;
            var numeric = (up - down) / (2.0 * ((double)(original + h) - original));
            var error = Math.Abs(numeric - analytic[i]);
            var bound = 5e-4 + (2e-2 * Math.Max(Math.Abs(numeric), Math.Abs(analytic[i])));
            Assert.True(
                error <= bound,
                $"{spec.Describe()}: parameter {i} analytic {analytic[i]:G6}, numeric {numeric:G6}");
            checkedCount++;
        }

        Assert.True(checkedCount >= (trainer.ParameterCount - trainer.WeightCount) + (trainer.WeightCount / every));
        Assert.Contains(analytic, g => Math.Abs(g) > 1e-3);
    }
}
