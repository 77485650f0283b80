using Cohort.Core.Randomness;
using Cohort.Core.Trainables;

namespace Cohort.Training.Synthetic;

/// <summary>
/// Builds <see cref="SyntheticTrainable"/> members of one problem: D dimensions, evaluation noise σ and a hidden optimum
/// h*_i = 0.1 + 0.8·U_i drawn from the problem seed given to the constructor (the same for every member; the member seed is not used,
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

    /// <summary><see cref="Declare"/> for this problem's dimensions.</summary>
    public TrainableDeclaration Declaration => Declare(Dimensions);

    public bool HasTestSet => false;

    public ITrainable Create(ulong seed) => new SyntheticTrainable(_optimum, Noise, _noiseSeed);

    /// <summary><c>h0</c> … <c>h{D−1}</c> in [0, 1], each required, and <c>lr</c> in [0, 1]; metrics <c>score</c> and <c>true_score</c>.</summary>
    public static TrainableDeclaration Declare(int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        var hyperparameters = Enumerable.Range(0, dimensions)
            .Select(i => HyperparameterDeclaration.Real(SyntheticTrainable.Name(i), ValueRange.Closed(0, 1), "coordinate i of the hyperparameters; the optimum h*_i lies in [0.1, 0.9]") with { Required = true })
            .Append(HyperparameterDeclaration.Real("lr", ValueRange.Closed(0, 1), "step size α (default 0.01)"));
        return new TrainableDeclaration("synthetic", hyperparameters, s_metrics);
    }
}
