using System.Buffers.Binary;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Trainables;

namespace Cohort.Training.Toy;

/// <summary>
/// The toy problem of the original PBT paper (Jaderberg et al. 2017, "Population Based Training of Neural Networks",
/// Figure 2): maximise the true objective Q(θ) = 1.2 − (θ0² + θ1²) while training only sees the surrogate
/// Q̂(θ|h) = 1.2 − (h0·θ0² + h1·θ1²), where h = (h0, h1) are the hyperparameters. Each step is one gradient-ascent
/// step on Q̂: θi ← θi + α·(−2·hi·θi) (+ optional Gaussian noise), α the step size.
/// </summary>
/// <remarks>
/// <para>Hyperparameters: <c>h0</c>, <c>h1</c> (required), <c>lr</c> (α, default <see cref="DefaultLearningRate"/>)
/// and <c>noise</c> (standard deviation of Gaussian noise added to each coordinate per step, default 0).</para>
/// <para>The papers in this repository do not restate the toy's step size (paper 000's Figure 2 is grid
/// sub-sampling, not the toy); 0.01 is the value used by common reproductions of the original figure and is a
/// hyperparameter, so a spec can change it.</para>
/// <para>State: θ and the step count; nothing random unless <c>noise</c> &gt; 0, in which case the noise is drawn
/// from a generator seeded by (task seed, step), so training stays a pure function of (state, h, steps, seed).</para>
/// <para>Metrics: <c>q</c> = Q(θ), the true objective, on every split (the toy has no separate test set), and
/// <c>q_hat</c> = Q̂(θ|h) on the training split.</para>
/// </remarks>
public sealed class ToyTrainable : ITrainable
{
    /// <summary>The step size α used when no <c>lr</c> hyperparameter is given.</summary>
    public const double DefaultLearningRate = 0.01;

    /// <summary>The name of the true-objective metric.</summary>
    public const string MetricQ = "q";

    /// <summary>The name of the surrogate metric (training split only).</summary>
    public const string MetricQHat = "q_hat";

    private const uint Magic = 0x594F5443; // "CTOY" little-endian
    private const int FormatVersion = 1;
    private const int StateBytes = 4 + 4 + 8 + 8 + 8;

    private double _h0 = double.NaN;
    private double _h1 = double.NaN;
    private double _lr = DefaultLearningRate;
    private double _noise;

    /// <summary>Creates a toy member at θ = (<paramref name="theta0"/>, <paramref name="theta1"/>), step 0.</summary>
    public ToyTrainable(double theta0 = 0.9, double theta1 = 0.9)
    {
        Theta0 = theta0;
        Theta1 = theta1;
    }

    /// <summary>θ0.</summary>
    public double Theta0 { get; private set; }

    /// <summary>θ1.</summary>
    public double Theta1 { get; private set; }

    public long Step { get; private set; }

    /// <summary>The true objective Q(θ) = 1.2 − (θ0² + θ1²).</summary>
    public double Q => 1.2 - ((Theta0 * Theta0) + (Theta1 * Theta1));

    public void Apply(HyperparameterSet hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        _h0 = hyperparameters.GetNumber("h0");
        _h1 = hyperparameters.GetNumber("h1");
        _lr = hyperparameters.GetNumber("lr", DefaultLearningRate);
        _noise = hyperparameters.GetNumber("noise", 0.0);
        if (_noise < 0 || double.IsNaN(_noise))
        {
            throw new ArgumentOutOfRangeException(nameof(hyperparameters), _noise, "Hyperparameter 'noise' must be a non-negative standard deviation.");
        }
    }

    public void Train(int steps, ulong seed, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        if (double.IsNaN(_h0) || double.IsNaN(_h1))
        {
            throw new InvalidOperationException("Apply hyperparameters h0 and h1 before training the toy.");
        }

        for (var i = 0; i < steps; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // ∂Q̂/∂θi = −2·hi·θi; gradient ascent: θi += α·∂Q̂/∂θi.
            var t0 = Theta0 + (_lr * (-2.0 * _h0 * Theta0));
            var t1 = Theta1 + (_lr * (-2.0 * _h1 * Theta1));
            if (_noise > 0)
            {
                var rng = new Rng(Seeds.Derive(seed, (ulong)Step));
                t0 += _noise * rng.NextGaussian();
                t1 += _noise * rng.NextGaussian();
            }

            Theta0 = t0;
            Theta1 = t1;
            Step++;
        }
    }

    public IReadOnlyDictionary<string, double> Evaluate(DataSplit split)
    {
        if (split == DataSplit.Train)
        {
            var qHat = double.IsNaN(_h0) || double.IsNaN(_h1)
                ? double.NaN
                : 1.2 - ((_h0 * Theta0 * Theta0) + (_h1 * Theta1 * Theta1));
            return new Dictionary<string, double>(StringComparer.Ordinal) { [MetricQ] = Q, [MetricQHat] = qHat };
        }

        return new Dictionary<string, double>(StringComparer.Ordinal) { [MetricQ] = Q };
    }

    /// <summary>Writes a 32-byte little-endian record: magic "CTOY", format version, step, θ0, θ1.</summary>
    public void Save(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Span<byte> buffer = stackalloc byte[StateBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(buffer[4..], FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(buffer[8..], Step);
        BinaryPrimitives.WriteDoubleLittleEndian(buffer[16..], Theta0);
        BinaryPrimitives.WriteDoubleLittleEndian(buffer[24..], Theta1);
        destination.Write(buffer);
    }

    public void Load(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Span<byte> buffer = stackalloc byte[StateBytes];
        source.ReadExactly(buffer);
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        if (magic != Magic)
        {
            throw new InvalidDataException($"Not a toy checkpoint: magic 0x{magic:X8}, expected 0x{Magic:X8}.");
        }

        var version = BinaryPrimitives.ReadInt32LittleEndian(buffer[4..]);
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Toy checkpoint format version {version} is not supported (expected {FormatVersion}).");
        }

        Step = BinaryPrimitives.ReadInt64LittleEndian(buffer[8..]);
        Theta0 = BinaryPrimitives.ReadDoubleLittleEndian(buffer[16..]);
        Theta1 = BinaryPrimitives.ReadDoubleLittleEndian(buffer[24..]);
    }

    public void CopyFrom(ITrainable other)
    {
        if (other is not ToyTrainable toy)
        {
            throw new ArgumentException($"Cannot copy a toy member from a {other?.GetType().Name ?? "null"}.", nameof(other));
        }

        Step = toy.Step;
        Theta0 = toy.Theta0;
        Theta1 = toy.Theta1;
    }

    public void Dispose()
    {
    }
}
