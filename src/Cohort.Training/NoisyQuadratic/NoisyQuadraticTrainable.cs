using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Trainables;

namespace Cohort.Training.NoisyQuadratic;

/// <summary>
/// The noisy quadratic model (NQM) of Zhang et al. 2019, "Which algorithmic choices matter at which batch sizes?":
/// SGD on the diagonal quadratic L(x) = ½ Σ_i h_i x_i² with gradient noise whose covariance is proportional to the
/// curvature, C = H / B. A learning-rate testbed for FIRE PBT (paper 001): a higher learning rate makes faster progress
/// along the low-curvature directions but raises the noise floor, so decaying it gives an immediate gain (the greedy
/// choice) at the cost of long-term progress.
/// <para>State: x ∈ ℝ^D, x_i = 1 at step 0. Curvatures h_i = i^−p, i = 1 … D (p = <see cref="CurvaturePower"/>), so the
/// largest is 1 and SGD is stable for α &lt; 2. One step with learning rate α (hyperparameter <c>lr</c>):
/// x_i ← x_i − α (h_i x_i + √(h_i / B) ξ_i), ξ_i ~ N(0, 1) from the task's seed. Stationary E[x_i²] is
/// α / (B (2 − α h_i)), so the noise floor of the loss grows with α, while direction i converges at rate α h_i.</para>
/// <para>With <see cref="Expected"/> set, the state is instead the distribution of the iterate over the gradient noise
/// — the mean m_i and variance v_i of each x_i, updated exactly: m_i ← (1 − α h_i) m_i,
/// v_i ← (1 − α h_i)² v_i + α² h_i / B — and the loss is the expected loss ½ Σ h_i (m_i² + v_i). This is how Zhang et
/// al. analyse the NQM; it has the same dynamics in expectation without evaluation noise (the task seed is unused).</para>
/// <para>Metrics (the same on every split): <c>loss</c> = L(x), and <c>log_loss</c> = log10 L(x). A step that leaves
/// every x_i finite keeps the state; α ≥ 2 diverges (non-finite loss) as SGD does.</para>
/// </summary>
public sealed class NoisyQuadraticTrainable : ITrainable
{
    /// <summary>The learning-rate hyperparameter.</summary>
    public const string LearningRate = "lr";

    public const string MetricLoss = "loss";

    public const string MetricLogLoss = "log_loss";

    private const uint Magic = 0x4D514E43; // "CNQM" little-endian
    private const int FormatVersion = 2;

    private readonly double[] _x;
    private readonly double[] _v;
    private readonly double[] _h;
    private readonly double[] _noise;
    private double _lr = double.NaN;

    /// <param name="dimensions">D.</param>
    /// <param name="curvaturePower">p in h_i = i^−p.</param>
    /// <param name="batchSize">B: the gradient noise covariance is H / B.</param>
    /// <param name="expected">Track the iterate's mean and variance exactly instead of sampling the noise.</param>
    public NoisyQuadraticTrainable(int dimensions, double curvaturePower, double batchSize, bool expected = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        if (!(curvaturePower >= 0 && double.IsFinite(curvaturePower)))
        {
            throw new ArgumentOutOfRangeException(nameof(curvaturePower), curvaturePower, "The curvature power must be finite and >= 0.");
        }

        if (!(batchSize > 0 && double.IsFinite(batchSize)))
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be finite and > 0.");
        }

        CurvaturePower = curvaturePower;
        BatchSize = batchSize;
        Expected = expected;
        _v = new double[dimensions];
        _x = new double[dimensions];
        Array.Fill(_x, 1.0);
        _h = new double[dimensions];
        _noise = new double[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            _h[i] = Math.Pow(i + 1, -curvaturePower);
            _noise[i] = Math.Sqrt(_h[i] / batchSize);
        }
    }

    public int Dimensions => _x.Length;

    public double CurvaturePower { get; }

    public double BatchSize { get; }

    /// <summary>True when the state is the iterate's mean and variance (expected dynamics), false when SGD is sampled.</summary>
    public bool Expected { get; }

    /// <summary>x (a copy).</summary>
    public IReadOnlyList<double> State => _x.ToArray();

    public long Step { get; private set; }

    /// <summary>L(x) = ½ Σ h_i x_i².</summary>
    public double Loss
    {
        get
        {
            var sum = 0.0;
            for (var i = 0; i < _x.Length; i++)
            {
                sum += _h[i] * ((_x[i] * _x[i]) + _v[i]);
            }

            return 0.5 * sum;
        }
    }

    public void Apply(HyperparameterSet hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        var lr = hyperparameters.GetNumber(LearningRate);
        if (!(lr >= 0 && double.IsFinite(lr)))
        {
            throw new ArgumentOutOfRangeException(nameof(hyperparameters), lr, "Hyperparameter 'lr' of the noisy quadratic must be finite and >= 0.");
        }

        _lr = lr;
    }

    public void Train(int steps, ulong seed, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        if (double.IsNaN(_lr))
        {
            throw new InvalidOperationException("Apply the hyperparameter 'lr' before training the noisy quadratic.");
        }

        var lr = _lr;
        if (Expected)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var i = 0; i < _x.Length; i++)
            {
                var g = 1.0 - (lr * _h[i]);
                var drift = lr * lr * _h[i] / BatchSize;
                for (var s = 0; s < steps; s++)
                {
                    _x[i] *= g;
                    _v[i] = (g * g * _v[i]) + drift;
                }
            }

            Step += steps;
            return;
        }

        var rng = new Rng(Seeds.Derive(seed, (ulong)Step));
        for (var s = 0; s < steps; s++)
        {
            if ((s & 255) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            for (var i = 0; i < _x.Length; i++)
            {
                var gradient = (_h[i] * _x[i]) + (_noise[i] * rng.NextGaussian());
                _x[i] -= lr * gradient;
            }
        }

        Step += steps;
    }

    public IReadOnlyDictionary<string, double> Evaluate(DataSplit split)
    {
        var loss = Loss;
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [MetricLoss] = loss,
            [MetricLogLoss] = Math.Log10(loss),
        };
    }

    /// <summary>Writes a little-endian record: magic "CNQM", format version, D, step, x (the mean), v (the variance; zero when sampled).</summary>
    public void Save(Stream destination) => VectorCheckpoint.Write(destination, Magic, FormatVersion, Step, _x, _v);

    public void Load(Stream source) => Step = VectorCheckpoint.Read(source, Magic, FormatVersion, "noisy-quadratic", _x, _v);

    public void CopyFrom(ITrainable other)
    {
        if (other is not NoisyQuadraticTrainable q || q._x.Length != _x.Length || q.Expected != Expected)
        {
            throw new ArgumentException($"Cannot copy a noisy-quadratic member from a {other?.GetType().Name ?? "null"} of another shape.", nameof(other));
        }

        Step = q.Step;
        Array.Copy(q._x, _x, _x.Length);
        Array.Copy(q._v, _v, _v.Length);
    }

    public void Dispose()
    {
    }
}
