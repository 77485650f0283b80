using Cohort.Core.GaussianProcesses;

namespace Cohort.Core.Tests.GaussianProcesses;

/// <summary>
/// Posteriors in several dimensions against constants printed by gp_reference.py (numpy, explicit inverse), and a
/// two-point case computed by hand. The process adds a jitter of 10⁻¹⁰ k(x, x) to the diagonal, which moves the results by about that much: the tolerance is 10⁻⁸.
/// </summary>
public sealed class GaussianProcessReferenceTests
{
    [Fact]
    public void Should_MatchHandComputedPosterior_When_TwoPointsInTwoDimensions()
    {
        // Given x₁ = (0.1, 0.2), x₂ = (0.7, 0.4), y = (0.3, −0.5), SE σ_f² = 1.5, ℓ = 0.4, σ_n² = 0.01, x* = (0.4, 0.3)
        var kernel = new SquaredExponentialKernel(1.5, 0.4);
        var gp = GaussianProcess.Fit([[0.1, 0.2], [0.7, 0.4]], [0.3, -0.5], kernel, 0.01);

        // By hand: K + σ²I = [[a, b], [b, a]], inverse [[a, −b], [−b, a]] / (a² − b²)
        static double Se(double d2) => 1.5 * Math.Exp(-d2 / (2 * 0.16));
        var a = 1.5 + 0.01;
        var b = Se((0.6 * 0.6) + (0.2 * 0.2));
        var det = (a * a) - (b * b);
        var k1 = Se((0.3 * 0.3) + (0.1 * 0.1));
        var k2 = Se((0.3 * 0.3) + (0.1 * 0.1));
        var alpha1 = ((a * 0.3) - (b * -0.5)) / det;
        var alpha2 = ((-b * 0.3) + (a * -0.5)) / det;
        var mean = (k1 * alpha1) + (k2 * alpha2);
        var variance = 1.5 - (((a * k1 * k1) - (2 * b * k1 * k2) + (a * k2 * k2)) / det);
        var lml = (-0.5 * ((0.3 * alpha1) + (-0.5 * alpha2))) - (0.5 * Math.Log(det)) - Math.Log(2 * Math.PI);

        // Then the process agrees with the hand computation and with numpy
        var (m, v) = gp.Predict([0.4, 0.3]);
        Assert.Equal(mean, m, 8);
        Assert.Equal(variance, v, 8);
        Assert.Equal(lml, gp.LogMarginalLikelihood, 8);
        Assert.Equal(-0.11315059906306815, m, 8);
        Assert.Equal(0.25825879951176156, v, 8);
        Assert.Equal(-2.3610215215044095, gp.LogMarginalLikelihood, 8);
    }

    [Fact]
    public void Should_MatchNumpy_When_MaternThreePointsWithPriorMean()
    {
        var gp = GaussianProcess.Fit([[0.0, 0.0], [0.5, 0.1], [0.2, 0.9]], [1.0, 0.2, -0.4], new Matern52Kernel(0.8, 0.6), 0.05, priorMean: 0.25);

        var (m, v) = gp.Predict([0.3, 0.4]);

        Assert.Equal(0.13329869578641304, m, 8);
        Assert.Equal(0.2079210251011826, v, 8);
        Assert.Equal(-3.145727805628864, gp.LogMarginalLikelihood, 8);
    }

    [Fact]
    public void Should_MatchNumpy_When_TimeVaryingKernelThreePoints()
    {
        var kernel = new TimeVaryingKernel(new SquaredExponentialKernel(1.2, 0.3), 0.2);
        var gp = GaussianProcess.Fit([[0.0, 0.1, 0.5], [1.0, 0.4, 0.5], [2.0, 0.35, 0.8]], [0.5, -0.2, 1.1], kernel, 0.02);

        var (m, v) = gp.Predict([3.0, 0.3, 0.6]);

        Assert.Equal(0.49480044596086104, m, 8);
        Assert.Equal(0.3878433656763244, v, 8);
        Assert.Equal(-3.7135688636591553, gp.LogMarginalLikelihood, 8);
    }

