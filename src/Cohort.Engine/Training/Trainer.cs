using System.Runtime.InteropServices;
using System.Text;
using Cohort.Engine.Kernels;
using Cohort.Engine.Layers;
using Cohort.Engine.Models;
using Cohort.Engine.Randomness;

namespace Cohort.Engine.Training;

/// <summary>
/// One trainable network: model, optimizer state, step counter and engine RNG. Steps are synchronous and, after
/// construction, allocation-free. Results are bitwise identical for the same seed, binary, ISA and any thread count
/// (GEMM reductions have a fixed order; every other kernel is single-threaded).
/// </summary>
public sealed class Trainer
{
    private readonly Network _network;
    private readonly PassContext _context;
    private readonly float[] _moment1;
    private float[] _moment2;
    private readonly int _targetSize;
    private UpdateJob _updateJob;
    private readonly (int Offset, int Count)[] _weightLayers;
    private TrainingHyperparameters _hyperparameters = new();

    /// <summary>Builds the network, initialises weights from <paramref name="seed"/> and zeroes optimizer state.</summary>
    /// <param name="spec">The architecture.</param>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="loss">The loss; cross-entropy needs at least two outputs.</param>
    /// <param name="seed">Seed of the engine RNG (initialisation, then dropout masks).</param>
    /// <param name="threads">Threads for GEMM and convolution kernels (results do not depend on it).</param>
    /// <param name="maxBatch">Largest batch passed to <see cref="TrainStep"/>; workspaces are sized for it.</param>
    public Trainer(ModelSpec spec, OptimizerKind optimizer, LossKind loss, ulong seed, int threads = 1, int maxBatch = 128)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (!Enum.IsDefined(optimizer))
        {
            throw new ArgumentOutOfRangeException(nameof(optimizer), optimizer, "Unknown optimizer.");
        }

        if (!Enum.IsDefined(loss))
        {
            throw new ArgumentOutOfRangeException(nameof(loss), loss, "Unknown loss.");
        }

        Spec = spec;
        Optimizer = optimizer;
        Loss = loss;
        Threads = threads;
        _network = new Network(spec, maxBatch, threads);
        if (loss == LossKind.SoftmaxCrossEntropy && _network.OutputSize < 2)
        {
            throw new ArgumentException(
                $"Softmax cross-entropy needs at least 2 outputs; the model has {_network.OutputSize}.", nameof(loss));
        }

