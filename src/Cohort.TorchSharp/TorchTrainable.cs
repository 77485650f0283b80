using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Training.Networks;
using Cohort.TorchSharp.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cohort.TorchSharp;

/// <summary>
/// A TorchSharp module with its optimizer as a PBT member, trained on Cohort's dataset splits. Like the engine's
/// <see cref="NetworkTrainable"/>, a task's randomness comes from its seed alone: each <see cref="Train"/> starts a
/// fresh shuffled pass over the training split (Cohort's <see cref="MiniBatchSampler"/>) and reseeds the member's
/// <see cref="torch.Generator"/>, which its dropout layers draw from; the initial weights come from the member seed.
/// <para>
/// Native memory: every step and every evaluation runs in a dispose scope, so the tensors it creates are freed when it
/// ends; the trainable owns only its module, optimizer state and two input buffers, all freed by <see cref="Dispose"/>.
/// </para>
/// <para>
/// Checkpoints are the module's state dict, the optimizer's state and the step (<c>TorchCheckpoint</c>): byte for byte a
/// function of the state, so the runner's hash check after a copy or load holds. As an <see cref="IWeightTransfer"/> it
/// can take another member's module state alone, keeping its optimizer state and step.
/// </para>
/// </summary>
public sealed class TorchTrainable : ITrainable, IWeightTransfer
{
    private const ulong GeneratorPurpose = 0x544F524348UL; // "TORCH"

    private readonly TorchTrainableFactory _factory;
    private readonly torch.Generator _generator;
    private readonly nn.Module<Tensor, Tensor> _module;
    private readonly LiveOptimizer _optimizer;
    private readonly TorchMember _member;
    private readonly MiniBatchSampler _sampler;
    private readonly IReadOnlyList<Parameter> _weights;
    private readonly IReadOnlyList<nn.Module> _dropouts;
    private readonly float[] _inputs;
    private readonly float[] _targets;
    private readonly long[] _classes;
    private readonly Tensor _inputBatch;
    private readonly Tensor _targetBatch;
    private readonly bool _classification;
    private double[] _l1;
    private double[] _l2;

    internal TorchTrainable(TorchTrainableFactory factory, ulong seed)
    {
        _factory = factory;
        var o = factory.Options;
        var train = factory.Splits.Train;
        _classification = train.Task == TaskKind.Classification;
        _generator = new torch.Generator(seed);
        _module = o.Model(_generator);
        _module.train();
        var optimizer = o.CreateOptimizer?.Invoke(_module.parameters()) ?? LiveOptimizer.Create(o.Optimizer, _module.parameters());
        _optimizer = new LiveOptimizer("optimizer", optimizer);
        _sampler = new MiniBatchSampler(train, o.BatchSize, seed);
        _weights = TorchModels.PenalizedWeights(_module);
        _dropouts = [.. _module.modules().Where(m => m is GeneratorDropout or Dropout)];
        _l1 = new double[_weights.Count];
        _l2 = new double[_weights.Count];

        var names = new List<string>(_optimizer.Names) { NetworkHyperparameters.L1, NetworkHyperparameters.L2 };
        for (var k = 0; k < _weights.Count; k++)
        {
            names.Add(NetworkHyperparameters.LayerName(NetworkHyperparameters.L1, k));
            names.Add(NetworkHyperparameters.LayerName(NetworkHyperparameters.L2, k));
        }

        if (_dropouts.Count > 0)
        {
            names.Add(NetworkHyperparameters.Dropout);
        }

        names.AddRange(o.ModuleSettings.Keys);
        _member = new TorchMember(new TorchState(o.Architecture, _module, [(_optimizer.Name, optimizer)]), names);

        _inputs = new float[o.BatchSize * train.SampleSize];
        _targets = new float[o.BatchSize * train.TargetWidth];
        _classes = _classification ? new long[o.BatchSize] : [];
        long[] inputShape = [o.BatchSize, .. train.Shape.ToArray().Select(d => (long)d)];
        _inputBatch = zeros(inputShape);
        _targetBatch = _classification ? zeros([o.BatchSize], ScalarType.Int64) : zeros([o.BatchSize, train.TargetWidth]);
    }

    /// <summary>The member's module (for tests, benchmarks and inspection; do not replace its tensors).</summary>
    public nn.Module<Tensor, Tensor> Module => _module;

