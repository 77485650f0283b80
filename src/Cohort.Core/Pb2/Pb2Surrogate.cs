using Cohort.Core.GaussianProcesses;
using Cohort.Core.Hyperparameters;

namespace Cohort.Core.Pb2;

/// <summary>
/// What PB2 decides one explore with (<see cref="Pb2Explore.Surrogate"/>): the time-varying GP of standardised reward
/// changes at the member's time t after the batch's pending choices are added at their posterior mean (GP-BUCB: the
/// mean is that of the data alone, the variance shrinks around the pending choices), β_t, and the categorical bandit's
/// probabilities. Reports draw the acquisition surface from it.
/// </summary>
public sealed class Pb2Surrogate
{
    private readonly Pb2Encoding _encoding;
    private readonly GaussianProcess? _process;
    private readonly double[][] _points;
    private readonly GpModel _model;
    private readonly double[][] _categoryProbabilities;

    /// <param name="points">The process's inputs in its order (data, then pending choices).</param>
    internal Pb2Surrogate(
        Pb2Encoding encoding,
        double time,
        GpModel model,
        GaussianProcess? process,
        double[][] points,
        double beta,
        int observations,
        double[][] categoryProbabilities)
    {
        _encoding = encoding;
        _model = model;
        _process = process;
        _points = points;
        _categoryProbabilities = categoryProbabilities;
        Time = time;
        Beta = beta;
        Observations = observations;
    }

    /// <summary>t of the decision, in ready intervals (the longest task of the run).</summary>
    public double Time { get; }

    /// <summary>β_t: the acquisition is μ + √β_t σ.</summary>
    public double Beta { get; }

    /// <summary>The number of observations the GP was conditioned on (pending choices not counted).</summary>
    public int Observations { get; }

    /// <summary>The kernel (fitted, or the defaults before there is data to fit).</summary>
    public IKernel Kernel => _model.Kernel;

    /// <summary>The names of the hyperparameters the GP models as continuous coordinates, in order.</summary>
    public IReadOnlyList<string> ContinuousParameters => _encoding.Continuous.Select(p => p.Name).ToArray();

    internal Pb2Encoding Encoding => _encoding;

    /// <summary>The bandit's probability of each choice of categorical <paramref name="name"/> (choices in declaration order).</summary>
    public IReadOnlyList<double> CategoryProbabilities(string name)
    {
        for (var j = 0; j < _encoding.Categorical.Length; j++)
        {
            if (string.Equals(_encoding.Categorical[j].Name, name, StringComparison.Ordinal))
            {
                return _categoryProbabilities[j];
            }
        }

        throw new KeyNotFoundException($"'{name}' is not a categorical hyperparameter PB2 chooses.");
    }

    /// <summary>Posterior mean and standard deviation of the standardised reward change of <paramref name="h"/> at <see cref="Time"/>.</summary>
    public (double Mean, double StandardDeviation) Predict(HyperparameterSet h)
    {
        var (mean, variance) = _process?.Predict(Encode(h)) ?? (0.0, _model.Kernel.Variance);
        return (mean, Math.Sqrt(variance));
    }

    /// <summary>The acquisition μ + √β_t σ at <paramref name="h"/> (upper confidence bound, standardised units).</summary>
    public double Acquisition(HyperparameterSet h)
    {
        var point = Encode(h);
        return AcquisitionAt(point)(point.AsSpan(1, _encoding.Continuous.Length).ToArray());
    }

    internal double[] CategoryProbabilities(int index) => _categoryProbabilities[index];

    /// <summary>
    /// The acquisition as a function of the continuous coordinates u, with the time and categorical coordinates of
    /// <paramref name="point"/> fixed. The kernel factors that do not depend on u — (1 − ε)^{|t − tᵢ|/2} and the
    /// categorical overlap — are computed once per observation, so each evaluation costs one exponential per
    /// observation plus the triangular solve.
    /// </summary>
    internal Func<double[], double> AcquisitionAt(double[] point)
    {
        var root = Math.Sqrt(Beta);
        if (_process is null)
        {
            var prior = root * Math.Sqrt(_model.Kernel.Variance);
            return _ => prior;
        }

        if (_model.Kernel is not TimeVaryingKernel { Inner: var inner } time
            || (inner is OverlapKernel overlap ? overlap.Continuous : inner) is not SquaredExponentialKernel se)
        {
            return u =>
            {
                var z = (double[])point.Clone();
                u.CopyTo(z, 1);
                var (mean, variance) = _process.Predict(z);
                return mean + (root * Math.Sqrt(variance));
            };
        }

        var p = _encoding.Continuous.Length;
        var n = _points.Length;
        var categoricalScale = inner is OverlapKernel o ? -0.5 / (o.CategoricalLengthScale * o.CategoricalLengthScale) : 0.0;
        var halfLogDecay = 0.5 * Math.Log(1.0 - time.Epsilon);
        var exponentScale = -0.5 / (se.LengthScale * se.LengthScale);
        var signal = se.SignalVariance;
        var weights = new double[n];
        var coordinates = new double[n * p];
        for (var i = 0; i < n; i++)
        {
            var x = _points[i];
            var mismatches = 0;
            for (var j = 1 + p; j < x.Length; j++)
            {
                mismatches += x[j] != point[j] ? 1 : 0;
            }

            weights[i] = signal * Math.Exp((halfLogDecay * Math.Abs(point[0] - x[0])) + (categoricalScale * mismatches));
            Array.Copy(x, 1, coordinates, i * p, p);
        }

        var kStar = new double[n];
        return u =>
        {
            for (var i = 0; i < n; i++)
            {
                var d2 = 0.0;
                for (var k = 0; k < p; k++)
                {
                    var d = u[k] - coordinates[(i * p) + k];
                    d2 += d * d;
                }

                kStar[i] = weights[i] * Math.Exp(exponentScale * d2);
            }

            var (mean, variance) = _process.Predict(kStar, signal);
            return mean + (root * Math.Sqrt(variance));
        };
    }

    private double[] Encode(HyperparameterSet h)
    {
        ArgumentNullException.ThrowIfNull(h);
        return _encoding.Encode(h, Time) ?? throw new ArgumentException($"{h} is not a point of the search space.", nameof(h));
    }
}
