using System.Buffers.Binary;
using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;

namespace Cohort.Examples.Plugin;

/// <summary>
/// Gradient descent with momentum on an ill-conditioned quadratic bowl f(x) = ½·Σ cᵢ·xᵢ², cᵢ spread log-evenly over
/// [1/condition, 1]: a small learning rate crawls along the flat directions, a large one diverges along the steep one,
/// momentum helps — a landscape where PBT has something to find. No randomness, so a task is trivially pure.
/// </summary>
public sealed class BowlTrainable : ITrainable
{
    private readonly double[] _curvature;
    private readonly double[] _x;
    private readonly double[] _velocity;
    private double _learningRate = double.NaN;
    private double _momentum;

    /// <summary>A bowl of <paramref name="dimensions"/> dimensions, every coordinate starting at 1.</summary>
    public BowlTrainable(int dimensions, double condition)
    {
        _curvature = Enumerable.Range(0, dimensions).Select(i => Math.Pow(condition, -(double)i / Math.Max(1, dimensions - 1))).ToArray();
        _x = Enumerable.Repeat(1.0, dimensions).ToArray();
        _velocity = new double[dimensions];
    }

    /// <inheritdoc/>
    public long Step { get; private set; }

    /// <inheritdoc/>
    public void Apply(HyperparameterSet hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        _learningRate = hyperparameters.GetNumber(BowlFactory.LearningRate);
        _momentum = hyperparameters.GetNumber(BowlFactory.Momentum, 0.0);
    }

    /// <inheritdoc/>
    public void Train(int steps, ulong seed, CancellationToken cancellationToken)
    {
        for (var s = 0; s < steps; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var i = 0; i < _x.Length; i++)
            {
                _velocity[i] = (_momentum * _velocity[i]) - (_learningRate * _curvature[i] * _x[i]);
                _x[i] += _velocity[i];
            }
        }

        Step += steps;
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> Evaluate(DataSplit split)
    {
        var loss = 0.5 * _x.Select((x, i) => _curvature[i] * x * x).Sum();
        return new Dictionary<string, double> { ["loss"] = loss, ["log_loss"] = Math.Log10(loss) };
    }

    /// <inheritdoc/>
    public void Save(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var bytes = new byte[8 * (1 + (2 * _x.Length))];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, Step);
        for (var i = 0; i < _x.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 + (16 * i)), _x[i]);
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(16 + (16 * i)), _velocity[i]);
        }

        destination.Write(bytes);
    }

    /// <inheritdoc/>
    public void Load(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var bytes = new byte[8 * (1 + (2 * _x.Length))];
        source.ReadExactly(bytes);
        Step = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        for (var i = 0; i < _x.Length; i++)
        {
            _x[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(8 + (16 * i)));
            _velocity[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(16 + (16 * i)));
        }
    }

    /// <inheritdoc/>
    public void CopyFrom(ITrainable other)
    {
        var bowl = (BowlTrainable)other;
        bowl._x.CopyTo(_x, 0);
        bowl._velocity.CopyTo(_velocity, 0);
        Step = bowl.Step;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}

/// <summary>
/// Builds <see cref="BowlTrainable"/>s. <c>cohort run</c> calls the constructor with the spec's <c>options</c>
/// (<c>dimensions</c>, default 8; <c>condition</c>, default 100) and reads <see cref="Declaration"/>, so that a spec
/// naming another hyperparameter or metric is rejected before anything trains.
/// </summary>
public sealed class BowlFactory : ITrainableFactory
{
    /// <summary>The step size.</summary>
    public const string LearningRate = "learning_rate";

    /// <summary>Heavy-ball momentum.</summary>
    public const string Momentum = "momentum";

    private static readonly TrainableDeclaration s_declaration = new(
        "bowl",
        [
            HyperparameterDeclaration.Real(LearningRate, new ValueRange(0, 2, MinimumInclusive: false), "step size (diverges above 2 / max curvature = 2)") with { Required = true },
            HyperparameterDeclaration.Real(Momentum, ValueRange.HalfOpen(0, 1), "heavy-ball momentum (default 0)"),
        ],
        ["loss", "log_loss"]);

    /// <summary>A factory from the spec's options.</summary>
    public BowlFactory(IReadOnlyDictionary<string, string> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var key in options.Keys.Where(k => k is not "dimensions" and not "condition"))
        {
            throw new ArgumentException($"unknown option '{key}'; the bowl takes dimensions and condition", nameof(options));
        }

        Dimensions = options.TryGetValue("dimensions", out var d) ? int.Parse(d, CultureInfo.InvariantCulture) : 8;
        Condition = options.TryGetValue("condition", out var c) ? double.Parse(c, CultureInfo.InvariantCulture) : 100;
        if (Dimensions < 1 || !(Condition >= 1))
        {
            throw new ArgumentException($"dimensions must be at least 1 and condition at least 1 (got {Dimensions} and {Condition})", nameof(options));
        }
    }

    /// <summary>The bowl's dimensions.</summary>
    public int Dimensions { get; }

    /// <summary>The ratio of the largest to the smallest curvature.</summary>
    public double Condition { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> Metrics => s_declaration.Metrics;

    /// <inheritdoc/>
    public TrainableDeclaration Declaration => s_declaration;

    /// <inheritdoc/>
    public bool HasTestSet => false;

    /// <inheritdoc/>
    public ITrainable Create(ulong seed) => new BowlTrainable(Dimensions, Condition);
}
