using Cohort.Core.GaussianProcesses;

namespace Cohort.Core.Tests.GaussianProcesses;

public sealed class GaussianProcessTests
{
    private static double Matern(double r, double sf2, double l)
    {
        var s = Math.Sqrt(5.0) * Math.Abs(r) / l;
        return sf2 * (1.0 + s + (5.0 * r * r / (3.0 * l * l))) * Math.Exp(-s);
    }

    [Fact]
    public void Should_MatchKernelFormula_When_EvaluatedAtZeroAndLengthScale()
    {
        Assert.Equal(2.5, Matern52Kernel.Evaluate(0.0, 2.5, 3.0), 14);
        var expected = 2.5 * (1.0 + Math.Sqrt(5.0) + (5.0 / 3.0)) * Math.Exp(-Math.Sqrt(5.0));
        Assert.Equal(expected, Matern52Kernel.Evaluate(3.0, 2.5, 3.0), 14);
        Assert.Equal(expected, Matern52Kernel.Evaluate(-3.0, 2.5, 3.0), 14);
    }

    [Fact]
    public void Should_MatchTwoByTwoClosedForm_When_TwoTrainingPoints()
    {
        // Given x = (0, 1), y = (1, 2), σ_f² = 2, ℓ = 0.7, σ_n² = 0.1, zero prior mean.
        const double sf2 = 2.0, l = 0.7, sn2 = 0.1, xq = 0.4;
        var gp = GaussianProcess.Fit([0.0, 1.0], [1.0, 2.0], new MaternHyperparameters(sf2, l, sn2));

        // K + σ²I = [[a, b], [b, a]], inverse = [[a, −b], [−b, a]] / (a² − b²).
        var a = sf2 + sn2;
        var b = Matern(1.0, sf2, l);
        var det = (a * a) - (b * b);
        var k1 = Matern(xq, sf2, l);
        var k2 = Matern(xq - 1.0, sf2, l);
        var alpha1 = ((a * 1.0) - (b * 2.0)) / det;
        var alpha2 = ((-b * 1.0) + (a * 2.0)) / det;
        var mean = (k1 * alpha1) + (k2 * alpha2);
        var quad = ((a * k1 * k1) - (2.0 * b * k1 * k2) + (a * k2 * k2)) / det;
        var lml = (-0.5 * ((1.0 * alpha1) + (2.0 * alpha2))) - (0.5 * Math.Log(det)) - Math.Log(2.0 * Math.PI);

        // Then
        var (m, v) = gp.Predict(xq);
        Assert.Equal(mean, m, 8);
        Assert.Equal(mean, gp.PredictMean(xq), 8);
        Assert.Equal(sf2 - quad, v, 8);
        Assert.Equal(lml, gp.LogMarginalLikelihood, 8);
    }

    [Fact]
    public void Should_AddPriorMean_When_PriorMeanGiven()
    {
        var h = new MaternHyperparameters(1.0, 0.5, 0.01);
        var zero = GaussianProcess.Fit([0.0, 1.0, 2.0], [0.0, 1.0, 0.5], h);
        var shifted = GaussianProcess.Fit([0.0, 1.0, 2.0], [3.0, 4.0, 3.5], h, priorMean: 3.0);
        Assert.Equal(zero.PredictMean(1.3) + 3.0, shifted.PredictMean(1.3), 10);
        Assert.Equal(3.0, shifted.PredictMean(1000.0), 10);
    }

    [Fact]
    public void Should_Interpolate_When_NoiseIsTiny()
    {
        double[] x = [0, 1, 2, 3, 4];
        double[] y = [0.1, 0.5, 0.4, 0.9, 1.0];
        var gp = GaussianProcess.Fit(x, y, new MaternHyperparameters(1.0, 1.0, 1e-9));
        for (var i = 0; i < x.Length; i++)
        {
            Assert.Equal(y[i], gp.PredictMean(x[i]), 5);
            Assert.True(gp.Predict(x[i]).Variance < 1e-6);
        }
    }

    [Fact]
    public void Should_FindLongerLengthScale_When_FunctionVariesSlowly()
    {
        var x = Enumerable.Range(0, 40).Select(i => i * 0.25).ToArray();
        var slow = GaussianProcess.FitEmpiricalBayes(x, x.Select(v => Math.Sin(0.4 * v)).ToArray());
        var fast = GaussianProcess.FitEmpiricalBayes(x, x.Select(v => Math.Sin(3.0 * v)).ToArray());

        Assert.True(MaternHyperparameters.Of(slow).LengthScale > 3.0 * MaternHyperparameters.Of(fast).LengthScale,
            $"slow ℓ = {MaternHyperparameters.Of(slow).LengthScale}, fast ℓ = {MaternHyperparameters.Of(fast).LengthScale}");
        // A sine of period 2π/3 ≈ 2.1 needs ℓ of the order of a quarter period, not of the whole span.
        Assert.InRange(MaternHyperparameters.Of(fast).LengthScale, 0.1, 2.0);
    }

