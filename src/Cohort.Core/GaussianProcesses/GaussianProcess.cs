using System.Globalization;
using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra.Factorization;
using MathNet.Numerics.LinearAlgebra;

namespace Cohort.Core.GaussianProcesses;

/// <summary>
/// Gaussian-process regression over d-dimensional inputs (Rasmussen &amp; Williams 2006, ch. 2, Algorithm 2.1) with a
/// constant prior mean m, a kernel k and Gaussian observation noise σ_n²:
/// mean m + k*ᵀ(K + σ_n²I)⁻¹(y − m), variance k(x, x) − k*ᵀ(K + σ_n²I)⁻¹k*. One implementation serves FIRE (a
/// one-dimensional Matérn 5/2 smoothing of training curves, <see cref="FitEmpiricalBayes"/>) and PB2 (a time-varying
/// kernel over time and hyperparameters). Immutable; <see cref="Condition"/> returns a new process.
/// </summary>
public sealed class GaussianProcess
{
    private const int StackLimit = 512;

    private readonly double[][] _x;
    private readonly double[] _y;
    private readonly double[] _lower;
    private readonly double[] _alpha;

    /// <param name="lower">L, the Cholesky factor of K + σ_n²I (plus jitter), row-major n × n.</param>
    /// <param name="alpha">(K + σ_n²I)⁻¹(y − m).</param>
    private GaussianProcess(double[][] x, double[] y, double priorMean, IKernel kernel, double noiseVariance, double[] lower, double[] alpha, double logMarginalLikelihood)
    {
        _x = x;
        _y = y;
        _lower = lower;
        _alpha = alpha;
        PriorMean = priorMean;
        Kernel = kernel;
        NoiseVariance = noiseVariance;
        LogMarginalLikelihood = logMarginalLikelihood;
    }

    /// <summary>The covariance function.</summary>
    public IKernel Kernel { get; }

    /// <summary>σ_n², added to the diagonal of K.</summary>
    public double NoiseVariance { get; }

    /// <summary>The constant prior mean m.</summary>
    public double PriorMean { get; }

    /// <summary>log p(y | X) = −½(y−m)ᵀ(K+σ_n²I)⁻¹(y−m) − ½ log|K+σ_n²I| − (n/2) log 2π.</summary>
    public double LogMarginalLikelihood { get; }

    /// <summary>The number of observations.</summary>
    public int Count => _x.Length;

    /// <summary>The number of coordinates of an input.</summary>
    public int Dimensions => _x[0].Length;

    /// <summary>
    /// Conditions the prior on the observations <paramref name="y"/> at <paramref name="points"/>; throws when
    /// K + σ_n²I is not numerically positive definite (a tiny jitter, 10⁻¹⁰ k(x, x), is always added).
    /// </summary>
    public static GaussianProcess Fit(IReadOnlyList<double[]> points, IReadOnlyList<double> y, IKernel kernel, double noiseVariance, double priorMean = 0.0) =>
        TryFit(points, y, kernel, noiseVariance, priorMean)
        ?? throw new ArgumentException($"The covariance matrix is not positive definite for {kernel} with noise {noiseVariance.ToString(CultureInfo.InvariantCulture)}.", nameof(kernel));

    /// <summary>As <see cref="Fit(IReadOnlyList{double[]}, IReadOnlyList{double}, IKernel, double, double)"/>, null when not positive definite.</summary>
    public static GaussianProcess? TryFit(IReadOnlyList<double[]> points, IReadOnlyList<double> y, IKernel kernel, double noiseVariance, double priorMean = 0.0)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        if (!(noiseVariance >= 0 && double.IsFinite(noiseVariance)))
        {
            throw new ArgumentOutOfRangeException(nameof(noiseVariance), noiseVariance, "The noise variance must be finite and >= 0.");
        }

