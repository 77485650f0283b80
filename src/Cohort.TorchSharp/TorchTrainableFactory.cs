using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Engine.Models;
using Cohort.TorchSharp.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cohort.TorchSharp;

/// <summary>How members of a supervised TorchSharp run are built.</summary>
/// <param name="Architecture">
/// The model's name, stored in every checkpoint and checked when one is read (a checkpoint of another model is refused
/// with both names), e.g. <c>mlp-13-64-1</c>.
/// </param>
/// <param name="Model">
/// Builds one member's module from the member's generator. The module must draw its initial weights and any randomness
/// in its forward pass (dropout) from that generator (see <see cref="TorchInit"/>, <see cref="GeneratorDropout"/>):
/// LibTorch's default generator is shared by all threads, so a module that uses it (for example <c>nn.Dropout</c>) is
/// deterministic only when one member trains at a time.
/// </param>
/// <param name="Optimizer">The optimizer; see <see cref="CreateOptimizer"/> for one of your own.</param>
/// <param name="BatchSize">Mini-batch size.</param>
/// <param name="EvaluationSamples">Cap on validation (and training-split) samples per evaluation; 0 = the whole split. The test split is always whole.</param>
/// <param name="Threads">LibTorch intra-op threads per member (<see cref="TorchThreads"/>); 1 when members train in parallel.</param>
/// <param name="EvaluationBatch">Chunk size of inference during evaluation.</param>
public sealed record TorchTrainableOptions(
    string Architecture,
    Func<torch.Generator, nn.Module<Tensor, Tensor>> Model,
    TorchOptimizerKind Optimizer = TorchOptimizerKind.Adam,
    int BatchSize = 32,
    int EvaluationSamples = 0,
    int Threads = 1,
    int EvaluationBatch = 256)
{
    /// <summary>
    /// A user's optimizer over the module's parameters, replacing <see cref="Optimizer"/>. Its parameter groups take
    /// the live hyperparameters its type supports (SGD, Adam, AdamW, RMSprop: see <see cref="TorchTrainableFactory"/>;
    /// any other: <c>learning_rate</c> only).
    /// </summary>
    public Func<IEnumerable<Parameter>, OptimizerHelper>? CreateOptimizer { get; init; }

    /// <summary>
    /// Further live module settings by hyperparameter name, each given the root module and the value — for example a
    /// temperature or a label-smoothing factor a module exposes. <c>dropout</c> is built in (every
    /// <see cref="GeneratorDropout"/> and <c>nn.Dropout</c> in the module).
    /// </summary>
    public IReadOnlyDictionary<string, Action<nn.Module, double>> ModuleSettings { get; init; } =
        new Dictionary<string, Action<nn.Module, double>>(StringComparer.Ordinal);

    /// <summary>
    /// Whether the reported <c>loss</c> includes the weight penalty (λ₁Σ|w| + λ₂Σw²), as Keras reports it; false
    /// (default): the data loss alone. <c>mse</c>/<c>rmse</c> never include it.
    /// </summary>
    public bool LossIncludesPenalty { get; init; }
}

