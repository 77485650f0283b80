using Cohort.Engine.Kernels;
using Cohort.Engine.Models;
using Cohort.Engine.Training;

namespace Cohort.Engine.Tests.Kernels;

/// <summary>Optimizer updates against values computed by hand (and in float64 replicas of the formulas).</summary>
public sealed class OptimizerStepTests
{
    [Fact]
    public void Should_MatchHandComputedValues_When_SgdMomentumStepsTwice()
    {
        // w = 1, g = 0.5, μ = 0.9, α = 0.1: b1 = 0.5, w1 = 0.95; b2 = 0.9·0.5 + 0.5 = 0.95, w2 = 0.95 − 0.095 = 0.855
        var w = new[] { 1f };
        var b = new[] { 0f };
        SgdStep.Apply(w, [0.5f], b, 0.1f, 0.9f, 0f, nesterov: false);
        Assert.Equal(0.95f, w[0], 6);
        SgdStep.Apply(w, [0.5f], b, 0.1f, 0.9f, 0f, nesterov: false);
        Assert.Equal(0.95f, b[0], 6);
        Assert.Equal(0.855f, w[0], 6);
    }

    [Fact]
    public void Should_MatchHandComputedValues_When_NesterovWithWeightDecay()
    {
        // g' = 0.5 + 0.1·2 = 0.7; b = 0.7; u = 0.7 + 0.9·0.7 = 1.33; w = 2 − 0.1·1.33 = 1.867
        var w = new[] { 2f };
        var b = new[] { 0f };
        SgdStep.Apply(w, [0.5f], b, 0.1f, 0.9f, 0.1f, nesterov: true);
        Assert.Equal(1.867f, w[0], 5);
        Assert.Equal(0.7f, b[0], 6);
    }

    [Fact]
    public void Should_ApplyBiasCorrection_When_AdamTakesFirstStep()
    {
        // First step: m̂ = g, v̂ = g², so the update is α·g/(|g| + ε) = ±α for every element, whatever |g|.
        var g = Enumerable.Range(0, 37).Select(i => (i - 18) * 0.37f + 0.01f).ToArray();
        var w = new float[37];
        var m = new float[37];
        var v = new float[37];
        var s = new AdamScalars(0.9f, 0.999f, 0.01f / (1f - 0.9f), 1f / MathF.Sqrt(1f - 0.999f), 1e-8f, 0f, 1f);
        AdamStep.Apply(w, g, m, v, s);
        for (var i = 0; i < 37; i++)
        {
            Assert.Equal(-0.01f * MathF.Sign(g[i]), w[i], 5);
            Assert.Equal(0.1f * g[i], m[i], 5);
            Assert.Equal(0.001f * g[i] * g[i], v[i], 5);
        }
    }

    [Fact]
    public void Should_DecayWeightsDecoupled_When_AdamWHasZeroGradient()
    {
        // With g = 0 and zero moments AdamW only shrinks w by (1 − αλ); Adam with coupled decay instead moves by ±α.
        var w = new[] { 3f, -2f };
        var s = new AdamScalars(0.9f, 0.999f, 0.1f / 0.1f, 1f / MathF.Sqrt(0.001f), 1e-8f, 0f, 1f - (0.1f * 0.5f));
        AdamStep.Apply(w, [0f, 0f], new float[2], new float[2], s);
        Assert.Equal(3f * 0.95f, w[0], 6);
        Assert.Equal(-2f * 0.95f, w[1], 6);
        var coupled = new[] { 3f, -2f };
        var sc = s with { CoupledDecay = 0.5f, DecoupledFactor = 1f };
        AdamStep.Apply(coupled, [0f, 0f], new float[2], new float[2], sc);
        Assert.Equal(2.9f, coupled[0], 5);
        Assert.Equal(-1.9f, coupled[1], 5);
    }

    [Fact]
    public void Should_AddSignAndTwiceL2_When_PenaltyApplied()
    {
        var w = Enumerable.Range(0, 40).Select(i => (i - 20) * 0.25f).ToArray();
        var g = Enumerable.Repeat(1f, 40).ToArray();
        var penalty = WeightPenalty.Apply(w, g, 0.1f, 0.01f);
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(1f + (0.1f * MathF.Sign(w[i])) + (0.02f * w[i]), g[i], 6);
        }

        var expected = w.Sum(x => (0.1 * Math.Abs(x)) + (0.01 * x * x));
        Assert.Equal(expected, penalty, 4);
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void Should_MatchFloat64Replica_When_TrainerStepsWithChangingHyperparameters(OptimizerKind kind)
    {
        // Given a trainer, replay its updates in float64 from the gradients it reports, changing every live
        // hyperparameter between steps, and compare the weights.
        var trainer = new Trainer(ModelSpec.Mlp(3, [4], 2), kind, LossKind.MeanSquaredError, 4, maxBatch: 5);
        var x = TestData.Gaussian(15, 1);
        var t = TestData.Gaussian(10, 2);
        var n = trainer.ParameterCount;
        var w = trainer.Parameters.ToArray().Select(f => (double)f).ToArray();
        var m = new double[n];
        var v = new double[n];
        for (var step = 1; step <= 4; step++)
        {
            var h = new TrainingHyperparameters(
                LearningRate: 0.01f * step, Momentum: 0.5f + (0.1f * step), Nesterov: step % 2 == 0,
                Beta1: 0.8f + (0.02f * step), Beta2: 0.99f - (0.01f * step), Epsilon: 1e-6f * step,
                WeightDecay: 0.01f * step, L1: 0.002f * step, L2: 0.003f * step);
            trainer.Hyperparameters = h;
            trainer.TrainStep(x, t, 5);
            var g = trainer.Gradients; // includes the penalty terms
            for (var i = 0; i < n; i++)
            {
                double gi = g[i];
                if (kind == OptimizerKind.Sgd)
                {
                    gi += h.WeightDecay * w[i];
                    m[i] = (h.Momentum * m[i]) + gi;
                    w[i] -= h.LearningRate * (h.Nesterov ? gi + (h.Momentum * m[i]) : m[i]);
                    continue;
                }

                if (kind == OptimizerKind.Adam)
                {
                    gi += h.WeightDecay * w[i];
                }
                else
                {
                    w[i] *= 1 - (h.LearningRate * h.WeightDecay);
                }

                m[i] = (h.Beta1 * m[i]) + ((1 - h.Beta1) * gi);
                v[i] = (h.Beta2 * v[i]) + ((1 - h.Beta2) * gi * gi);
                var mHat = m[i] / (1 - Math.Pow(h.Beta1, step));
                var vHat = v[i] / (1 - Math.Pow(h.Beta2, step));
                w[i] -= h.LearningRate * mHat / (Math.Sqrt(vHat) + h.Epsilon);
            }

            for (var i = 0; i < n; i++)
            {
                Assert.Equal(w[i], trainer.Parameters[i], 4);
            }

            // Re-anchor on the float weights so rounding does not accumulate across steps.
            w = trainer.Parameters.ToArray().Select(f => (double)f).ToArray();
        }

        Assert.Equal(4, trainer.Step);
    }
}