        _targetSize = loss == LossKind.SoftmaxCrossEntropy ? 1 : _network.OutputSize;
        Random = new EngineRandom(seed);
        _context = new PassContext(Random, threads);
        _network.Initialize(spec, Random);
        _moment1 = new float[_network.ParameterCount];
        _moment2 = optimizer == OptimizerKind.Sgd ? [] : new float[_network.ParameterCount];
        Fingerprint = spec.Fingerprint();
        Description = Encoding.UTF8.GetBytes(spec.Describe());
        _updateJob = new UpdateJob(_network.Parameters, _network.Gradients, _moment1, _moment2);
        _weightLayers = _network.Layers.Where(l => l.WeightCount > 0).Select(l => (l.WeightOffset, l.WeightCount)).ToArray();
    }

    /// <summary>Models with at least this many parameters update them on <see cref="Threads"/> threads.</summary>
    internal const int ParallelUpdateThreshold = 1 << 16;

    /// <summary>The architecture.</summary>
    public ModelSpec Spec { get; }

    /// <summary>First 8 bytes of SHA-256 of the spec's canonical description.</summary>
    public ulong Fingerprint { get; }

    /// <summary>The spec's canonical description, UTF-8 (what a checkpoint carries for error messages; built once).</summary>
    internal byte[] Description { get; }

    /// <summary>
    /// The optimizer, set at construction and changed by <see cref="SwitchOptimizer"/> or by loading a checkpoint that
    /// holds another one.
    /// </summary>
    public OptimizerKind Optimizer { get; private set; }

    /// <summary>
    /// Steps taken by the current optimizer state: equal to <see cref="Step"/> unless the optimizer was switched, when
    /// it restarts at 0. Adam's bias corrections 1 − β^t use it as t (Kingma and Ba 2015, Algorithm 1).
    /// </summary>
    public long OptimizerStep { get; private set; }

    /// <summary>The loss.</summary>
    public LossKind Loss { get; }

    /// <summary>Kernel threads.</summary>
    public int Threads { get; }

    /// <summary>Largest batch for <see cref="TrainStep"/>.</summary>
    public int MaxBatch => _network.MaxBatch;

    /// <summary>Floats per input sample.</summary>
    public int InputSize => _network.InputSize;

    /// <summary>Floats per output sample.</summary>
    public int OutputSize => _network.OutputSize;

    /// <summary>Floats per target: 1 for cross-entropy (the class index), OutputSize for MSE.</summary>
    public int TargetSize => _targetSize;

    /// <summary>Number of trainable parameters.</summary>
    public int ParameterCount => _network.ParameterCount;

    /// <summary>Number of weights (the penalised prefix of <see cref="Parameters"/>; biases follow).</summary>
    public int WeightCount => _network.WeightCount;

    /// <summary>Number of layers with weights (the indices of <see cref="TrainingHyperparameters.LayerPenalties"/>).</summary>
    public int WeightLayerCount => _weightLayers.Length;

    /// <summary>Forward multiply-adds per sample (conv and dense layers).</summary>
    public long MultiplyAddsPerSample => _network.MultiplyAddsPerSample;

    /// <summary>Optimizer steps taken.</summary>
    public long Step { get; private set; }

    /// <summary>All parameters: [weights of every layer in order | biases of every layer in order].</summary>
    public ReadOnlySpan<float> Parameters => _network.Parameters;

    /// <summary>Gradients of the last step, same layout as <see cref="Parameters"/> (penalties included).</summary>
    public ReadOnlySpan<float> Gradients => _network.Gradients;

    /// <summary>All live hyperparameters at once (validated).</summary>
    public TrainingHyperparameters Hyperparameters
    {
        get => _hyperparameters;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Validate(value);
            if (value.LayerPenalties is { } layers && layers.Count > _weightLayers.Length)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(value), layers.Count, $"{layers.Count} layer penalties given; the network has {_weightLayers.Length} layers with weights.");
            }

            _hyperparameters = value;
            _context.DropoutRate = value.Dropout;
        }
    }

    internal EngineRandom Random { get; }

    internal Network Network => _network;

    internal ReadOnlySpan<float> FirstMoment => _moment1;

    internal ReadOnlySpan<float> SecondMoment => _moment2;

    /// <summary>
    /// One optimizer step on a mini-batch: forward (training mode), loss, backward, penalties, update. Returns the
    /// batch's mean loss plus the L1/L2 penalty, both evaluated at the weights before the update.
    /// </summary>
    public float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch)
    {
        var loss = ComputeGradients(inputs, targets, batch, training: true);
        ApplyOptimizer();
        return (float)loss;
    }

    /// <summary>
    /// One optimizer step with a loss the caller defines on the outputs (<see cref="IOutputLoss"/>): forward (training
    /// mode), <paramref name="loss"/> writes dL/dy into a zeroed buffer, then backward, penalties and update exactly as
    /// <see cref="TrainStep(ReadOnlySpan{float}, ReadOnlySpan{float}, int)"/>; the trainer's own <see cref="Loss"/> is not
    /// used. Returns the loss plus the L1/L2 penalty, both at the weights before the update. Allocation-free for a
    /// struct loss.
    /// </summary>
    public float TrainStep<TLoss>(ReadOnlySpan<float> inputs, int batch, ref TLoss loss)
        where TLoss : IOutputLoss, allows ref struct
    {
        if (batch < 1 || batch > MaxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"Batch must be in [1, {MaxBatch}].");
        }

        if (inputs.Length < (long)batch * InputSize)
        {
            throw new ArgumentException($"{batch} samples need {batch * (long)InputSize} input floats; got {inputs.Length}.", nameof(inputs));
        }

        var x = inputs[..(batch * InputSize)];
        _network.Forward(x, batch, training: true, _context);
        var gradient = _network.OutputGradient(batch);
        gradient.Clear();
        var value = loss.Compute(_network.Output(batch), gradient, batch);
        _network.Backward(x, batch, _context);
        value += ApplyPenalties();
        ApplyOptimizer();
        return (float)value;
    }

    /// <summary>
    /// Mean loss (without penalties) over <paramref name="count"/> samples in inference mode, processed in chunks of
    /// <see cref="MaxBatch"/>, plus accuracy (cross-entropy) or mean squared error (MSE).
    /// </summary>
    public EvaluationResult Evaluate(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int count)
    {
        CheckData(inputs, targets, count, int.MaxValue);
        if (count == 0)
        {
            return new EvaluationResult(0, double.NaN, null, null);
        }

        var sum = 0.0;
        var correct = 0L;
        for (var start = 0; start < count; start += MaxBatch)
        {
            var n = Math.Min(MaxBatch, count - start);
            var x = inputs.Slice(start * InputSize, n * InputSize);
            var t = targets.Slice(start * _targetSize, n * _targetSize);
            _network.Forward(x, n, training: false, _context);
            sum += LossSum(t, n, 1f, out var c);
            correct += c;
        }

        if (Loss == LossKind.SoftmaxCrossEntropy)
        {
            return new EvaluationResult(count, sum / count, (double)correct / count, null);
        }

        var mse = sum / ((double)count * OutputSize);
        return new EvaluationResult(count, mse, null, mse);
    }

    /// <summary>Writes the network outputs (logits for cross-entropy) for <paramref name="count"/> samples, inference mode.</summary>
    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (inputs.Length < (long)count * InputSize || outputs.Length < (long)count * OutputSize)
        {
            throw new ArgumentException(
                $"Predicting {count} samples needs {count * (long)InputSize} inputs and {count * (long)OutputSize} outputs; got {inputs.Length} and {outputs.Length}.",
                nameof(inputs));
        }

        for (var start = 0; start < count; start += MaxBatch)
        {
            var n = Math.Min(MaxBatch, count - start);
            _network.Forward(inputs.Slice(start * InputSize, n * InputSize), n, training: false, _context);
            _network.Output(n).CopyTo(outputs.Slice(start * OutputSize, n * OutputSize));
        }
    }

    /// <summary>
    /// Copies the full state of <paramref name="other"/> (parameters, optimizer and its moments, step, optimizer step,
    /// RNG state and live hyperparameters) into this trainer. Both must have the same architecture and loss.
    /// </summary>
    public void CopyFrom(Trainer other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Fingerprint != Fingerprint || other.Loss != Loss)
        {
            throw new ArgumentException(
                $"Cannot copy state of '{other.Spec.Describe()}' ({other.Loss}) into '{Spec.Describe()}' ({Loss}).",
                nameof(other));
        }

        if (ReferenceEquals(other, this))
        {
            return;
        }

        other._network.Parameters.AsSpan().CopyTo(_network.Parameters);
        SetOptimizer(other.Optimizer, other.OptimizerStep);
        other._moment1.AsSpan().CopyTo(_moment1);
        if (other.Optimizer != OptimizerKind.Sgd)
        {
            // SGD never reads the second moment, and a switch to Adam zeroes it.
            other._moment2.AsSpan().CopyTo(_moment2);
        }
        Random.CopyFrom(other.Random);
        Step = other.Step;
        Hyperparameters = other._hyperparameters;
    }

    /// <summary>
    /// Makes <paramref name="optimizer"/> the optimizer of the next steps. Switching to another optimizer starts its
    /// state fresh — moments zeroed and <see cref="OptimizerStep"/> 0 — as constructing a new optimizer over the same
    /// parameters does in PyTorch: the old optimizer's moments estimate gradient statistics of other weights in another
    /// optimizer's units, so carrying them over has no sound meaning. The same optimizer again changes nothing.
    /// </summary>
    public void SwitchOptimizer(OptimizerKind optimizer)
    {
        if (!Enum.IsDefined(optimizer))
        {
            throw new ArgumentOutOfRangeException(nameof(optimizer), optimizer, "Unknown optimizer.");
        }

        if (optimizer == Optimizer)
        {
            return;
        }

        SetOptimizer(optimizer, 0);
        Array.Clear(_moment1);
        Array.Clear(_moment2);
    }

    /// <summary>
    /// Restarts the engine RNG (dropout masks) from <paramref name="seed"/>: a training segment's randomness then
    /// depends on that seed only, not on which member the weights came from.
    /// </summary>
    public void Reseed(ulong seed) => Random.CopyFrom(new EngineRandom(seed));

    /// <summary>Writes a checkpoint (format in <see cref="Checkpoint"/>).</summary>
    public void Save(Stream stream) => Checkpoint.Write(this, stream);

    /// <summary>
    /// Restores a checkpoint written by <see cref="Save"/>. Nothing changes unless the whole checkpoint is valid;
    /// otherwise throws <see cref="InvalidDataException"/> naming <paramref name="sourceName"/> and the problem.
    /// </summary>
    public void Load(Stream stream, string sourceName) => Checkpoint.Read(this, stream, sourceName);

    /// <summary>FNV-1a 64 over the parameter bits: a cheap identity of the current weights for tests and logs.</summary>
    public ulong ParameterHash()
    {
        var hash = 14695981039346656037UL;
        foreach (var b in MemoryMarshal.AsBytes(Parameters))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    internal void RestoreState(
        ReadOnlySpan<float> parameters, OptimizerKind optimizer, ReadOnlySpan<float> moment1, ReadOnlySpan<float> moment2,
        long step, long optimizerStep, ReadOnlySpan<ulong> randomState, TrainingHyperparameters hyperparameters)
    {
        Validate(hyperparameters); // before anything changes, so a bad checkpoint leaves the trainer as it was
        Random.SetState(randomState);
        parameters.CopyTo(_network.Parameters);
        SetOptimizer(optimizer, optimizerStep);
        moment1.CopyTo(_moment1);
        moment2.CopyTo(_moment2);
        Step = step;
        Hyperparameters = hyperparameters;
    }

    /// <summary>Sets the optimizer and its step count; the second moment buffer is allocated the first time an Adam variant needs it.</summary>
    private void SetOptimizer(OptimizerKind optimizer, long optimizerStep)
    {
        Optimizer = optimizer;
        OptimizerStep = optimizerStep;
        if (optimizer != OptimizerKind.Sgd && _moment2.Length == 0)
        {
            _moment2 = new float[_network.ParameterCount];
            _updateJob = new UpdateJob(_network.Parameters, _network.Gradients, _moment1, _moment2);
        }
    }

    /// <summary>Forward, loss, backward and penalties without an update; returns loss + penalty.</summary>
    internal double ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch, bool training)
    {
        CheckData(inputs, targets, batch, MaxBatch);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var x = inputs[..(batch * InputSize)];
        _network.Forward(x, batch, training, _context);
        var scale = Loss == LossKind.SoftmaxCrossEntropy ? 1f / batch : 1f / (batch * OutputSize);
        var loss = LossSum(targets[..(batch * _targetSize)], batch, scale, out _) * scale;
        _network.Backward(x, batch, _context);
        return loss + ApplyPenalties();
    }

    /// <summary>Adds the L1/L2 penalty gradients of the weights to <see cref="Gradients"/>; returns the penalty.</summary>
    private double ApplyPenalties()
    {
        var penalty = 0.0;
        if (_hyperparameters.LayerPenalties is null)
        {
            var w = _network.WeightCount;
            penalty = WeightPenalty.Apply(
                _network.Parameters.AsSpan(0, w), _network.Gradients.AsSpan(0, w), _hyperparameters.L1, _hyperparameters.L2);
        }
        else
        {
            for (var k = 0; k < _weightLayers.Length; k++)
            {
                var (offset, count) = _weightLayers[k];
                var (l1, l2) = LayerFactors(k);
                penalty += WeightPenalty.Apply(_network.Parameters.AsSpan(offset, count), _network.Gradients.AsSpan(offset, count), l1, l2);
            }
        }

        return penalty;
    }

    /// <summary>Forward and loss + penalty only (for finite-difference checks).</summary>
    internal double ComputeLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch, bool training)
    {
        CheckData(inputs, targets, batch, MaxBatch);
        _network.Forward(inputs[..(batch * InputSize)], batch, training, _context);
        var scale = Loss == LossKind.SoftmaxCrossEntropy ? 1.0 / batch : 1.0 / (batch * OutputSize);
        var loss = LossSum(targets[..(batch * _targetSize)], batch, 1f, out _) * scale;
        return loss + Penalty();
    }

    /// <summary>
    /// The current weight penalty Σ_layers λ₁·Σ|w| + λ₂·Σw² (in double precision, weights only), with the live L1/L2 or
    /// <see cref="TrainingHyperparameters.LayerPenalties"/>: what Keras adds to the loss it reports for l1_l2 regularisers.
    /// </summary>
    public double Penalty()
    {
        var total = 0.0;
        for (var k = 0; k < _weightLayers.Length; k++)
        {
            var (offset, count) = _weightLayers[k];
            var (l1, l2) = _hyperparameters.LayerPenalties is null ? (_hyperparameters.L1, _hyperparameters.L2) : LayerFactors(k);
            var abs = 0.0;
            var sq = 0.0;
            foreach (var v in _network.Parameters.AsSpan(offset, count))
            {
                abs += Math.Abs((double)v);
                sq += (double)v * v;
            }

            total += (l1 * abs) + (l2 * sq);
        }

        return total;
    }

    /// <summary>
    /// Copies only the parameters (weights and biases) of <paramref name="other"/>; this trainer keeps its optimizer
    /// moments, step count, RNG and hyperparameters — Keras's <c>model.set_weights(donor.get_weights())</c>, the exploit
    /// of paper 000's code. Same architecture required.
    /// </summary>
    public void CopyParametersFrom(Trainer other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Fingerprint != Fingerprint)
        {
            throw new ArgumentException($"Cannot copy weights of '{other.Spec.Describe()}' into '{Spec.Describe()}'.", nameof(other));
        }

        other._network.Parameters.AsSpan().CopyTo(_network.Parameters);
    }

    private (float L1, float L2) LayerFactors(int layer)
    {
        var list = _hyperparameters.LayerPenalties!;
        return layer < list.Count ? (list[layer].L1, list[layer].L2) : (_hyperparameters.L1, _hyperparameters.L2);
    }

    internal void ApplyOptimizer()
    {
        Step++;
        OptimizerStep++;
        var h = _hyperparameters;
        var parts = Threads > 1 && ParameterCount >= ParallelUpdateThreshold ? Threads : 1;
        if (Optimizer == OptimizerKind.Sgd)
        {
            _updateJob.SetSgd(h.LearningRate, h.Momentum, h.WeightDecay, h.Nesterov, parts);
            CpuWorkerPool.Run(_updateJob, parts);
            return;
        }

        var bc1 = 1.0 - Math.Pow(h.Beta1, OptimizerStep);
        var bc2 = 1.0 - Math.Pow(h.Beta2, OptimizerStep);
        var decoupled = Optimizer == OptimizerKind.AdamW;
        var scalars = new AdamScalars(
            h.Beta1,
            h.Beta2,
            (float)(h.LearningRate / bc1),
            (float)(1.0 / Math.Sqrt(bc2)),
            h.Epsilon,
            decoupled ? 0f : h.WeightDecay,
            decoupled ? 1f - (h.LearningRate * h.WeightDecay) : 1f);
        _updateJob.SetAdam(scalars, parts);
        CpuWorkerPool.Run(_updateJob, parts);
    }

    private double LossSum(ReadOnlySpan<float> targets, int batch, float gradientScale, out int correct)
    {
        var output = _network.Output(batch);
        var gradient = _network.OutputGradient(batch);
        if (Loss == LossKind.SoftmaxCrossEntropy)
        {
            return SoftmaxCrossEntropy.Compute(output, targets, batch, OutputSize, gradient, gradientScale, out correct);
        }

        correct = 0;
        return MeanSquaredError.Compute(output, targets, batch * OutputSize, gradient, gradientScale);
    }

    private void CheckData(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int count, int max)
    {
        if (count < 0 || count > max)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Batch must be in [1, {max}].");
        }

        if (inputs.Length < (long)count * InputSize || targets.Length < (long)count * _targetSize)
        {
            throw new ArgumentException(
                $"{count} samples need {count * (long)InputSize} input and {count * (long)_targetSize} target floats; got {inputs.Length} and {targets.Length}.",
                nameof(inputs));
        }
    }

    private static void Validate(TrainingHyperparameters h)
    {
        static void Check(bool ok, string name, float value, string expected)
        {
            if (!ok)
            {
                throw new ArgumentOutOfRangeException(name, value, $"{name} must be {expected}.");
            }
        }

        Check(float.IsFinite(h.LearningRate) && h.LearningRate >= 0f, nameof(h.LearningRate), h.LearningRate, "finite and ≥ 0");
        Check(h.Momentum is >= 0f and < 1f, nameof(h.Momentum), h.Momentum, "in [0, 1)");
        Check(h.Beta1 is >= 0f and < 1f, nameof(h.Beta1), h.Beta1, "in [0, 1)");
        Check(h.Beta2 is >= 0f and < 1f, nameof(h.Beta2), h.Beta2, "in [0, 1)");
        Check(float.IsFinite(h.Epsilon) && h.Epsilon > 0f, nameof(h.Epsilon), h.Epsilon, "finite and > 0");
        Check(float.IsFinite(h.WeightDecay) && h.WeightDecay >= 0f, nameof(h.WeightDecay), h.WeightDecay, "finite and ≥ 0");
        Check(float.IsFinite(h.L1) && h.L1 >= 0f, nameof(h.L1), h.L1, "finite and ≥ 0");
        Check(float.IsFinite(h.L2) && h.L2 >= 0f, nameof(h.L2), h.L2, "finite and ≥ 0");
        Check(h.Dropout is >= 0f and < 1f, nameof(h.Dropout), h.Dropout, "in [0, 1)");
        foreach (var p in h.LayerPenalties ?? [])
        {
            Check(p is not null && float.IsFinite(p.L1) && p.L1 >= 0f, nameof(LayerPenalty.L1), p?.L1 ?? float.NaN, "finite and ≥ 0 in every layer penalty");
            Check(float.IsFinite(p!.L2) && p.L2 >= 0f, nameof(LayerPenalty.L2), p.L2, "finite and ≥ 0 in every layer penalty");
        }
    }

    /// <summary>
    /// The optimizer update split over fixed, 16-float-aligned slices of the parameters. The update is element-wise
    /// and every element takes the same (vector or tail) path in any split, so results do not depend on the threads.
    /// </summary>
    private sealed class UpdateJob(float[] weights, float[] gradients, float[] moment1, float[] moment2) : ICpuJob
    {
        private AdamScalars _adam;
        private float _learningRate;
        private float _momentum;
        private float _weightDecay;
        private bool _nesterov;
        private bool _isSgd;
        private int _parts = 1;

        public void SetAdam(in AdamScalars scalars, int parts)
        {
            _adam = scalars;
            _isSgd = false;
            _parts = parts;
        }

        public void SetSgd(float learningRate, float momentum, float weightDecay, bool nesterov, int parts)
        {
            _learningRate = learningRate;
            _momentum = momentum;
            _weightDecay = weightDecay;
            _nesterov = nesterov;
            _isSgd = true;
            _parts = parts;
        }

        public void Execute(int part)
        {
            var n = weights.Length;
            var start = Boundary(n, part);
            var length = Boundary(n, part + 1) - start;
            var w = weights.AsSpan(start, length);
            var g = gradients.AsSpan(start, length);
            var m = moment1.AsSpan(start, length);
            if (_isSgd)
            {
                SgdStep.Apply(w, g, m, _learningRate, _momentum, _weightDecay, _nesterov);
            }
            else
            {
                AdamStep.Apply(w, g, m, moment2.AsSpan(start, length), _adam);
            }
        }

        private int Boundary(int n, int part) =>
            part >= _parts ? n : (int)((long)(n / 16) * part / _parts) * 16;
    }
}
