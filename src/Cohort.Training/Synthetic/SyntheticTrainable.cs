using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Trainables;

namespace Cohort.Training.Synthetic;

/// <summary>
/// A cheap separable problem with many hyperparameters, to test paper 004's claim that crossover helps as the number of
/// hyperparameters grows ("Recombination of Artificial Neural Networks", sec. 3.1).
/// <para>State: x ∈ ℝ^D, x_i = 1 at step 0. Hyperparameters h_0 … h_{D−1} ∈ [0, 1] (named <c>h0</c> … <c>h{D−1}</c>)
/// and <c>lr</c> (α, default <see cref="DefaultLearningRate"/>). One step shrinks each coordinate independently:
/// x_i ← x_i · (1 − α·g_i), g_i = exp(−((h_i − h*_i) / w)²), where h* is a hidden optimum (fixed per problem, from the
/// factory) and w = <see cref="Width"/>. So each coordinate's progress depends only on how close its own h_i is to
/// h*_i (separable): a member whose h is good on some coordinates and another good on others can be recombined into
/// one good on both.</para>
/// <para>Metrics: <c>true_score</c> = 1 − mean_i x_i² (0 at step 0, → 1), and <c>score</c> = true_score + σ·N(0, 1),
/// the noisy evaluation (σ = noise), whose deviate is seeded by the state (step and the bits of x), so evaluation stays a
/// pure function of the state. The same on every split.</para>
/// </summary>
public sealed class SyntheticTrainable : ITrainable
{
    /// <summary>α when no <c>lr</c> hyperparameter is given.</summary>
    public const double DefaultLearningRate = 0.01;

    /// <summary>w, the width of each coordinate's bump around its optimum.</summary>
    public const double Width = 0.15;

    /// <summary>The noisy objective metric.</summary>
    public const string MetricScore = "score";

    /// <summary>The noise-free objective metric.</summary>
    public const string MetricTrueScore = "true_score";

    private const uint Magic = 0x4E595343; // "CSYN" little-endian
    private const int FormatVersion = 1;

    private readonly double[] _x;
    private readonly double[] _optimum;
    private readonly double[] _gain;
    private readonly double _noise;
    private readonly ulong _noiseSeed;
    private double _lr = DefaultLearningRate;
    private bool _applied;

    /// <param name="optimum">h*, one value per dimension.</param>
    /// <param name="noise">σ of the evaluation noise (≥ 0).</param>
    /// <param name="noiseSeed">Seeds the evaluation noise (with the state).</param>
    public SyntheticTrainable(IReadOnlyList<double> optimum, double noise, ulong noiseSeed)
    {
        ArgumentNullException.ThrowIfNull(optimum);
        if (optimum.Count == 0)
        {
            throw new ArgumentException("The synthetic problem needs at least one dimension.", nameof(optimum));
        }

        if (!(noise >= 0) || !double.IsFinite(noise))
        {
            throw new ArgumentOutOfRangeException(nameof(noise), noise, "The noise must be a finite standard deviation >= 0.");
        }

        _optimum = optimum.ToArray();
        _x = new double[_optimum.Length];
        Array.Fill(_x, 1.0);
        _gain = new double[_optimum.Length];
        _noise = noise;
        _noiseSeed = noiseSeed;
    }

    /// <summary>D.</summary>
    public int Dimensions => _x.Length;

    /// <summary>x (a copy).</summary>
    public IReadOnlyList<double> State => _x.ToArray();

    public long Step { get; private set; }

    /// <summary>The noise-free score 1 − mean_i x_i².</summary>
    public double TrueScore => 1.0 - (_x.Sum(v => v * v) / _x.Length);

    /// <summary>The name of the i-th hyperparameter.</summary>
    public static string Name(int i) => "h" + i.ToString(CultureInfo.InvariantCulture);

    public void Apply(HyperparameterSet hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        _lr = hyperparameters.GetNumber("lr", DefaultLearningRate);
        if (!(_lr >= 0 && _lr <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(hyperparameters), _lr, "Hyperparameter 'lr' of the synthetic problem must be in [0, 1].");
        }

        for (var i = 0; i < _x.Length; i++)
        {
            var d = (hyperparameters.GetNumber(Name(i)) - _optimum[i]) / Width;
            _gain[i] = 1.0 - (_lr * Math.Exp(-(d * d)));
        }

        _applied = true;
    }

    public void Train(int steps, ulong seed, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        if (!_applied)
        {
            throw new InvalidOperationException("Apply hyperparameters h0 … h{D-1} before training the synthetic problem.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        for (var i = 0; i < _x.Length; i++)
        {
            _x[i] *= Math.Pow(_gain[i], steps);
        }

        Step += steps;
    }

    public IReadOnlyDictionary<string, double> Evaluate(DataSplit split)
    {
        var truth = TrueScore;
        var score = truth;
        if (_noise > 0)
        {
            var seed = Seeds.Derive(_noiseSeed, (ulong)Step, (ulong)BitConverter.DoubleToInt64Bits(truth), (ulong)split);
            score += _noise * new Rng(seed).NextGaussian();
        }

        return new Dictionary<string, double>(StringComparer.Ordinal) { [MetricScore] = score, [MetricTrueScore] = truth };
    }

    /// <summary>Writes a little-endian record: magic "CSYN", format version, D, step, x.</summary>
    public void Save(Stream destination) => VectorCheckpoint.Write(destination, Magic, FormatVersion, Step, _x);

    public void Load(Stream source) => Step = VectorCheckpoint.Read(source, Magic, FormatVersion, "synthetic", _x);

    public void CopyFrom(ITrainable other)
    {
        if (other is not SyntheticTrainable s || s._x.Length != _x.Length)
        {
            throw new ArgumentException($"Cannot copy a synthetic member from a {other?.GetType().Name ?? "null"} of another shape.", nameof(other));
        }

        Step = s.Step;
        Array.Copy(s._x, _x, _x.Length);
    }

    public void Dispose()
    {
    }
}