/// <summary>
/// Builds <see cref="TorchTrainable"/>s over one set of Cohort's dataset splits (<c>Cohort.Engine.Data</c>: the same
/// seeded splits as the engine's trainables). Building the factory loads TorchSharp's native backend
/// (<see cref="TorchRuntime.EnsureAvailable"/>), so a missing or unloadable backend fails before a run starts.
/// <para>
/// Hyperparameters (names, types, ranges) a member accepts: <c>learning_rate</c> (float ≥ 0); <c>momentum</c> (float ≥ 0,
/// SGD); <c>beta1</c>, <c>beta2</c> (float in [0, 1), Adam/AdamW); <c>epsilon</c> (float ≥ 0, Adam/AdamW);
/// <c>weight_decay</c> (float ≥ 0); <c>l1</c>, <c>l2</c> (float ≥ 0: λ₁Σ|w| + λ₂Σw² over the weights added to the
/// training loss) and per layer <c>l1_K</c>, <c>l2_K</c> (K counts the layers with weights); <c>dropout</c> (float in
/// [0, 1), models with dropout layers); and the names of <see cref="TorchTrainableOptions.ModuleSettings"/>. Absent names
/// take their defaults (learning rate 1e-3, β 0.9/0.999, ε 1e-8, everything else 0). Metrics: classification
/// <c>loss</c> (mean cross-entropy), <c>accuracy</c>; regression <c>loss</c> (mean squared error in training units),
/// <c>mse</c> and <c>rmse</c> in the target's own units.
/// </para>
/// </summary>
public sealed class TorchTrainableFactory : ITrainableFactory
{
    /// <summary>Creates the factory; loads TorchSharp's backend (throws <see cref="TorchUnavailableException"/>).</summary>
    public TorchTrainableFactory(TorchTrainableOptions options, DatasetSplits splits)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(splits);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Architecture);
        ArgumentNullException.ThrowIfNull(options.Model);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.EvaluationBatch, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.EvaluationSamples);
        if (splits.TargetScaler is { Std.Count: > 1 })
        {
            throw new ArgumentException("Standardised targets are supported for one target column only.", nameof(splits));
        }

        TorchRuntime.EnsureAvailable();
        Options = options;
        Splits = splits;
        Metrics = splits.Train.Task == TaskKind.Classification ? ["loss", "accuracy"] : ["loss", "mse", "rmse"];
        TargetVarianceScale = splits.TargetScaler is { Std.Count: 1 } scaler ? (double)scaler.Std[0] * scaler.Std[0] : 1.0;
    }

    /// <summary>The options members are built with.</summary>
    public TorchTrainableOptions Options { get; }

    /// <summary>The dataset splits members train and evaluate on (shared, read-only).</summary>
    public DatasetSplits Splits { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Metrics { get; }

    /// <summary>σ² of the targets when they were standardised (MSE in training units × this = MSE in target units); 1 otherwise.</summary>
    public double TargetVarianceScale { get; }

    /// <inheritdoc />
    public bool HasTestSet => Splits.Test.Count > 0;

    /// <summary>LibTorch threads one member uses while it trains or evaluates (<see cref="TorchThreads.WorkersFor"/> gives the workers that fit).</summary>
    public int ThreadsPerTrainable => Options.Threads;

    /// <inheritdoc />
    public ITrainable Create(ulong seed) => new TorchTrainable(this, seed);

    /// <summary>
    /// A factory for a built-in model by name over <paramref name="splits"/>: <c>mlp</c> (<paramref name="hidden"/> units,
    /// default [64]; paper 000's Boston 13-64-1), <c>fc</c> (hidden [1024, 1024]; paper 003) or <c>lenet5</c>
    /// ([1, 28, 28] images). Inputs and outputs follow the dataset (classes for classification, target columns for
    /// regression).
    /// </summary>
    public static TorchTrainableFactory Builtin(
        string model,
        DatasetSplits splits,
        TorchOptimizerKind optimizer = TorchOptimizerKind.Adam,
        int batchSize = 32,
        IReadOnlyList<int>? hidden = null,
        bool dropout = false,
        int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(splits);
        var train = splits.Train;
        var outputs = train.Task == TaskKind.Classification ? train.ClassCount : train.TargetWidth;
        IReadOnlyList<int> units = model switch
        {
            "mlp" => hidden ?? [64],
            "fc" => hidden ?? [1024, 1024],
            "lenet5" => [],
            _ => throw new ArgumentException($"Unknown built-in TorchSharp model '{model}'; known: mlp, fc, lenet5.", nameof(model)),
        };
        if (model == "lenet5" && !train.Shape.SequenceEqual([1, 28, 28]))
        {
            throw new ArgumentException($"lenet5 takes [1, 28, 28] images; dataset '{train.Name}' has [{string.Join(", ", train.Shape.ToArray())}].", nameof(splits));
        }

        var architecture = model == "lenet5"
            ? "lenet5" + (dropout ? "-dropout" : "")
            : $"mlp-{train.SampleSize}-{string.Join('-', units)}-{outputs}" + (dropout ? "-dropout" : "");
        Func<torch.Generator, nn.Module<Tensor, Tensor>> build = model == "lenet5"
            ? g => TorchModels.LeNet5(g, dropout)
            : g => TorchModels.Mlp(train.SampleSize, units, outputs, g, ActivationKind.Relu, dropout);
        return new TorchTrainableFactory(new TorchTrainableOptions(architecture, build, optimizer, batchSize, Threads: threads), splits);
    }
}
