using System.Diagnostics;
using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Engine.Models;
using Cohort.Engine.Training;

namespace Cohort.Training.Networks;

/// <summary>
/// A LeNet-style classifier whose shape is a hyperparameter (<see cref="ConvNetShape"/>), for paper 004's topology mode
/// (sec. 4.2): the network is built by the first <see cref="Apply"/> (or <see cref="Load"/>, whose checkpoint starts
/// with the shape) and its shape is then fixed; a later <see cref="Apply"/> with another shape throws. Randomness as in
/// <see cref="NetworkTrainable"/>: a task's mini-batches and dropout masks come from the task seed; the initial weights
/// from the creation seed. <see cref="Evaluate"/> adds <see cref="CostMetric"/> (forward multiply-adds of the last
/// <see cref="Train"/> call: steps × batch × multiply-adds per sample) and <see cref="SecondsMetric"/> (its wall seconds).
/// </summary>
public sealed class ConvNetTrainable : ITrainable
{
    /// <summary>The per-task cost metric (deterministic).</summary>
    public const string CostMetric = TimeToTarget.CostMetric;

    /// <summary>The per-task wall-seconds metric.</summary>
    public const string SecondsMetric = TimeToTarget.SecondsMetric;

    private const ulong DropoutPurpose = 0x44524F504F5554UL; // "DROPOUT"
    private const int Magic = 0x434E5654; // "CNVT"

    private readonly ConvNetTrainableFactory _factory;
    private readonly ulong _seed;
    private readonly float[] _inputs;
    private readonly float[] _targets;
    private Trainer? _trainer;
    private MiniBatchSampler? _sampler;
    private double _lastCost;
    private double _lastSeconds;

    internal ConvNetTrainable(ConvNetTrainableFactory factory, ulong seed)
    {
        _factory = factory;
        _seed = seed;
        var train = factory.Splits.Train;
        _inputs = new float[factory.Options.BatchSize * train.SampleSize];
        _targets = new float[factory.Options.BatchSize * train.TargetWidth];
    }

    /// <summary>The shape, once built; null before the first <see cref="Apply"/> or <see cref="Load"/>.</summary>
    public ConvNetShape? Shape { get; private set; }

    /// <summary>The engine trainer, once built.</summary>
    public Trainer? Trainer => _trainer;

    public long Step => _trainer?.Step ?? 0;

    public void Apply(HyperparameterSet hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        var shape = ConvNetShape.From(hyperparameters, _factory.Options.DefaultShape);
        if (Shape is null)
        {
            Build(shape);
        }
        else if (shape != Shape)
        {
            throw new InvalidOperationException($"The network's shape is fixed once built ({Shape}); got {shape}. Topology changes need a fresh individual.");
        }

        _trainer!.Hyperparameters = NetworkHyperparameters.ToTraining(ConvNetShape.TrainingPart(hyperparameters));
    }

    public void Train(int steps, ulong seed, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        var trainer = _trainer ?? throw new InvalidOperationException("Apply hyperparameters (the shape) before training.");
        var watch = Stopwatch.StartNew();
        _sampler!.Restore(new SamplerState(seed, 0, 0));
        trainer.Reseed(seed ^ DropoutPurpose);
        for (var i = 0; i < steps; i++)
        {
            if ((i & 15) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var n = _sampler.NextBatch(_inputs, _targets);
            trainer.TrainStep(_inputs, _targets, n);
        }

        _lastSeconds = watch.Elapsed.TotalSeconds;
        _lastCost = (double)steps * _factory.Options.BatchSize * trainer.MultiplyAddsPerSample;
    }

    public IReadOnlyDictionary<string, double> Evaluate(DataSplit split)
    {
        var trainer = _trainer ?? throw new InvalidOperationException("Apply hyperparameters (the shape) before evaluating.");
        var data = split switch
        {
            DataSplit.Train => _factory.Splits.Train,
            DataSplit.Validation => _factory.Splits.Validation,
            DataSplit.Test => _factory.Splits.Test,
            _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown split."),
        };
        var count = data.Count;
        if (split != DataSplit.Test && _factory.Options.EvaluationSamples > 0)
        {
            count = Math.Min(count, _factory.Options.EvaluationSamples);
        }

        var r = trainer.Evaluate(data.Features, data.Targets, count);
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["loss"] = r.Loss,
            ["accuracy"] = r.Accuracy ?? double.NaN,
            [CostMetric] = _lastCost,
            [SecondsMetric] = _lastSeconds,
        };
    }

    public void Save(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var shape = Shape ?? throw new InvalidOperationException("Nothing to save: the network is not built yet.");
        using (var w = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(shape.Filters1);
            w.Write(shape.Filters2);
            w.Write(shape.Kernel1);
            w.Write(shape.Kernel2);
            w.Write(shape.Dense);
        }

        _trainer!.Save(destination);
    }

    public void Load(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ConvNetShape shape;
        using (var r = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            var magic = r.ReadInt32();
            if (magic != Magic)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"Not a conv-net checkpoint (magic {magic:X8})."));
            }

            shape = new ConvNetShape(r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32());
        }

        if (shape != Shape)
        {
            Build(shape);
        }

        _trainer!.Load(source, "checkpoint");
    }

    public void CopyFrom(ITrainable other)
    {
        if (other is not ConvNetTrainable net || net._trainer is null || net.Shape is null)
        {
            throw new ArgumentException($"Can copy only a built conv-net trainable (got {other.GetType().Name}).", nameof(other));
        }

        if (net.Shape != Shape)
        {
            Build(net.Shape);
        }

        _trainer!.CopyFrom(net._trainer);
    }

    public void Dispose()
    {
    }

    private void Build(ConvNetShape shape)
    {
        var o = _factory.Options;
        var train = _factory.Splits.Train;
        var model = shape.Build(train.Shape.ToArray(), train.ClassCount, o.Dropout);
        _trainer = new Trainer(model, o.Optimizer, LossKind.SoftmaxCrossEntropy, _seed, o.Threads, Math.Max(o.BatchSize, o.EvaluationBatch));
        _sampler = new MiniBatchSampler(train, o.BatchSize, _seed);
        Shape = shape;
    }
}
