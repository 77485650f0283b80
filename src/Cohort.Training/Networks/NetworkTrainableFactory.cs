using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Engine.Models;
using Cohort.Engine.Training;

namespace Cohort.Training.Networks;

/// <summary>How members of a network run are built.</summary>
/// <param name="Model">The architecture.</param>
/// <param name="Optimizer">The optimizer.</param>
/// <param name="Loss">The loss (cross-entropy for classification, MSE for regression).</param>
/// <param name="BatchSize">Mini-batch size.</param>
/// <param name="EvaluationSamples">Cap on validation samples per evaluation; 0 = the whole split.</param>
/// <param name="Threads">Kernel threads per member (1 when members train in parallel).</param>
/// <param name="EvaluationBatch">Chunk size of inference during evaluation.</param>
public sealed record NetworkTrainableOptions(
    ModelSpec Model,
    OptimizerKind Optimizer,
    LossKind Loss,
    int BatchSize = 32,
    int EvaluationSamples = 0,
    int Threads = 1,
    int EvaluationBatch = 256)
{
    /// <summary>How mini-batches are drawn: a fresh shuffle per task (default) or the same sequence for every member.</summary>
    public BatchOrder BatchOrder { get; init; } = BatchOrder.Shuffled;

    /// <summary>
    /// Whether the reported <c>loss</c> metric includes the weight penalty (λ₁Σ|w| + λ₂Σw²), as Keras's
    /// <c>model.evaluate</c> reports it; false (default): the data loss alone. <c>mse</c>/<c>rmse</c> never include it.
    /// </summary>
    public bool LossIncludesPenalty { get; init; }

    /// <summary>
    /// The largest batch a member trains on (buffers are sized for it): <see cref="BatchSize"/> unless <c>batch_size</c>
    /// is a hyperparameter, then its upper bound. Null: <see cref="BatchSize"/>.
    /// </summary>
    public int? MaxBatchSize { get; init; }

    /// <summary><see cref="MaxBatchSize"/>, or <see cref="BatchSize"/> when it is not set or smaller.</summary>
    public int LargestBatch => Math.Max(BatchSize, MaxBatchSize ?? BatchSize);
}

/// <summary>The order of training mini-batches.</summary>
public enum BatchOrder
{
    /// <summary>Each task draws a fresh permutation of the training split from its seed (Cohort's default).</summary>
    Shuffled,

    /// <summary>
    /// Step t (the member's step count) trains on batch t mod B of the training split in its stored order, B = ceil(n /
    /// batch) with a short last batch: every member sees the same sequence, with no shuffling — paper 000's Keras code
    /// (one shared batch generator, one batch per population step).
    /// </summary>
    Sequential,
}

/// <summary>Builds <see cref="NetworkTrainable"/>s sharing one set of read-only dataset splits.</summary>
public sealed class NetworkTrainableFactory : ITrainableFactory
{
    public NetworkTrainableFactory(NetworkTrainableOptions options, DatasetSplits splits)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(splits);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        Options = options;
        Splits = splits;
        Metrics = NetworkHyperparameters.Metrics(splits.Train.Task);
        Declaration = NetworkHyperparameters.Declare(options.Model, options.Optimizer, Metrics);
        TargetVarianceScale = splits.TargetScaler is { Std.Count: 1 } scaler ? (double)scaler.Std[0] * scaler.Std[0] : 1.0;
        if (splits.TargetScaler is { Std.Count: > 1 })
        {
            throw new ArgumentException("Standardised targets are supported for one target column only.", nameof(splits));
        }
    }

    public NetworkTrainableOptions Options { get; }

    public DatasetSplits Splits { get; }

    public IReadOnlyList<string> Metrics { get; }

    /// <summary>The training hyperparameters of <see cref="NetworkHyperparameters.Declare"/> for this model and optimizer.</summary>
    public TrainableDeclaration Declaration { get; }

    /// <summary>
    /// σ² of the targets when the splits were standardised with one target column (so MSE in standardised units times
    /// this is MSE in the target's units); 1 otherwise.
    /// </summary>
    public double TargetVarianceScale { get; }

    public bool HasTestSet => Splits.Test.Count > 0;

    /// <inheritdoc />
    public int ThreadsPerTrainable => Options.Threads;

    public ITrainable Create(ulong seed) => new NetworkTrainable(this, seed);
}
