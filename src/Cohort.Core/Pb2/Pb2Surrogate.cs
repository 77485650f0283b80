using System.Runtime.CompilerServices;
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
        return AcquisitionAt(point).Evaluate(point.AsSpan(1, _encoding.Continuous.Length).ToArray());
    }

    internal double[] CategoryProbabilities(int index) => _categoryProbabilities[index];

    /// <summary>The acquisition as a function of the continuous coordinates u, with the time and categorical coordinates of <paramref name="point"/> fixed.</summary>
    internal Pb2Acquisition AcquisitionAt(double[] point) =>
        new(_process, _points, Pb2Kernel.Of(_model.Kernel, _encoding.Continuous.Length), point, Beta);

    /// <summary>
    /// The acquisition at every candidate of <paramref name="pool"/> (its time and categories fixed). The pool keeps
    /// each candidate's k* and L⁻¹k* from earlier calls in the same round, so only the rows of choices added since are
    /// computed. Null when there is no process yet (the prior: every candidate scores the same).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal double[]? Acquisition(CandidatePool pool)
    {
        if (_process is not { } process)
        {
            return null;
        }

        var kernel = Pb2Kernel.Of(_model.Kernel, _encoding.Continuous.Length);
        var root = Math.Sqrt(Beta);
        var values = new double[pool.Count];
        var logWeights = new double[_points.Length];
        for (var i = pool.Solved; i < _points.Length; i++)
        {
            logWeights[i] = kernel.LogWeight(pool.Point, _points[i]);
        }

        for (var c = 0; c < pool.Count; c++)
        {
            var (k, v) = pool.Rows(c, _points.Length);
            for (var i = pool.Solved; i < _points.Length; i++)
            {
                k[i] = kernel.Covariance(pool.Candidate(c), logWeights[i], _points[i]);
            }

            pool.AddQuad(c, process.Whiten(k.AsSpan(0, _points.Length), v, pool.Solved));
            var variance = Math.Max(0.0, kernel.Signal - pool.Quad(c));
            values[c] = process.MeanFrom(k.AsSpan(0, _points.Length)) + (root * Math.Sqrt(variance));
        }

        pool.Solved = _points.Length;
        return values;
    }

    private double[] Encode(HyperparameterSet h)
    {
        ArgumentNullException.ThrowIfNull(h);
        return _encoding.Encode(h, Time) ?? throw new ArgumentException($"{h} is not a point of the search space.", nameof(h));
    }
}
