using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Engine.Training;

namespace Cohort.Training.Networks;

/// <summary>
/// A network from the engine as a PBT member: a <see cref="Trainer"/> over shared, read-only dataset splits.
/// A task's randomness (mini-batch order and dropout masks) comes from the task seed alone: each <see cref="Train"/>
/// starts a fresh shuffled pass over the training split and reseeds the dropout generator, so the result is a
/// function of (weights and optimizer state, hyperparameters, steps, seed) — DESIGN.md's pure task.
/// <para>
/// With <see cref="BatchOrder.Sequential"/> the batches follow the member's step count instead (see there), and the
/// seed only drives dropout. As an <see cref="IWeightTransfer"/> it can take another member's weights alone, keeping its
/// optimizer moments (paper 000's Keras exploit).
/// </para>
/// <para>
/// <c>optimizer</c> and <c>batch_size</c> are applied with the other hyperparameters before each task: a new optimizer
/// starts its state fresh (<see cref="Trainer.SwitchOptimizer"/>; the checkpoint holds the optimizer, its moments and
/// its step count, so resume and exploit continue exactly); a new batch size takes effect at the task's first step.
/// </para>
/// </summary>
public sealed class NetworkTrainable : ITrainable, IWeightTransfer
{
    private const ulong DropoutPurpose = 0x44524F504F5554UL; // "DROPOUT"

    private readonly NetworkTrainableFactory _factory;
    private readonly Trainer _trainer;
    private readonly float[] _inputs;
    private readonly float[] _targets;
    private readonly int[] _sequential;
    private MiniBatchSampler _sampler;

    // The set applied last, while nothing but training changed the trainer since: applying it again changes nothing,
    // and most tasks of a PBT run train with their member's previous hyperparameters (the same instance).
    private HyperparameterSet? _applied;

    internal NetworkTrainable(NetworkTrainableFactory factory, ulong seed)
    {
        _factory = factory;
        var o = factory.Options;
        var largest = o.LargestBatch;
        _trainer = new Trainer(o.Model, o.Optimizer, o.Loss, seed, o.Threads, Math.Max(largest, o.EvaluationBatch));
        var train = factory.Splits.Train;
        _sampler = new MiniBatchSampler(train, o.BatchSize, seed);
        _inputs = new float[largest * train.SampleSize];
        _targets = new float[largest * train.TargetWidth];
        _sequential = o.BatchOrder == BatchOrder.Sequential ? new int[largest] : [];
    }

    /// <summary>The engine trainer (for tests and benchmarks).</summary>
    public Trainer Trainer => _trainer;

    /// <summary>The mini-batch size of the next task's steps (the <c>batch_size</c> hyperparameter, else the setting).</summary>
    public int BatchSize => _sampler.BatchSize;

    public long Step => _trainer.Step;

    public void Apply(HyperparameterSet hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        if (ReferenceEquals(hyperparameters, _applied))
        {
            return;
        }

        _applied = null;
        var o = _factory.Options;
        var training = NetworkHyperparameters.ToTraining(hyperparameters);
        var optimizer = o.Optimizer;
        if (hyperparameters.TryGetValue(NetworkHyperparameters.Optimizer, out var name))
        {
            optimizer = NetworkHyperparameters.ParseOptimizer(name)
                ?? throw new ArgumentException(
                    $"optimizer '{name}' is not one of {string.Join(", ", NetworkHyperparameters.Optimizers.Select(x => x.Name))}.", nameof(hyperparameters));
        }

        var batch = o.BatchSize;
        if (hyperparameters.TryGetValue(NetworkHyperparameters.BatchSize, out var size))
        {
            if (size.IsCategorical || size.Number != Math.Round(size.Number) || size.Number < 1 || size.Number > o.LargestBatch)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(hyperparameters), size.ToString(), $"batch_size must be an integer in [1, {o.LargestBatch}] (the buffers' size: the upper bound of batch_size).");
            }

            batch = (int)size.Number;
        }

        _trainer.Hyperparameters = training;
        _trainer.SwitchOptimizer(optimizer);
        if (batch != _sampler.BatchSize)
        {
            // Each task restarts the sampler from its seed, so a new sampler loses nothing.
            _sampler = new MiniBatchSampler(_factory.Splits.Train, batch, 0);
        }

        _applied = hyperparameters;
    }

    public void Train(int steps, ulong seed, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        _sampler.Restore(new SamplerState(seed, 0, 0));
        _trainer.Reseed(seed ^ DropoutPurpose);
        for (var i = 0; i < steps; i++)
        {
            if ((i & 15) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var n = _sequential.Length > 0 ? NextSequentialBatch() : _sampler.NextBatch(_inputs, _targets);
            _trainer.TrainStep(_inputs, _targets, n);
        }
    }

    public IReadOnlyDictionary<string, double> Evaluate(DataSplit split)
    {
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

        var r = _trainer.Evaluate(data.Features, data.Targets, count);
        var loss = _factory.Options.LossIncludesPenalty ? r.Loss + _trainer.Penalty() : r.Loss;
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = loss };
        if (r.Accuracy is { } accuracy)
        {
            metrics["accuracy"] = accuracy;
        }

        if (r.MeanSquaredError is { } mse)
        {
            // In the target's own units even when training on standardised targets: MSE scales with σ².
            mse *= _factory.TargetVarianceScale;
            metrics["mse"] = mse;
            metrics["rmse"] = Math.Sqrt(mse);
        }

        return metrics;
    }

    public void Save(Stream destination) => _trainer.Save(destination);

    public void Load(Stream source)
    {
        _applied = null;
        _trainer.Load(source, "checkpoint");
    }

    public void CopyFrom(ITrainable other)
    {
        if (other is not NetworkTrainable network)
        {
            throw new ArgumentException($"Cannot copy a {other.GetType().Name} into a network trainable.", nameof(other));
        }

        _applied = null;
        _trainer.CopyFrom(network._trainer);
    }

    public void CopyWeightsFrom(ITrainable other)
    {
        if (other is not NetworkTrainable network)
        {
            throw new ArgumentException($"Cannot copy weights of a {other?.GetType().Name ?? "null"} into a network trainable.", nameof(other));
        }

        _applied = null;
        _trainer.CopyParametersFrom(network._trainer);
    }

    public void LoadWeights(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var o = _factory.Options;
        var donor = new Trainer(o.Model, o.Optimizer, o.Loss, 0, 1, _trainer.MaxBatch); // takes the checkpoint's optimizer
        donor.Load(source, "checkpoint");
        _applied = null;
        _trainer.CopyParametersFrom(donor);
    }

    public void Dispose()
    {
    }

    /// <summary>Batch Step mod B of the training split in stored order (<see cref="BatchOrder.Sequential"/>).</summary>
    private int NextSequentialBatch()
    {
        var train = _factory.Splits.Train;
        var size = _sampler.BatchSize;
        var batches = (train.Count + size - 1) / size;
        var start = (int)(_trainer.Step % batches) * size;
        var n = Math.Min(size, train.Count - start);
        for (var i = 0; i < n; i++)
        {
            _sequential[i] = start + i;
        }

        train.Gather(_sequential.AsSpan(0, n), _inputs, _targets);
        return n;
    }
}