    [Fact]
    public void Should_MatchNumpy_When_TimeVaryingOverlapKernelThreePoints()
    {
        var kernel = new TimeVaryingKernel(new OverlapKernel(new SquaredExponentialKernel(1.0, 0.5), 1, 0.8), 0.1);
        var gp = GaussianProcess.Fit([[0.0, 0.2, 0.0], [1.0, 0.6, 1.0], [1.0, 0.3, 0.0]], [0.4, -0.3, 0.9], kernel, 0.05);

        var (m, v) = gp.Predict([2.0, 0.25, 1.0]);

        Assert.Equal(-0.11011958669497131, m, 8);
        Assert.Equal(0.4382798981143726, v, 8);
        Assert.Equal(-2.970411345396134, gp.LogMarginalLikelihood, 8);
    }

    [Fact]
    public void Should_KeepMeanAndShrinkVariance_When_ConditionedOnPosteriorMean()
    {
        // Given a fitted process and a point observed at its own posterior mean (GP-BUCB's pseudo-observation)
        var kernel = new TimeVaryingKernel(new SquaredExponentialKernel(1.0, 0.3), 0.1);
        var gp = GaussianProcess.Fit([[0.0, 0.1, 0.5], [1.0, 0.4, 0.5], [1.0, 0.8, 0.2]], [0.5, -0.2, 1.1], kernel, 0.05);
        double[] chosen = [2.0, 0.6, 0.4];

        // When
        var conditioned = gp.Condition([chosen], [gp.PredictMean(chosen)]);

        // Then the mean is unchanged everywhere, the variance shrinks, and at the chosen point it becomes v σ_n² / (v + σ_n²)
        foreach (double[] q in new[] { chosen, [2.0, 0.1, 0.9], [1.0, 0.5, 0.5] })
        {
            Assert.Equal(gp.PredictMean(q), conditioned.PredictMean(q), 12);
            Assert.True(conditioned.Predict(q).Variance <= gp.Predict(q).Variance + 1e-15);
        }

        var v = gp.Predict(chosen).Variance;
        Assert.Equal(v * 0.05 / (v + 0.05), conditioned.Predict(chosen).Variance, 8);
        Assert.Equal(4, conditioned.Count);
    }

    [Fact]
    public void Should_ReachAtLeastEveryStartsLikelihood_When_MaximizingOverAFamily()
    {
        // Given 25 noisy observations of a smooth function of two inputs and an SE family over (log σ_f², log ℓ, log σ_n²)
        var random = new Random(3);
        var points = Enumerable.Range(0, 25).Select(_ => new[] { random.NextDouble(), random.NextDouble() }).ToArray();
        var y = points.Select(p => Math.Sin(4 * p[0]) + p[1] + (0.05 * ((2 * random.NextDouble()) - 1))).ToArray();
        var family = new GpModelFamily(
            p => new GpModel(new SquaredExponentialKernel(Math.Exp(p[0]), Math.Exp(p[1])), Math.Exp(p[2])),
            [-3.0, -4.0, -10.0],
            [3.0, 2.0, 1.0]);
        IReadOnlyList<double>[] starts = [[0.0, -1.0, -3.0], [0.0, 0.5, -1.0]];

        // When
        var fit = MarginalLikelihood.Maximize(points, y, 0.0, family, starts, 400, 1e-8);

        // Then it beats both starts and finds a length scale of the order of the function's wiggles, little noise
        foreach (var s in starts)
        {
            var model = family.Model(s);
            Assert.True(fit.Process.LogMarginalLikelihood > GaussianProcess.Fit(points, y, model.Kernel, model.NoiseVariance).LogMarginalLikelihood);
        }

        var kernel = Assert.IsType<SquaredExponentialKernel>(fit.Process.Kernel);
        Assert.InRange(kernel.LengthScale, 0.1, 2.0);
        Assert.True(fit.Process.NoiseVariance < 0.01, $"σ_n² = {fit.Process.NoiseVariance}");
        Assert.True(family.Contains(fit.Parameters));
    }

    [Fact]
    public void Should_Throw_When_PointsHaveDifferentDimensions()
    {
        var kernel = new SquaredExponentialKernel(1.0, 1.0);

        Assert.Throws<ArgumentException>(() => GaussianProcess.Fit([[0.0, 1.0], [1.0]], [1.0, 2.0], kernel, 0.1));
        Assert.Throws<ArgumentException>(() => GaussianProcess.Fit([[double.NaN, 1.0]], [1.0], kernel, 0.1));
        var gp = GaussianProcess.Fit([[0.0, 1.0]], [1.0], kernel, 0.1);
        Assert.Throws<ArgumentException>(() => gp.Predict([0.0]));
    }
}