        var (xs, ys) = Validate(points, y);
        return Build(xs, ys, priorMean, kernel, noiseVariance);
    }

    /// <summary>Fits a one-dimensional Matérn 5/2 process with fixed hyperparameters and a constant prior mean (default zero).</summary>
    public static GaussianProcess Fit(IReadOnlyList<double> x, IReadOnlyList<double> y, MaternHyperparameters hyperparameters, double priorMean = 0.0)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        ArgumentOutOfRangeException.ThrowIfNegative(hyperparameters.NoiseVariance);
        var kernel = new Matern52Kernel(hyperparameters.SignalVariance, hyperparameters.LengthScale);
        return Fit(Column(x), y, kernel, hyperparameters.NoiseVariance, priorMean);
    }

    /// <summary>
    /// Fits a one-dimensional Matérn 5/2 process to a curve by maximising the log marginal likelihood ("empirical
    /// Bayes", paper 001 section 3.1.1): Nelder–Mead over (log σ_f², log ℓ, log σ_n²) from a small fixed grid of starts,
    /// within a box relative to the data (ℓ between 1/400 and 20 times the x span, variances between e^−14 and e^5 times
    /// the sample variance of y). The prior mean is the sample mean of y, so smoothing y − δ gives the smoothing of y
    /// minus δ. Deterministic: no random starts. Cost is O(n³) per likelihood evaluation over a few hundred evaluations
    /// per start: measured (Release, one core) about 45 ms for n = 20, 80 ms for n = 50, 0.6 s for n = 100 and 3 s for
    /// n = 200 points, so callers should refit only when a curve grows.
    /// </summary>
    public static GaussianProcess FitEmpiricalBayes(IReadOnlyList<double> x, IReadOnlyList<double> y, GpFitOptions? options = null)
    {
        options ??= GpFitOptions.Default;
        var points = Column(x);
        var (xs, ys) = Validate(points, y);
        var mean = ys.Average();
        var variance = ys.Sum(v => (v - mean) * (v - mean)) / ys.Length;
        var span = xs.Max(p => p[0]) - xs.Min(p => p[0]);
        var v0 = variance > 1e-300 ? variance : 1.0;
        var l0 = span > 0 ? span : 1.0;

        if (ys.Length == 1 || variance <= 1e-300)
        {
            // Nothing to learn: a flat or single-point curve is its own smoothing.
            return Build(xs, ys, mean, new Matern52Kernel(v0 * 1e-6, l0), v0 * 1e-6)!;
        }

        var family = new GpModelFamily(
            p => new GpModel(new Matern52Kernel(v0 * Math.Exp(p[0]), l0 * Math.Exp(p[1])), v0 * Math.Exp(p[2])),
            [-10.0, -6.0, -14.0],
            [5.0, 3.0, 5.0]);
        var starts = new List<IReadOnlyList<double>>();
        if (options.WarmStart is { } warm && warm.SignalVariance > 0 && warm.LengthScale > 0 && warm.NoiseVariance > 0)
        {
            starts.Add(family.Inside([Math.Log(warm.SignalVariance / v0), Math.Log(warm.LengthScale / l0), Math.Log(warm.NoiseVariance / v0)], 0.1));
        }
        else
        {
            foreach (var logL in new[] { Math.Log(0.05), Math.Log(0.3), Math.Log(1.5) })
            {
                foreach (var logNoise in new[] { Math.Log(0.01), Math.Log(0.3) })
                {
                    starts.Add([0.0, logL, logNoise]);
                }
            }
        }

        return MarginalLikelihood.MaximizeWithMathNet(xs, ys, mean, family, starts, options.MaxIterations, options.Tolerance).Process;
    }

    /// <summary>Posterior mean m + k*ᵀ(K + σ_n²I)⁻¹(y − m) at <paramref name="x"/>.</summary>
    public double PredictMean(ReadOnlySpan<double> x)
    {
        Span<double> kStar = _x.Length <= StackLimit ? stackalloc double[_x.Length] : new double[_x.Length];
        CrossCovariance(x, kStar);
        return PriorMean + Dot(kStar, _alpha);
    }

    /// <summary>Posterior mean at the one-dimensional input <paramref name="x"/>.</summary>
    public double PredictMean(double x) => PredictMean([x]);

    /// <summary>Posterior means at one-dimensional inputs (a training curve's steps).</summary>
    public double[] PredictMeans(IReadOnlyList<double> xs)
    {
        ArgumentNullException.ThrowIfNull(xs);
        var result = new double[xs.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = PredictMean(xs[i]);
        }

        return result;
    }

    /// <summary>
    /// Posterior mean and variance of the latent function at <paramref name="x"/>: the variance is
    /// k(x, x) − ‖L⁻¹k*‖² with L the Cholesky factor of K + σ_n²I, floored at 0.
    /// </summary>
    public (double Mean, double Variance) Predict(ReadOnlySpan<double> x)
    {
        Span<double> kStar = _x.Length <= StackLimit ? stackalloc double[_x.Length] : new double[_x.Length];
        CrossCovariance(x, kStar);
        return Posterior(kStar, Kernel.Evaluate(x, x));
    }

    /// <summary>
    /// Posterior mean and variance from a precomputed cross-covariance k* (k(x, xᵢ) for every observation, in the order
    /// the process was given them, conditioned points last) and prior variance k(x, x): for callers that compute k*
    /// faster than the kernel can, for example with some coordinates fixed over many queries.
    /// </summary>
    public (double Mean, double Variance) Predict(ReadOnlySpan<double> crossCovariance, double priorVariance)
    {
        if (crossCovariance.Length != _x.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"k* has {crossCovariance.Length} entries; the process has {_x.Length} observations."), nameof(crossCovariance));
        }

        Span<double> kStar = _x.Length <= StackLimit ? stackalloc double[_x.Length] : new double[_x.Length];
        crossCovariance.CopyTo(kStar);
        return Posterior(kStar, priorVariance);
    }

    /// <summary>Mean m + k*·α and variance k(x, x) − ‖L⁻¹k*‖² (floored at 0); overwrites <paramref name="kStar"/> with L⁻¹k*.</summary>
    private (double Mean, double Variance) Posterior(Span<double> kStar, double priorVariance)
    {
        var mean = MeanFrom(kStar);
        return (mean, Math.Max(0.0, priorVariance - ForwardSolve(kStar, 0)));
    }

    /// <summary>m + k*·α for a precomputed k* (one entry per observation).</summary>
    internal double MeanFrom(ReadOnlySpan<double> kStar) => PriorMean + Dot(kStar, _alpha);

    /// <summary>
    /// Forward substitution L v = k* for rows <paramref name="from"/> … n − 1, in place: on entry v[..from) already
    /// holds L⁻¹k* for the leading rows (valid for any process this one extends, see <see cref="Condition"/>) and
    /// v[from..] holds k*; returns the sum of the new v_i².
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal double ForwardSolve(Span<double> v, int from) => ForwardSubstitution(_lower, v[.._x.Length], from);

    /// <summary>
    /// Solves L v = b in place for rows <paramref name="from"/> … n − 1 (L lower triangular, row-major n × n, n the
    /// length of <paramref name="v"/>; rows before <paramref name="from"/> already solved) and returns the sum of the
    /// new v_i².
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double ForwardSubstitution(double[] lower, Span<double> v, int from)
    {
        var n = v.Length;
        var quad = 0.0;
        for (var i = from; i < n; i++)
        {
            var s = v[i];
            var row = i * n;
            for (var j = 0; j < i; j++)
            {
                s -= lower[row + j] * v[j];
            }

            v[i] = s / lower[row + i];
            quad += v[i] * v[i];
        }

        return quad;
    }

    /// <summary>Posterior mean and variance at the one-dimensional input <paramref name="x"/>.</summary>
    public (double Mean, double Variance) Predict(double x) => Predict([x]);

    /// <summary>
    /// This process with more observations (same kernel, noise and prior mean), in O(n²) per added point: the Cholesky
    /// factor grows by a row per point instead of being recomputed. Used for batch selection: observing points at their
    /// posterior mean leaves the mean unchanged and shrinks the variance around them (GP-BUCB, Desautels, Krause and
    /// Burdick 2014).
    /// </summary>
    public GaussianProcess Condition(IReadOnlyList<double[]> points, IReadOnlyList<double> y)
    {
        var (xs, ys) = Validate(points, y);
        if (xs[0].Length != Dimensions)
        {
            throw new ArgumentException($"Points have {xs[0].Length} coordinates; the process has {Dimensions}.", nameof(points));
        }

        double[][] x = [.. _x, .. xs];
        double[] all = [.. _y, .. ys];
        var n = _x.Length;
        var m = x.Length;
        var jitter = 1e-10 * Kernel.Variance;
        var lower = new double[m * m];
        for (var i = 0; i < n; i++)
        {
            Array.Copy(_lower, i * n, lower, i * m, i + 1);
        }

        if (!FactorRows(x, Kernel, NoiseVariance + jitter, lower, n))
        {
            throw new InvalidOperationException("The covariance matrix is not positive definite after adding the points.");
        }

        // α = L⁻ᵀL⁻¹(y − m); log|K| = 2 Σ log L_ii.
        var alpha = all.Select(v => v - PriorMean).ToArray();
        var fit = -0.5 * ForwardSubstitution(lower, alpha, 0);
        var logDeterminant = 0.0;
        for (var i = m - 1; i >= 0; i--)
        {
            var s = alpha[i];
            for (var k = i + 1; k < m; k++)
            {
                s -= lower[(k * m) + i] * alpha[k];
            }

            alpha[i] = s / lower[(i * m) + i];
            logDeterminant += 2.0 * Math.Log(lower[(i * m) + i]);
        }

        var lml = fit - (0.5 * logDeterminant) - (0.5 * m * Math.Log(2.0 * Math.PI));
        return new GaussianProcess(x, all, PriorMean, Kernel, NoiseVariance, lower, alpha, lml);
    }

    /// <summary>Σ a_i b_i, in index order (the order MathNet's dot product uses, so FIRE's means are unchanged).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CrossCovariance(ReadOnlySpan<double> x, Span<double> k)
    {
        if (x.Length != Dimensions)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The query has {x.Length} coordinates; the process has {Dimensions}."), nameof(x));
        }

        for (var i = 0; i < k.Length; i++)
        {
            k[i] = Kernel.Evaluate(x, _x[i]);
        }
    }

    /// <summary>
    /// log p(y | X) for a kernel and noise without building a process (the objective of a likelihood search): K + σ_n²I
    /// (plus jitter) = LLᵀ, then −½‖L⁻¹(y − m)‖² − Σ log L_ii − (n/2) log 2π. NaN when not positive definite.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double LogLikelihood(double[][] x, double[] y, double priorMean, IKernel kernel, double noiseVariance)
    {
        var n = x.Length;
        var lower = new double[n * n];
        if (!FactorRows(x, kernel, noiseVariance + (1e-10 * kernel.Variance), lower, 0))
        {
            return double.NaN;
        }

        var z = y.Select(v => v - priorMean).ToArray();
        var fit = ForwardSubstitution(lower, z, 0);
        var logDeterminant = 0.0;
        for (var i = 0; i < n; i++)
        {
            logDeterminant += Math.Log(lower[(i * n) + i]);
        }

        return (-0.5 * fit) - logDeterminant - (0.5 * n * Math.Log(2.0 * Math.PI));
    }

    /// <summary>
    /// Cholesky rows <paramref name="from"/> … n − 1 of K + dI (K from <paramref name="kernel"/> over
    /// <paramref name="x"/>), row-major n × n in <paramref name="lower"/>, whose rows before <paramref name="from"/> are
    /// already the factor of the leading block. False when a pivot is not positive.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool FactorRows(double[][] x, IKernel kernel, double diagonal, double[] lower, int from)
    {
        var n = x.Length;
        for (var i = from; i < n; i++)
        {
            var row = i * n;
            var sum = 0.0;
            for (var j = 0; j < i; j++)
            {
                var s = kernel.Evaluate(x[i], x[j]);
                var other = j * n;
                for (var k = 0; k < j; k++)
                {
                    s -= lower[row + k] * lower[other + k];
                }

                lower[row + j] = s / lower[other + j];
                sum += lower[row + j] * lower[row + j];
            }

            var d = kernel.Evaluate(x[i], x[i]) + diagonal - sum;
            if (!(d > 0))
            {
                return false;
            }

            lower[row + i] = Math.Sqrt(d);
        }

        return true;
    }

    /// <summary>Factorises K + σ_n²I (plus jitter); null when it is not numerically positive definite.</summary>
    internal static GaussianProcess? Build(double[][] x, double[] y, double priorMean, IKernel kernel, double noiseVariance)
    {
        var n = x.Length;
        // A tiny jitter keeps noiseless fits numerically positive definite.
        var jitter = 1e-10 * kernel.Variance;
        var values = new double[n * n];
        for (var j = 0; j < n; j++)
        {
            for (var i = j; i < n; i++)
            {
                var k = kernel.Evaluate(x[i], x[j]) + (i == j ? noiseVariance + jitter : 0.0);
                values[(j * n) + i] = k;
                values[(i * n) + j] = k;
            }
        }

        Cholesky<double> cholesky;
        try
        {
            cholesky = Matrix<double>.Build.Dense(n, n, values).Cholesky();
        }
        catch (ArgumentException)
        {
            return null;
        }

        var centred = Vector<double>.Build.Dense(n, i => y[i] - priorMean);
        var alpha = cholesky.Solve(centred);
        var lml = (-0.5 * centred.DotProduct(alpha)) - (0.5 * cholesky.DeterminantLn) - (0.5 * n * Math.Log(2.0 * Math.PI));
        return new GaussianProcess(x, y, priorMean, kernel, noiseVariance, cholesky.Factor.ToRowMajorArray(), alpha.ToArray(), lml);
    }

    /// <summary>Copies and checks the data: equal counts, at least one point, one dimension for all, finite values.</summary>
    internal static (double[][] X, double[] Y) Validate(IReadOnlyList<double[]> points, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(y);
        if (points.Count != y.Count)
        {
            throw new ArgumentException($"x has {points.Count} points but y has {y.Count}.", nameof(y));
        }

        if (points.Count == 0)
        {
            throw new ArgumentException("At least one point is needed.", nameof(points));
        }

        var d = points[0]?.Length ?? 0;
        var xs = new double[points.Count][];
        var ys = y.ToArray();
        for (var i = 0; i < xs.Length; i++)
        {
            var p = points[i];
            if (p is null || p.Length != d || d == 0)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Point {i} has {p?.Length ?? 0} coordinates; expected {d} (> 0)."), nameof(points));
            }

            if (!p.All(double.IsFinite) || !double.IsFinite(ys[i]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Point {i} ({string.Join(", ", p)}; {ys[i]}) is not finite."), nameof(y));
            }

            xs[i] = (double[])p.Clone();
        }

        return (xs, ys);
    }

    private static double[][] Column(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Select(v => new[] { v }).ToArray();
    }
}
