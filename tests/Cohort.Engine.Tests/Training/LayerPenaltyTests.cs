using Cohort.Engine.Models;
using Cohort.Engine.Training;

namespace Cohort.Engine.Tests.Training;

/// <summary>Per-layer L1/L2 (<see cref="TrainingHyperparameters.LayerPenalties"/>) and weights-only copies in <see cref="Trainer"/>.</summary>
public sealed class LayerPenaltyTests
{
    private static readonly ModelSpec Mlp = ModelSpec.Mlp(5, [7], 1);

    private static Trainer Create(TrainingHyperparameters h, ulong seed = 3) =>
        new(Mlp, OptimizerKind.Adam, LossKind.MeanSquaredError, seed, maxBatch: 8) { Hyperparameters = h };

    [Fact]
    public void Should_AddEachLayersOwnPenaltyGradient_When_LayerPenaltiesAreSet()
    {
        // Given the same weights and batch, once without penalties and once with different λ₁, λ₂ per layer
        var x = TestData.Gaussian(8 * 5, 1);
        var t = TestData.Gaussian(8, 2);
        var plain = Create(new TrainingHyperparameters(LearningRate: 0f));
        var penalties = new TrainingHyperparameters(LearningRate: 0f) { LayerPenalties = [new LayerPenalty(0.3f, 0.05f), new LayerPenalty(0.01f, 0.7f)] };
        var penalised = Create(penalties);
        Assert.Equal(2, penalised.WeightLayerCount);

        // When both compute gradients
        var lossPlain = plain.TrainStep(x, t, 8);
        var lossPenalised = penalised.TrainStep(x, t, 8);

        // Then the first 5·7 weights get λ₁⁰·sign(w) + 2λ₂⁰·w, the next 7 get layer 1's, the biases nothing extra
        var w = plain.Parameters;
        for (var i = 0; i < plain.ParameterCount; i++)
        {
            var (l1, l2) = i < 35 ? (0.3f, 0.05f) : i < 42 ? (0.01f, 0.7f) : (0f, 0f);
            var expected = plain.Gradients[i] + (l1 * MathF.Sign(w[i])) + (2f * l2 * w[i]);
            Assert.Equal(expected, penalised.Gradients[i], 5);
        }

        // and the loss grows by Σ_k λ₁ᵏΣ|w| + λ₂ᵏΣw², which Penalty() reports
        var manual = 0.0;
        for (var i = 0; i < 42; i++)
        {
            var (l1, l2) = i < 35 ? (0.3, 0.05) : (0.01, 0.7);
            manual += (l1 * Math.Abs(w[i])) + (l2 * w[i] * (double)w[i]);
        }

        Assert.Equal(manual, penalised.Penalty(), 5);
        Assert.Equal(lossPlain + manual, lossPenalised, 4);
        Assert.Equal(0.0, plain.Penalty());
    }

    [Fact]
    public void Should_UseTheGlobalFactors_When_ALayerHasNoEntry()
    {
        var onlyFirst = Create(new TrainingHyperparameters(L1: 0.2f, L2: 0.1f) { LayerPenalties = [new LayerPenalty(0f, 0f)] });
        var global = Create(new TrainingHyperparameters(L1: 0.2f, L2: 0.1f));
        var w = global.Parameters;
        var layer1 = 0.0;
        for (var i = 35; i < 42; i++)
        {
            layer1 += (0.2 * Math.Abs(w[i])) + (0.1 * w[i] * (double)w[i]);
        }

        Assert.Equal(layer1, onlyFirst.Penalty(), 5);
        Assert.True(global.Penalty() > layer1);
    }

    [Fact]
    public void Should_Throw_When_MorePenaltiesThanWeightLayers()
    {
        var trainer = Create(new TrainingHyperparameters());
        var bad = new TrainingHyperparameters() { LayerPenalties = [new(0f, 0f), new(0f, 0f), new(0f, 0f)] };

        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Hyperparameters = bad);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Hyperparameters = new TrainingHyperparameters() { LayerPenalties = [new(-1f, 0f)] });
    }

    [Fact]
    public void Should_CopyWeightsButKeepMomentsAndStep_When_CopyingParametersOnly()
    {
        // Given two trainers with different histories (3 and 5 Adam steps)
        var h = new TrainingHyperparameters(LearningRate: 0.01f);
        var donor = Create(h, seed: 1);
        var receiver = Create(h, seed: 2);
        var x = TestData.Gaussian(8 * 5, 4);
        var t = TestData.Gaussian(8, 5);
        for (var i = 0; i < 3; i++)
        {
            donor.TrainStep(x, t, 8);
        }

        for (var i = 0; i < 5; i++)
        {
            receiver.TrainStep(x, t, 8);
        }

        var moment1 = receiver.FirstMoment.ToArray();
        var moment2 = receiver.SecondMoment.ToArray();

        // When the receiver takes the donor's weights only (Keras set_weights)
        receiver.CopyParametersFrom(donor);

        // Then weights equal the donor's; moments and step stay the receiver's
        Assert.True(receiver.Parameters.SequenceEqual(donor.Parameters));
        Assert.Equal(moment1, receiver.FirstMoment.ToArray());
        Assert.Equal(moment2, receiver.SecondMoment.ToArray());
        Assert.False(receiver.FirstMoment.SequenceEqual(donor.FirstMoment));
        Assert.Equal(5, receiver.Step);

        // while a full copy takes the moments too
        receiver.CopyFrom(donor);
        Assert.True(receiver.FirstMoment.SequenceEqual(donor.FirstMoment));
        Assert.Equal(3, receiver.Step);
    }
}
