using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Engine.Training;

namespace Cohort.Training.Networks;

/// <summary>Options of <see cref="ConvNetTrainableFactory"/>: the shape used where the hyperparameters give none, and training settings.</summary>
public sealed record ConvNetTrainableOptions(
    ConvNetShape DefaultShape,
    OptimizerKind Optimizer,
    int BatchSize = 32,
    int EvaluationSamples = 0,
    int Threads = 1,
    int EvaluationBatch = 256,
    bool Dropout = true);

/// <summary>
/// Builds <see cref="ConvNetTrainable"/>s: LeNet-style classifiers whose shape comes from hyperparameters
/// (<see cref="ConvNetShape"/>), for paper 004's topology mode (sec. 4.2.3). Besides <c>loss</c> and <c>accuracy</c>
/// it reports the cost (<c>train_cost</c>: forward multiply-adds of the task's training batches, deterministic) and wall
/// seconds (<c>train_seconds</c>) of the task's training.
/// </summary>
public sealed class ConvNetTrainableFactory : ITrainableFactory
{
    public ConvNetTrainableFactory(ConvNetTrainableOptions options, DatasetSplits splits)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(splits);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        if (splits.Train.Task != TaskKind.Classification)
        {
            throw new ArgumentException("A conv-net trainable needs a classification dataset.", nameof(splits));
        }

        options.DefaultShape.Validate();
        Options = options;
        Splits = splits;
        Declaration = Declare(options.Optimizer, options.Dropout);
    }

    public ConvNetTrainableOptions Options { get; }

    public DatasetSplits Splits { get; }

    public IReadOnlyList<string> Metrics => Declaration.Metrics;

    /// <summary>The shape hyperparameters (<see cref="ConvNetShape"/>) and the training ones of <see cref="NetworkHyperparameters.Declare"/>.</summary>
    public TrainableDeclaration Declaration { get; }

    public bool HasTestSet => Splits.Test.Count > 0;

    /// <inheritdoc />
    public int ThreadsPerTrainable => Options.Threads;

    public ITrainable Create(ulong seed) => new ConvNetTrainable(this, seed);

    /// <summary>What a conv net trained with <paramref name="optimizer"/> accepts and reports; the same for every shape and dataset.</summary>
    public static TrainableDeclaration Declare(OptimizerKind optimizer, bool dropout)
    {
        // The layers with weights and the dropout layer do not depend on the sizes: any valid shape will do.
        var model = ConvNetShape.Paper004Original.Build([1, 28, 28], 10, dropout);
        return NetworkHyperparameters.Declare(model, optimizer, ["loss", "accuracy", ConvNetTrainable.CostMetric, ConvNetTrainable.SecondsMetric], ConvNetShape.Declarations, switchable: false);
    }
}
