using Cohort.Core.Randomness;
using Cohort.Core.Trainables;

namespace Cohort.Training.Synthetic;

/// <summary>
/// Builds <see cref="SyntheticTrainable"/> members of one problem: D dimensions, evaluation noise σ and a hidden optimum
/// h*_i = 0.1 + 0.8·U_i drawn from <paramref name="problemSeed"/> (the same for every member; the member seed is not used,
/// every member starts at x = 1).
/// </summary>
public sealed class SyntheticTrainableFactory : ITrainableFactory
{
    private static readonly string[] s_metrics = [SyntheticTrainable.MetricScore, SyntheticTrainable.MetricTrueScore];
    private readonly double[] _optimum;
    private readonly ulong _noiseSeed;

    public SyntheticTrainableFactory(int dimensions, double noise, ulong problemSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        if (!(noise >= 0) || !double.IsFinite(noise))
        {
            throw new ArgumentOutOfRangeException(nameof(noise), noise, "The noise must be a finite standard deviation >= 0.");
        }

        Dimensions = dimensions;
        Noise = noise;
        var rng = new Rng(Seeds.Derive(problemSeed, Seeds.Purpose("synthetic-optimum")));
        _optimum = Enumerable.Range(0, dimensions).Select(_ => 0.1 + (0.8 * rng.NextDouble())).ToArray();
        _noiseSeed = Seeds.Derive(problemSeed, Seeds.Purpose("synthetic-noise"));
    }

    public int Dimensions { get; }

    public double Noise { get; }

    /// <summary>h*, the hidden optimum.</summary>
    public IReadOnlyList<double> Optimum => _optimum;

    public IReadOnlyList<string> Metrics => s_metrics;

    public bool HasTestSet => false;

    public ITrainable Create(ulong seed) => new SyntheticTrainable(_optimum, Noise, _noiseSeed);
}
