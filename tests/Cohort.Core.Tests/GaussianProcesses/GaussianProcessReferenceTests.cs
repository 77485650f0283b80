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
    public void Should_MatchConditionOnTheMean_When_ConditionedOnMeanDirectly()
    {
        // Given a process over 9 points (enough for the blocked and vectorised factor paths) and two batch choices
        var kernel = new TimeVaryingKernel(new SquaredExponentialKernel(1.3, 0.35), 0.15);
        var random = new Random(5);
        var points = Enumerable.Range(0, 9).Select(i => new[] { i / 3, random.NextDouble(), random.NextDouble() }).ToArray();
        var gp = GaussianProcess.Fit(points, points.Select(p => Math.Sin(3 * p[1]) - p[2]).ToArray(), kernel, 0.03);
        double[][] chosen = [[3.0, 0.2, 0.7], [3.0, 0.8, 0.1]];

        // When conditioned on the posterior means by the shortcut and by a full solve
        var direct = gp.ConditionOnMean(chosen);
        var solved = gp.Condition(chosen, chosen.Select(c => gp.PredictMean(c)).ToArray());

        // Then means, variances and the likelihood agree
        Assert.Equal(solved.LogMarginalLikelihood, direct.LogMarginalLikelihood, 9);
        foreach (double[] q in new[] { chosen[0], chosen[1], [2.0, 0.5, 0.5], [4.0, 0.1, 0.9] })
        {
            Assert.Equal(solved.Predict(q).Mean, direct.Predict(q).Mean, 10);
            Assert.Equal(solved.Predict(q).Variance, direct.Predict(q).Variance, 10);
        }
    }

    [Fact]
    public void Should_LeaveEveryProcessUnchanged_When_ExtendedAlongSeveralBranches()
    {
        // Given a process and the posteriors of processes fitted from scratch on the same data plus a or b
        var kernel = new TimeVaryingKernel(new SquaredExponentialKernel(1.0, 0.4), 0.1);
        double[][] points = [[0.0, 0.1, 0.5], [1.0, 0.4, 0.5], [1.0, 0.8, 0.2], [2.0, 0.3, 0.3], [2.0, 0.6, 0.9]];
        double[] y = [0.5, -0.2, 1.1, 0.3, -0.7];
        var gp = GaussianProcess.Fit(points, y, kernel, 0.05);
        double[] a = [3.0, 0.6, 0.4];
        double[] b = [3.0, 0.1, 0.9];
        double[] q = [3.0, 0.35, 0.6];
        var before = gp.Predict(q);

        // When the process is extended by a, that extension by b, and the process again by b (rows share storage)
        var withA = gp.Condition([a], [0.2]);
        var withAb = withA.Condition([b], [-0.1]);
        var withB = gp.Condition([b], [-0.1]);

        // Then each agrees with a process fitted from scratch on its own data, and the original is unchanged
        Assert.Equal(before, gp.Predict(q));
        AssertSame(GaussianProcess.Fit([.. points, a], [.. y, 0.2], kernel, 0.05), withA);
        AssertSame(GaussianProcess.Fit([.. points, a, b], [.. y, 0.2, -0.1], kernel, 0.05), withAb);
        AssertSame(GaussianProcess.Fit([.. points, b], [.. y, -0.1], kernel, 0.05), withB);

        void AssertSame(GaussianProcess expected, GaussianProcess actual)
        {
            Assert.Equal(expected.LogMarginalLikelihood, actual.LogMarginalLikelihood, 10);
            Assert.Equal(expected.Predict(q).Mean, actual.Predict(q).Mean, 10);
            Assert.Equal(expected.Predict(q).Variance, actual.Predict(q).Variance, 10);
        }
    }

    [Fact]
    public void Should_MatchAnExplicitInverse_When_FortyPointsInThreeDimensions()
    {
        // Given 40 points (every path of the blocked factorisation and the inverse factor) and an explicit inverse
        var kernel = new SquaredExponentialKernel(0.9, 0.5);
        var random = new Random(11);
        var points = Enumerable.Range(0, 40).Select(_ => new[] { random.NextDouble(), random.NextDouble(), random.NextDouble() }).ToArray();
        var y = points.Select(p => p[0] - (2 * p[1] * p[2])).ToArray();
        var gp = GaussianProcess.Fit(points, y, kernel, 0.02, priorMean: 0.1);
        var covariance = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(40, 40, (i, j) => kernel.Evaluate(points[i], points[j]) + (i == j ? 0.02 : 0.0));
        var inverse = covariance.Inverse();
        var centred = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(40, i => y[i] - 0.1);
        var lml = (-0.5 * centred.DotProduct(inverse * centred)) - (0.5 * Math.Log(covariance.Determinant())) - (20 * Math.Log(2 * Math.PI));

        // When / Then the posterior at a few points and the likelihood match
        Assert.Equal(lml, gp.LogMarginalLikelihood, 6);
        foreach (double[] x in new[] { [0.5, 0.5, 0.5], [0.0, 1.0, 0.2], new[] { 0.9, 0.1, 0.7 } })
        {
            var k = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(40, i => kernel.Evaluate(x, points[i]));
            var (m, v) = gp.Predict(x);
            Assert.Equal(0.1 + k.DotProduct(inverse * centred), m, 7);
            Assert.Equal(0.9 - k.DotProduct(inverse * k), v, 7);
        }
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