    /// <summary>The member's optimizer; its parameter groups carry the live hyperparameters.</summary>
    public OptimizerHelper Optimizer => _optimizer.Optimizer;

    /// <summary>The member's random stream (reseeded from the task seed by every <see cref="Train"/>).</summary>
    public torch.Generator Generator => _generator;

    /// <inheritdoc />
    public long Step => _member.Step;

    /// <summary>The hyperparameter names this member accepts.</summary>
    public IReadOnlyCollection<string> HyperparameterNames => _member.Names;

    /// <inheritdoc />
    public void Apply(HyperparameterSet hyperparameters)
    {
        _member.CheckNames(hyperparameters);
        _optimizer.Apply(hyperparameters);
        var l1 = Penalty(hyperparameters, NetworkHyperparameters.L1, 0);
        var l2 = Penalty(hyperparameters, NetworkHyperparameters.L2, 0);
        var l1s = new double[_weights.Count];
        var l2s = new double[_weights.Count];
        for (var k = 0; k < _weights.Count; k++)
        {
            l1s[k] = Penalty(hyperparameters, NetworkHyperparameters.LayerName(NetworkHyperparameters.L1, k), l1);
            l2s[k] = Penalty(hyperparameters, NetworkHyperparameters.LayerName(NetworkHyperparameters.L2, k), l2);
        }

        var dropout = hyperparameters.GetNumber(NetworkHyperparameters.Dropout, 0);
        if (!(dropout is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(hyperparameters), dropout, "Hyperparameter 'dropout' lies in [0, 1).");
        }

        foreach (var m in _dropouts)
        {
            if (m is GeneratorDropout g)
            {
                g.P = dropout;
            }
            else
            {
                ((Dropout)m).p = dropout;
            }
        }

        foreach (var (name, set) in _factory.Options.ModuleSettings)
        {
            if (hyperparameters.ContainsKey(name))
            {
                set(_module, hyperparameters.GetNumber(name));
            }
        }

        _l1 = l1s;
        _l2 = l2s;
    }

    /// <inheritdoc />
    public void Train(int steps, ulong seed, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        TorchThreads.Use(_factory.Options.Threads);
        _sampler.Restore(new SamplerState(seed, 0, 0));
        _generator.manual_seed(unchecked((long)(seed ^ GeneratorPurpose)));
        _module.train();
        for (var i = 0; i < steps; i++)
        {
            if ((i & 15) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var n = _sampler.NextBatch(_inputs, _targets);
            CopyBatch(n);
            using var scope = NewDisposeScope();
            var x = n == _factory.Options.BatchSize ? _inputBatch : _inputBatch.narrow(0, 0, n);
            var y = n == _factory.Options.BatchSize ? _targetBatch : _targetBatch.narrow(0, 0, n);
            var loss = DataLoss(_module.call(x), y, nn.Reduction.Mean);
            var penalty = PenaltyTensor();
            if (penalty is not null)
            {
                loss = loss.add(penalty);
            }

            _optimizer.Optimizer.zero_grad();
            loss.backward();
            _optimizer.Optimizer.step();
            _member.Step++;
        }
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Evaluate(DataSplit split)
    {
        var data = _factory.Splits.Of(split);
        var count = data.Count;
        if (split != DataSplit.Test && _factory.Options.EvaluationSamples > 0)
        {
            count = Math.Min(count, _factory.Options.EvaluationSamples);
        }

        if (count == 0)
        {
            throw new InvalidOperationException($"The {split} split of '{data.Name}' is empty: nothing to evaluate.");
        }

        TorchThreads.Use(_factory.Options.Threads);
        var chunk = _factory.Options.EvaluationBatch;
        double lossSum = 0;
        long correct = 0;
        _module.eval();
        try
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            long[] shape = [chunk, .. data.Shape.ToArray().Select(d => (long)d)];
            var inputs = empty(shape);
            var targets = _classification ? empty([chunk], ScalarType.Int64) : empty([chunk, data.TargetWidth]);
            var classes = _classification ? new long[chunk] : [];
            for (var start = 0; start < count; start += chunk)
            {
                using var inner = NewDisposeScope();
                var n = Math.Min(chunk, count - start);
                Copy(data.Features.AsSpan(start * data.SampleSize, n * data.SampleSize), inputs);
                CopyTargets(data.Targets.AsSpan(start * data.TargetWidth, n * data.TargetWidth), targets, classes);
                var x = n == chunk ? inputs : inputs.narrow(0, 0, n);
                var y = n == chunk ? targets : targets.narrow(0, 0, n);
                var output = _module.call(x);
                lossSum += DataLoss(output, y, nn.Reduction.Sum).item<float>();
                if (_classification)
                {
                    correct += output.argmax(1).eq(y).sum().item<long>();
                }
            }
        }
        finally
        {
            _module.train();
        }

        var width = _classification ? 1 : data.TargetWidth;
        var loss = lossSum / ((double)count * width);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["loss"] = _factory.Options.LossIncludesPenalty ? loss + PenaltyValue() : loss,
        };
        if (_classification)
        {
            metrics["accuracy"] = (double)correct / count;
        }
        else
        {
            var mse = loss * _factory.TargetVarianceScale;
            metrics["mse"] = mse;
            metrics["rmse"] = Math.Sqrt(mse);
        }

        return metrics;
    }

