using Cohort.Core.GaussianProcesses;
using Cohort.Core.Hyperparameters;

namespace Cohort.Core.Pb2;

/// <summary>
/// What PB2 decides one explore with (<see cref="Pb2Explore.Surrogate"/>): the time-varying GP of standardised reward
/// changes at the member's time t, its variance after the batch's pending choices are added at their posterior mean
/// (GP-BUCB), β_t, and the categorical bandit's probabilities. Reports draw the acquisition surface from it.
/// </summary>
public sealed class Pb2Surrogate
{
    private readonly Pb2Encoding _encoding;
    private readonly GaussianProcess? _mean;
    private readonly GaussianProcess? _variance;
    private readonly double _priorVariance;
    private readonly double[][] _categoryProbabilities;

    internal Pb2Surrogate(
        Pb2Encoding encoding,
        double time,
        GaussianProcess? mean,
        GaussianProcess? variance,
        double priorVariance,
        double beta,
        int observations,
        double[][] categoryProbabilities)
    {
        _encoding = encoding;
        _mean = mean;
        _variance = variance;
        _priorVariance = priorVariance;
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

    /// <summary>The fitted kernel (null before any observation: the prior's defaults).</summary>
    public IKernel? Kernel => _mean?.Kernel;

    /// <summary>The names of the hyperparameters the GP models as continuous coordinates, in order.</summary>
    public IReadOnlyList<string> ContinuousParameters => _encoding.Continuous.Select(p => p.Name).ToArray();

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
        ArgumentNullException.ThrowIfNull(h);
        var point = _encoding.Encode(h, Time) ?? throw new ArgumentException($"{h} is not a point of the search space.", nameof(h));
        return Predict(point);
    }

    /// <summary>The acquisition μ + √β_t σ at <paramref name="h"/> (upper confidence bound, standardised units).</summary>
    public double Acquisition(HyperparameterSet h)
    {
        var (mean, sd) = Predict(h);
        return mean + (Math.Sqrt(Beta) * sd);
    }

    internal double Acquisition(ReadOnlySpan<double> point)
    {
        var (mean, sd) = Predict(point);
        return mean + (Math.Sqrt(Beta) * sd);
    }

    internal (double Mean, double StandardDeviation) Predict(ReadOnlySpan<double> point)
    {
        var mean = _mean?.PredictMean(point) ?? 0.0;
        var variance = _variance?.Predict(point).Variance ?? _priorVariance;
        return (mean, Math.Sqrt(variance));
    }

    internal Pb2Encoding Encoding => _encoding;

    internal double[] CategoryProbabilities(int index) => _categoryProbabilities[index];
}
