using System.Globalization;
using System.Numerics.Tensors;
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
    private readonly TriangularFactor _lower;
    private readonly double[] _alpha;

    /// <param name="lower">L, the Cholesky factor of K + σ_n²I (plus jitter): its first n rows.</param>
    /// <param name="alpha">(K + σ_n²I)⁻¹(y − m).</param>
    private GaussianProcess(double[][] x, double[] y, double priorMean, IKernel kernel, double noiseVariance, TriangularFactor lower, double[] alpha, double logMarginalLikelihood)
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
        return Factorize(xs, ys, priorMean, kernel, noiseVariance);
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

        return Posterior(crossCovariance, priorVariance);
    }

    /// <summary>Mean m + k*·α and variance k(x, x) − ‖L⁻¹k*‖² (floored at 0).</summary>
    private (double Mean, double Variance) Posterior(ReadOnlySpan<double> kStar, double priorVariance)
    {
        Span<double> w = _x.Length <= StackLimit ? stackalloc double[_x.Length] : new double[_x.Length];
        return (MeanFrom(kStar), Math.Max(0.0, priorVariance - Whiten(kStar, w, 0)));
    }

    /// <summary>m + k*·α for a precomputed k* (one entry per observation; a vectorised dot product).</summary>
    internal double MeanFrom(ReadOnlySpan<double> kStar) => PriorMean + KernelMath.Dot(kStar, _alpha);

    /// <summary>
    /// w = L⁻¹k* for rows <paramref name="from"/> … n − 1 (n observations), with <paramref name="w"/>'s leading rows
    /// already holding L⁻¹k* (valid for any process this one extends, see <see cref="Condition"/>); returns the sum of
    /// the new w_i², so that the posterior variance is k(x, x) minus the sum over all rows. With the inverse factor (kept
    /// by every process this class factorises itself) the rows are independent dot products; otherwise (MathNet's
    /// factor) a forward substitution. <paramref name="kStar"/> and <paramref name="w"/> must not overlap.
    /// </summary>
    internal double Whiten(ReadOnlySpan<double> kStar, Span<double> w, int from)
    {
        var n = _x.Length;
        if (_lower.Inverse is { } inverse)
        {
            return KernelMath.LowerTriangularRows(inverse, _lower.Stride, kStar[..n], w, from, n);
        }

        kStar[from..n].CopyTo(w[from..n]);
        return ForwardSubstitution(_lower.Data, _lower.Stride, w[..n], from);
    }

    /// <summary>
    /// Solves L v = b in place for rows <paramref name="from"/> … n − 1 (L lower triangular, stored by rows
    /// <paramref name="stride"/> apart, n the length of <paramref name="v"/>; rows before <paramref name="from"/> already
    /// solved) and returns the sum of the new v_i². Each row's sum over the solved prefix is a vectorised dot product
    /// (<see cref="KernelMath.Dot"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double ForwardSubstitution(double[] lower, int stride, Span<double> v, int from)
    {
        var quad = 0.0;
        for (var i = from; i < v.Length; i++)
        {
            var row = i * stride;
            v[i] = (v[i] - KernelMath.Dot(new ReadOnlySpan<double>(lower, row, i), v[..i])) / lower[row + i];
            quad += v[i] * v[i];
        }

        return quad;
    }

    /// <summary>Solves Lᵀ v = b in place (L as in <see cref="ForwardSubstitution"/>); returns Σ 2 log L_ii = log |LLᵀ|.</summary>
    private static double BackSubstitution(double[] lower, int stride, Span<double> v)
    {
        var logDeterminant = 0.0;
        for (var i = v.Length - 1; i >= 0; i--)
        {
            var s = v[i];
            for (var k = i + 1; k < v.Length; k++)
            {
                s -= lower[(k * stride) + i] * v[k];
            }

            v[i] = s / lower[(i * stride) + i];
            logDeterminant += 2.0 * Math.Log(lower[(i * stride) + i]);
        }

        return logDeterminant;
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
        var (x, all, lower) = Extend(points, y);
        var m = x.Length;

        // α = L⁻ᵀL⁻¹(y − m); log|K| = 2 Σ log L_ii.
        var alpha = all.Select(v => v - PriorMean).ToArray();
        var fit = -0.5 * ForwardSubstitution(lower.Data, lower.Stride, alpha, 0);
        var logDeterminant = BackSubstitution(lower.Data, lower.Stride, alpha);
        var lml = fit - (0.5 * logDeterminant) - (0.5 * m * Math.Log(2.0 * Math.PI));
        return new GaussianProcess(x, all, PriorMean, Kernel, NoiseVariance, lower, alpha, lml);
    }

    /// <summary>
    /// This process with observations at <paramref name="points"/> equal to its own posterior mean there — GP-BUCB's
    /// "hallucinated" observations (Desautels, Krause and Burdick 2014): the mean is unchanged everywhere and the
    /// variance shrinks around the points. As <see cref="Condition"/> with y = the posterior mean, in O(n²) per point
    /// and without a new solve for α: (K + σ_n²I)⁻¹ applied to (y, μ(points)) is (α, 0), since the new rows of the
    /// covariance times (α, 0) are exactly the posterior means.
    /// </summary>
    public GaussianProcess ConditionOnMean(IReadOnlyList<double[]> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var means = new double[points.Count];
        for (var i = 0; i < means.Length; i++)
        {
            means[i] = points[i] is { } p && p.Length == Dimensions ? PredictMean(p) : 0.0;
        }

        var (x, all, lower) = Extend(points, means);
        var n = _x.Length;
        var m = x.Length;
        var alpha = new double[m];
        _alpha.CopyTo(alpha, 0);

        // (y, μ)ᵀ(α, 0) = yᵀα: the data term is unchanged; the determinant gains the new pivots.
        var lml = LogMarginalLikelihood - (0.5 * (m - n) * Math.Log(2.0 * Math.PI));
        for (var i = n; i < m; i++)
        {
            lml -= Math.Log(lower.Data[(i * lower.Stride) + i]);
        }

        return new GaussianProcess(x, all, PriorMean, Kernel, NoiseVariance, lower, alpha, lml);
    }

    /// <summary>The inputs, observations and Cholesky factor of this process with <paramref name="points"/> added (factor rows appended in O(n²) each).</summary>
    private (double[][] X, double[] Y, TriangularFactor Lower) Extend(IReadOnlyList<double[]> points, IReadOnlyList<double> y)
    {
        var (xs, ys) = Validate(points, y);
        if (xs[0].Length != Dimensions)
        {
            throw new ArgumentException($"Points have {xs[0].Length} coordinates; the process has {Dimensions}.", nameof(points));
        }

        double[][] x = [.. _x, .. xs];
        var lower = _lower.ForExtension(_x.Length, x.Length);
        if (!FactorRows(x, Kernel, NoiseVariance + (1e-10 * Kernel.Variance), lower.Data, lower.Stride, _x.Length))
        {
            throw new InvalidOperationException("The covariance matrix is not positive definite after adding the points.");
        }

        lower.InvertRows(_x.Length, x.Length);

        return (x, [.. _y, .. ys], lower);
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
        var covariance = new double[n * n];
        var diagonal = noiseVariance + (1e-10 * kernel.Variance);
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                covariance[(i * n) + j] = kernel.Evaluate(x[i], x[j]) + (i == j ? diagonal : 0.0);
            }
        }

        return LogLikelihood(covariance, y, priorMean);
    }

    /// <summary>
    /// log p(y | X) from the covariance K + σ_n²I (plus jitter), given as the lower triangle (diagonal included) of a
    /// row-major n × n matrix that is factorised in place: −½‖L⁻¹(y − m)‖² − Σ log L_ii − (n/2) log 2π. NaN when not
    /// positive definite. For callers that build K faster than a kernel evaluates it pair by pair.
    /// </summary>
    internal static double LogLikelihood(double[] covariance, ReadOnlySpan<double> y, double priorMean)
    {
        var n = y.Length;
        if (!Cholesky(covariance, n, n, 0))
        {
            return double.NaN;
        }

        Span<double> z = n <= StackLimit ? stackalloc double[n] : new double[n];
        for (var i = 0; i < n; i++)
        {
            z[i] = y[i] - priorMean;
        }

        var fit = ForwardSubstitution(covariance, n, z, 0);
        var logDeterminant = 0.0;
        for (var i = 0; i < n; i++)
        {
            logDeterminant += Math.Log(covariance[(i * n) + i]);
        }

        return (-0.5 * fit) - logDeterminant - (0.5 * n * Math.Log(2.0 * Math.PI));
    }

    /// <summary>
    /// Cholesky rows <paramref name="from"/> … n − 1 of K + dI (K from <paramref name="kernel"/> over
    /// <paramref name="x"/>, n its length) into <paramref name="lower"/> (rows <paramref name="stride"/> apart), whose
    /// rows before <paramref name="from"/> are already the factor of the leading block. False when a pivot is not positive.
    /// </summary>
    private static bool FactorRows(double[][] x, IKernel kernel, double diagonal, double[] lower, int stride, int from)
    {
        for (var i = from; i < x.Length; i++)
        {
            var row = i * stride;
            for (var j = 0; j <= i; j++)
            {
                lower[row + j] = kernel.Evaluate(x[i], x[j]) + (i == j ? diagonal : 0.0);
            }
        }

        return Cholesky(lower, x.Length, stride, from);
    }

    /// <summary>
    /// The Cholesky factorisation A = LLᵀ in place, rows <paramref name="from"/> … n − 1: on entry those rows of
    /// <paramref name="a"/> (stored <paramref name="stride"/> apart, zeros above the diagonal) hold A's lower triangle
    /// and the rows before hold L already; on exit they hold L. Column by column (left-looking): the pivot L_jj, then
    /// L_ij = (A_ij − L_i,:j · L_j,:j) / L_jj for every row i after it, four rows at a time (<see cref="KernelMath.Dot4"/>:
    /// the rows of one column are independent). False when a pivot is not positive.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Cholesky(double[] a, int n, int stride, int from)
    {
        for (var j = 0; j < n; j++)
        {
            var pivotRow = j * stride;
            var prefix = new ReadOnlySpan<double>(a, pivotRow, j);
            if (j >= from)
            {
                var d = a[pivotRow + j] - KernelMath.Dot(prefix, prefix);
                if (!(d > 0))
                {
                    return false;
                }

                a[pivotRow + j] = Math.Sqrt(d);
            }

            var pivot = a[pivotRow + j];
            ref var x = ref a[pivotRow];
            var i = Math.Max(from, j + 1);
            for (; i + 3 < n; i += 4)
            {
                var (s0, s1, s2, s3) = KernelMath.Dot4(a, i * stride, stride, ref x, j);
                var row = (i * stride) + j;
                a[row] = (a[row] - s0) / pivot;
                a[row + stride] = (a[row + stride] - s1) / pivot;
                a[row + (2 * stride)] = (a[row + (2 * stride)] - s2) / pivot;
                a[row + (3 * stride)] = (a[row + (3 * stride)] - s3) / pivot;
            }

            for (; i < n; i++)
            {
                var row = i * stride;
                a[row + j] = (a[row + j] - KernelMath.Dot(new ReadOnlySpan<double>(a, row, j), prefix)) / pivot;
            }
        }

        return true;
    }

    /// <summary>
    /// Factorises K + σ_n²I (plus jitter) with this class's own Cholesky, leaving room for later rows (see
    /// <see cref="TriangularFactor"/>); null when it is not numerically positive definite.
    /// </summary>
    private static GaussianProcess? Factorize(double[][] x, double[] y, double priorMean, IKernel kernel, double noiseVariance)
    {
        var n = x.Length;
        var lower = new TriangularFactor(n + 16, n);
        if (!FactorRows(x, kernel, noiseVariance + (1e-10 * kernel.Variance), lower.Data, lower.Stride, 0))
        {
            return null;
        }

        lower.InvertRows(0, n);

        var alpha = y.Select(v => v - priorMean).ToArray();
        var fit = -0.5 * ForwardSubstitution(lower.Data, lower.Stride, alpha, 0);
        var logDeterminant = BackSubstitution(lower.Data, lower.Stride, alpha);
        var lml = fit - (0.5 * logDeterminant) - (0.5 * n * Math.Log(2.0 * Math.PI));
        return new GaussianProcess(x, y, priorMean, kernel, noiseVariance, lower, alpha, lml);
    }

    /// <summary>
    /// Factorises K + σ_n²I (plus jitter) with MathNet's Cholesky; null when it is not numerically positive definite.
    /// FIRE's curve smoothing (<see cref="FitEmpiricalBayes"/>) has always used it and keeps it, so that its results stay
    /// the same to the bit; everything else uses <see cref="Factorize"/>.
    /// </summary>
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
        return new GaussianProcess(x, y, priorMean, kernel, noiseVariance, new TriangularFactor(cholesky.Factor.ToRowMajorArray(), n), alpha.ToArray(), lml);
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

    /// <summary>
    /// The rows of a Cholesky factor L, row i at <see cref="Data"/>[i·<see cref="Stride"/>…], zeros above the diagonal,
    /// with room for more rows, and (when this class factorised it) the same rows of L⁻¹ in <see cref="Inverse"/>: the
    /// processes that <see cref="Condition"/> and <see cref="ConditionOnMean"/> derive one from another share one store,
    /// each reading only its own first rows, and a process may write its extension's rows in place only while no other
    /// extension has claimed them (<see cref="ForExtension"/>), so every process sees its factor unchanged.
    /// </summary>
    private sealed class TriangularFactor
    {
        private int _claimed;

        /// <summary>Empty storage (with an inverse) for up to <paramref name="capacity"/> rows, <paramref name="rows"/> of them about to be written.</summary>
        public TriangularFactor(int capacity, int rows)
            : this(new double[capacity * capacity], new double[capacity * capacity], capacity, rows)
        {
        }

        /// <summary>Storage holding <paramref name="rows"/> rows of a square factor (row-major, no room to grow, no inverse).</summary>
        public TriangularFactor(double[] square, int rows)
            : this(square, null, rows, rows)
        {
        }

        private TriangularFactor(double[] data, double[]? inverse, int stride, int claimed)
        {
            Data = data;
            Inverse = inverse;
            Stride = stride;
            _claimed = claimed;
        }

        public double[] Data { get; }

        /// <summary>L⁻¹ in the same layout; null for a factor from MathNet (<see cref="Build"/>).</summary>
        public double[]? Inverse { get; }

        public int Stride { get; }

        /// <summary>
        /// Storage in which a process with <paramref name="rows"/> rows may write rows up to <paramref name="total"/>:
        /// this one when it has room and no other extension has claimed the rows after <paramref name="rows"/>, otherwise
        /// a copy of the first <paramref name="rows"/> rows with room to grow.
        /// </summary>
        public TriangularFactor ForExtension(int rows, int total)
        {
            if (total <= Stride && Interlocked.CompareExchange(ref _claimed, total, rows) == rows)
            {
                return this;
            }

            var capacity = total + Math.Max(16, total / 2);
            var copy = new TriangularFactor(new double[capacity * capacity], Inverse is null ? null : new double[capacity * capacity], capacity, total);
            for (var i = 0; i < rows; i++)
            {
                Array.Copy(Data, i * Stride, copy.Data, i * copy.Stride, i + 1);
                if (Inverse is not null)
                {
                    Array.Copy(Inverse, i * Stride, copy.Inverse!, i * copy.Stride, i + 1);
                }
            }

            return copy;
        }

        /// <summary>
        /// Rows <paramref name="from"/> … <paramref name="to"/> − 1 of L⁻¹ (no-op without an inverse), from the rows
        /// before: (L⁻¹)_rr = 1/L_rr and (L⁻¹)_rj = −(1/L_rr) Σ_{j ≤ k &lt; r} L_rk (L⁻¹)_kj, accumulated row by row of L⁻¹.
        /// </summary>
        public void InvertRows(int from, int to)
        {
            if (Inverse is not { } inverse)
            {
                return;
            }

            for (var r = from; r < to; r++)
            {
                var row = inverse.AsSpan(r * Stride, r);
                row.Clear();
                for (var k = 0; k < r; k++)
                {
                    var l = Data[(r * Stride) + k];
                    if (l != 0)
                    {
                        var prefix = row[..(k + 1)];
                        TensorPrimitives.MultiplyAdd(inverse.AsSpan(k * Stride, k + 1), l, prefix, prefix);
                    }
                }

                var d = 1.0 / Data[(r * Stride) + r];
                TensorPrimitives.Multiply(row, -d, row);
                inverse[(r * Stride) + r] = d;
            }
        }
    }
}