    /// <inheritdoc />
    public void Save(Stream destination) => _member.Save(destination);

    /// <inheritdoc />
    public void Load(Stream source) => _member.Load(source);

    /// <inheritdoc />
    public void CopyFrom(ITrainable other) => _member.CopyFrom(Same(other)._member, weightsOnly: false);

    /// <inheritdoc />
    public void CopyWeightsFrom(ITrainable other) => _member.CopyFrom(Same(other)._member, weightsOnly: true);

    /// <inheritdoc />
    public void LoadWeights(Stream source) => _member.LoadWeights(source);

    /// <inheritdoc />
    public void Dispose()
    {
        _optimizer.Optimizer.Dispose();
        _module.Dispose();
        _inputBatch.Dispose();
        _targetBatch.Dispose();
        _generator.Dispose();
    }

    private TorchTrainable Same(ITrainable other) =>
        other is TorchTrainable t && t._factory.Options.Architecture == _factory.Options.Architecture
            ? t
            : throw new ArgumentException($"Cannot copy a {other?.GetType().Name ?? "null"} into TorchSharp model '{_factory.Options.Architecture}'.", nameof(other));

    private static double Penalty(HyperparameterSet h, string name, double fallback)
    {
        var value = h.GetNumber(name, fallback);
        return double.IsFinite(value) && value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(h), value, string.Create(CultureInfo.InvariantCulture, $"Hyperparameter '{name}' = {value:R} must be finite and ≥ 0."));
    }

    private Tensor DataLoss(Tensor output, Tensor target, nn.Reduction reduction) => _classification
        ? nn.functional.cross_entropy(output, target, reduction: reduction)
        : nn.functional.mse_loss(output, target, reduction);

    /// <summary>Σ_k λ₁ₖ·Σ|Wₖ| + λ₂ₖ·Σ Wₖ² as a graph node, or null when every factor is 0.</summary>
    private Tensor? PenaltyTensor()
    {
        Tensor? sum = null;
        for (var k = 0; k < _weights.Count; k++)
        {
            if (_l1[k] != 0)
            {
                var t = _weights[k].abs().sum().mul(_l1[k]);
                sum = sum is null ? t : sum.add(t);
            }

            if (_l2[k] != 0)
            {
                var t = _weights[k].square().sum().mul(_l2[k]);
                sum = sum is null ? t : sum.add(t);
            }
        }

        return sum;
    }

    private double PenaltyValue()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        return PenaltyTensor() is { } p ? p.item<float>() : 0;
    }

    private void CopyBatch(int n)
    {
        Copy(_inputs.AsSpan(0, n * _factory.Splits.Train.SampleSize), _inputBatch);
        CopyTargets(_targets.AsSpan(0, n * _factory.Splits.Train.TargetWidth), _targetBatch, _classes);
    }

    private void CopyTargets(ReadOnlySpan<float> values, Tensor destination, long[] classes)
    {
        if (!_classification)
        {
            Copy(values, destination);
            return;
        }

        for (var i = 0; i < values.Length; i++)
        {
            classes[i] = (long)values[i];
        }

        using var accessor = destination.data<long>();
        accessor.CopyFrom(classes.AsSpan(0, values.Length));
    }

    private static void Copy(ReadOnlySpan<float> values, Tensor destination)
    {
        using var accessor = destination.data<float>();
        accessor.CopyFrom(values);
    }
}