    [Fact]
    public void Should_SmoothNoise_When_FittedByEmpiricalBayes()
    {
        // Given a smooth concave training curve with Gaussian noise (seeded).
        var rng = new Random(1234);
        var x = Enumerable.Range(0, 50).Select(i => 100.0 * i).ToArray();
        var truth = x.Select(v => 1.0 - Math.Exp(-v / 1500.0)).ToArray();
        var noisy = truth.Select(t => t + (0.05 * Gaussian(rng))).ToArray();

        // When
        var gp = GaussianProcess.FitEmpiricalBayes(x, noisy);
        var smoothed = gp.PredictMeans(x);

        // Then the smoothing is closer to the truth than the data, and the noise estimate is near 0.05².
        var rawError = Rmse(noisy, truth);
        var smoothError = Rmse(smoothed, truth);
        Assert.True(smoothError < 0.6 * rawError, $"smoothed {smoothError} vs raw {rawError}");
        Assert.InRange(MaternHyperparameters.Of(gp).NoiseVariance, 0.25 * 0.0025, 4.0 * 0.0025);
        Assert.True(MaternHyperparameters.Of(gp).LengthScale > 300.0, $"ℓ = {MaternHyperparameters.Of(gp).LengthScale}");
    }

    [Fact]
    public void Should_ReachSameLikelihood_When_WarmStartedFromPreviousFit()
    {
        // Given a fit of a curve, and the same curve grown by one point.
        var rng = new Random(11);
        var x = Enumerable.Range(0, 31).Select(i => 100.0 * i).ToArray();
        var y = x.Select(v => 1.0 - Math.Exp(-v / 800.0) + (0.02 * Gaussian(rng))).ToArray();
        var previous = GaussianProcess.FitEmpiricalBayes(x[..30], y[..30]);

        // When the grown curve is fitted from the grid and warm-started from the previous fit.
        var cold = GaussianProcess.FitEmpiricalBayes(x, y);
        var warm = GaussianProcess.FitEmpiricalBayes(x, y, new GpFitOptions(WarmStart: MaternHyperparameters.Of(previous)));

        // Then the warm fit is as good a maximum, and its smoothing agrees.
        Assert.True(warm.LogMarginalLikelihood >= cold.LogMarginalLikelihood - 1e-3,
            $"warm {warm.LogMarginalLikelihood} vs cold {cold.LogMarginalLikelihood}");
        Assert.Equal(cold.PredictMean(1550.0), warm.PredictMean(1550.0), 3);
    }

    [Fact]
    public void Should_BeShiftEquivariant_When_FittedByEmpiricalBayes()
    {
        var rng = new Random(7);
        var x = Enumerable.Range(0, 25).Select(i => (double)i).ToArray();
        var y = x.Select(v => Math.Log(1.0 + v) + (0.1 * Gaussian(rng))).ToArray();
        var a = GaussianProcess.FitEmpiricalBayes(x, y);
        var b = GaussianProcess.FitEmpiricalBayes(x, y.Select(v => v - 3.0).ToArray());
        Assert.Equal(a.PredictMean(7.5) - 3.0, b.PredictMean(7.5), 6);
    }

    [Fact]
    public void Should_ReturnConstant_When_CurveIsFlatOrSinglePoint()
    {
        var flat = GaussianProcess.FitEmpiricalBayes([0.0, 1.0, 2.0], [0.7, 0.7, 0.7]);
        Assert.Equal(0.7, flat.PredictMean(1.5), 10);
        var single = GaussianProcess.FitEmpiricalBayes([5.0], [0.3]);
        Assert.Equal(0.3, single.PredictMean(5.0), 6);
    }

    [Fact]
    public void Should_Throw_When_HyperparametersInvalid()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianProcess.Fit([0.0], [1.0], new MaternHyperparameters(1.0, 0.0, 0.1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianProcess.Fit([0.0], [1.0], new MaternHyperparameters(1.0, 1.0, -0.1)));
    }

    [Fact]
    public void Should_Throw_When_LengthsDiffer()
    {
        Assert.Throws<ArgumentException>(() => GaussianProcess.FitEmpiricalBayes([0.0, 1.0], [1.0]));
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());

    private static double Rmse(double[] a, double[] b) =>
        Math.Sqrt(a.Zip(b, (p, q) => (p - q) * (p - q)).Average());
}
