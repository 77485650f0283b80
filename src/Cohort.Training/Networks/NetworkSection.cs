using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Engine.Models;
using Cohort.Engine.Training;
using Cohort.Spec;
using Cohort.Spec.Sections;
using Microsoft.Extensions.Logging;

namespace Cohort.Training.Networks;

/// <summary>
/// <c>kind: network</c>: a network from the engine (MLP, LeNet-5, the fully connected net, a conv net shaped by
/// hyperparameters) on a known dataset. What it accepts depends on the settings: the optimizer's hyperparameters, a
/// penalty per layer with weights, <c>dropout</c> only when the model has dropout; its metrics on the dataset's task.
/// </summary>
public sealed partial class NetworkSection : TrainableSection<NetworkSettings>
{
    private static readonly (string, NetworkModelKind)[] s_models = [("mlp", NetworkModelKind.Mlp), ("lenet5", NetworkModelKind.Lenet5), ("fc", NetworkModelKind.Fc), ("convnet", NetworkModelKind.Convnet)];
    private static readonly (string, ActivationKind)[] s_activations = [("relu", ActivationKind.Relu), ("tanh", ActivationKind.Tanh), ("sigmoid", ActivationKind.Sigmoid)];
    private static readonly (string, DataSplitKind)[] s_splits = [("seeded", DataSplitKind.Seeded), ("keras", DataSplitKind.Keras)];
    private static readonly (string, BatchOrder)[] s_batchOrders = [("shuffled", BatchOrder.Shuffled), ("sequential", BatchOrder.Sequential)];
    private static readonly string[] s_modelKeys = ["kind", "hidden", "activation", "dropout"];

    /// <summary>The datasets a network trainable may use (those of <see cref="DatasetCatalog"/>) and their task, which decides the metrics.</summary>
    public static IReadOnlyList<(string Name, TaskKind Task)> Datasets { get; } =
    [
        ("boston", TaskKind.Regression),
        ("california", TaskKind.Regression),
        ("mnist", TaskKind.Classification),
        ("fashion-mnist", TaskKind.Classification),
        ("cifar10", TaskKind.Classification),
    ];

    /// <inheritdoc/>
    public override string Name => "network";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Keys { get; } =
    [
        "dataset", "model", "optimizer", "batch_size", "validation_fraction", "test_fraction", "eval_samples", "standardize_targets",
        "split", "split_seed", "standardize_features", "batch_order", "loss_includes_penalty",
    ];

    /// <inheritdoc/>
    protected override NetworkSettings? Read(SpecMap map)
    {
        string? dataset = null;
        var names = Datasets.Select(d => d.Name).ToArray();
        if (map.Required("dataset") is { } d && d.Text() is { } name)
        {
            if (names.Contains(name, StringComparer.Ordinal))
            {
                dataset = name;
            }
            else
            {
                d.Error($"unknown dataset; expected one of {string.Join(", ", names)}{NameSuggestions.DidYouMean(name, names)}", name);
            }
        }

        var model = map.Get("model") is { } modelNode ? Model(modelNode) : new NetworkModel(NetworkModelKind.Mlp, SpecList.Of(64), ActivationKind.Relu, false);
        var optimizer = map.Choice("optimizer", OptimizerKind.Adam, NetworkHyperparameters.Optimizers);
        var batch = map.Whole("batch_size", 32, x => x is >= 1 and <= NetworkHyperparameters.MaxBatchSize, "an integer in [1, 1048576]");
        var validation = map.Number("validation_fraction", 0.2, x => x is > 0 and < 1, "a number in (0, 1)");
        var test = map.Number("test_fraction", 0.2, x => x is >= 0 and < 1, "a number in [0, 1)");
        var evalSamples = map.Whole("eval_samples", 0, x => x is >= 0 and <= int.MaxValue, "an integer ≥ 0 (0 = all)");
        if (validation is { } vv && test is { } tt && vv + tt >= 1)
        {
            map.Error(map.Has("test_fraction") ? "test_fraction" : "validation_fraction", FormattableString.Invariant($"validation_fraction + test_fraction must be below 1 (they add up to {vv + tt})"));
        }

        var standardizeTargets = map.Bool("standardize_targets", false);
        if (dataset is null || model is null || optimizer is null || batch is null || validation is null || test is null || evalSamples is null || standardizeTargets is null)
        {
            return null;
        }

        var split = map.Choice("split", DataSplitKind.Seeded, s_splits);
        var splitSeed = map.Whole("split_seed", 113, x => x is >= 0 and <= uint.MaxValue, "an integer in [0, 4294967295]");
        map.OnlyFor("split_seed", split == DataSplitKind.Keras, "split keras");
        var standardizeFeatures = map.Bool("standardize_features", true);
        var batchOrder = map.Choice("batch_order", BatchOrder.Shuffled, s_batchOrders);
        var penaltyInLoss = map.Bool("loss_includes_penalty", false);
        if (split is null || splitSeed is null || standardizeFeatures is null || batchOrder is null || penaltyInLoss is null)
        {
            return null;
        }

        return new NetworkSettings(dataset, model, optimizer.Value, (int)batch.Value, validation.Value, test.Value, (int)evalSamples.Value, standardizeTargets.Value)
        {
            Split = split.Value,
            SplitSeed = (uint)splitSeed.Value,
            StandardizeFeatures = standardizeFeatures.Value,
            BatchOrder = batchOrder.Value,
            LossIncludesPenalty = penaltyInLoss.Value,
        };
    }

    /// <inheritdoc/>
    protected override void Write(NetworkSettings settings, SpecWriter writer)
    {
        writer.Write("dataset", settings.Dataset);
        writer.Nested("model", m =>
        {
            m.Write("kind", s_models.First(x => x.Item2 == settings.Model.Kind).Item1);
            if (settings.Model.Kind is not NetworkModelKind.Lenet5 and not NetworkModelKind.Convnet)
            {
                m.Write("hidden", settings.Model.Hidden.Select(h => (long)h));
            }

            m.Write("activation", s_activations.First(x => x.Item2 == settings.Model.Activation).Item1);
            m.Write("dropout", settings.Model.Dropout);
        });
        writer.Write("optimizer", NetworkHyperparameters.OptimizerName(settings.Optimizer));
        writer.Write("batch_size", settings.BatchSize);
        writer.Write("validation_fraction", settings.ValidationFraction);
        writer.Write("test_fraction", settings.TestFraction);
        writer.Write("eval_samples", settings.EvalSamples);
        writer.Write("standardize_targets", settings.StandardizeTargets);
        writer.Write("split", settings.Split == DataSplitKind.Keras ? "keras" : "seeded");
        if (settings.Split == DataSplitKind.Keras)
        {
            writer.Write("split_seed", settings.SplitSeed);
        }

        writer.Write("standardize_features", settings.StandardizeFeatures);
        writer.Write("batch_order", settings.BatchOrder == BatchOrder.Sequential ? "sequential" : "shuffled");
        writer.Write("loss_includes_penalty", settings.LossIncludesPenalty);
    }

    /// <inheritdoc/>
    protected override TrainableDeclaration Declare(NetworkSettings settings)
    {
        if (settings.Model.Kind == NetworkModelKind.Convnet)
        {
            return ConvNetTrainableFactory.Declare(settings.Optimizer, settings.Model.Dropout);
        }

        // Input and output sizes do not change which layers have weights or dropout: the data need not be loaded.
        var task = Datasets.First(d => d.Name == settings.Dataset).Task;
        return NetworkHyperparameters.Declare(Model(settings, 1, 1), settings.Optimizer, NetworkHyperparameters.Metrics(task));
    }

    /// <inheritdoc/>
    protected override async Task<ITrainableFactory> CreateFactoryAsync(NetworkSettings settings, TrainableContext context, CancellationToken cancellationToken)
    {
        var splits = await SplitsAsync(settings, context, cancellationToken).ConfigureAwait(false);
        var train = splits.Train;
        var classification = train.Task == TaskKind.Classification;
        if (settings.Model.Kind == NetworkModelKind.Convnet)
        {
            return new ConvNetTrainableFactory(
                new ConvNetTrainableOptions(ConvNetShape.Paper004Original, settings.Optimizer, settings.BatchSize, settings.EvalSamples, Dropout: settings.Model.Dropout),
                splits);
        }

        var model = Model(settings, train.SampleSize, classification ? train.ClassCount : train.TargetWidth);
        var loss = classification ? LossKind.SoftmaxCrossEntropy : LossKind.MeanSquaredError;
        return new NetworkTrainableFactory(
            new NetworkTrainableOptions(model, settings.Optimizer, loss, settings.BatchSize, settings.EvalSamples)
            {
                BatchOrder = settings.BatchOrder,
                LossIncludesPenalty = settings.LossIncludesPenalty,
                MaxBatchSize = LargestBatch(settings, context),
            },
            splits);
    }

    /// <summary>
    /// The largest batch a member can train on: the setting, or the upper bound (or value) of <c>batch_size</c> when the
    /// experiment's hyperparameters list it — explore keeps values inside the bounds, so the buffers never grow.
    /// </summary>
    private static int LargestBatch(NetworkSettings settings, TrainableContext context) =>
        context.Space?.Parameters.FirstOrDefault(p => p.Name == NetworkHyperparameters.BatchSize) switch
        {
            NumericParameter n => (int)Math.Min(n.Upper, NetworkHyperparameters.MaxBatchSize),
            ConstantParameter { Value.IsCategorical: false } k => (int)Math.Min(k.Value.Number, NetworkHyperparameters.MaxBatchSize),
            _ => settings.BatchSize,
        };

    /// <summary>The engine model of an mlp, fc or lenet5 network with <paramref name="inputs"/> features and <paramref name="outputs"/> outputs.</summary>
    private static ModelSpec Model(NetworkSettings settings, int inputs, int outputs) => settings.Model.Kind switch
    {
        NetworkModelKind.Lenet5 => ModelSpec.LeNet5(settings.Model.Dropout),
        _ => ModelSpec.Mlp(inputs, settings.Model.Hidden.ToArray(), outputs, settings.Model.Activation, settings.Model.Dropout),
    };

    /// <summary>
    /// The data directory of <paramref name="context"/> with every file of <paramref name="dataset"/> in it: missing
    /// files are downloaded (checksums verified), and the download is logged. For any trainable kind that reads one of
    /// <see cref="Datasets"/>.
    /// </summary>
    public static async Task<DataDirectory> EnsureDatasetAsync(string dataset, TrainableContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = DataDirectory.Resolve(context.DataDirectory);
        if (!DatasetCatalog.Requirements(dataset).All(alternatives => alternatives.Any(data.Contains)))
        {
            Downloading(context.Logger, dataset, data.Root);
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
            await DatasetCatalog.EnsureFilesAsync(dataset, data, new DatasetDownloader(http), cancellationToken).ConfigureAwait(false);
        }

        return data;
    }

    private static async Task<DatasetSplits> SplitsAsync(NetworkSettings n, TrainableContext context, CancellationToken cancellationToken)
    {
        var data = await EnsureDatasetAsync(n.Dataset, context, cancellationToken).ConfigureAwait(false);
        if (n.Split == DataSplitKind.Keras)
        {
            // The split: keras protocol (paper 000's code): see KerasSplitter.
            if (n.StandardizeTargets)
            {
                throw new ArgumentException("split: keras keeps targets raw; standardize_targets must be false with it.", nameof(n));
            }

            return KerasSplitter.Split(DatasetCatalog.LoadRaw(n.Dataset, data), new KerasSplitOptions(n.TestFraction, n.ValidationFraction, n.SplitSeed, n.StandardizeFeatures));
        }

        return DatasetCatalog.Load(n.Dataset, data, new SplitOptions
        {
            ValidationFraction = n.ValidationFraction,
            TestFraction = n.TestFraction,
            Seed = context.Seed,
            StandardizeTargets = n.StandardizeTargets,
            FeatureScaling = n.StandardizeFeatures ? FeatureScaling.Auto : FeatureScaling.None,
        });
    }

    private static NetworkModel? Model(SpecNode node)
    {
        var map = node.AsMap(s_modelKeys);
        if (map is null)
        {
            return null;
        }

        var kind = map.Choice("kind", NetworkModelKind.Mlp, s_models);
        var activation = map.Choice("activation", ActivationKind.Relu, s_activations);
        var dropout = map.Bool("dropout", false);
        SpecList<int>? hidden = kind switch
        {
            NetworkModelKind.Fc => SpecList.Of(1024, 1024),
            NetworkModelKind.Lenet5 or NetworkModelKind.Convnet => SpecList<int>.Empty,
            _ => SpecList.Of(64),
        };
        if (map.Get("hidden") is { } h)
        {
            if (kind is NetworkModelKind.Lenet5 or NetworkModelKind.Convnet)
            {
                h.Error("lenet5 and convnet have fixed layers; hidden is only for mlp and fc");
            }
            else
            {
                hidden = map.Widths("hidden", 1, 1 << 20, "a layer width");
            }
        }

        return kind is null || activation is null || dropout is null || hidden is null ? null : new NetworkModel(kind.Value, hidden, activation.Value, dropout.Value);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Dataset '{Dataset}' is not in {Root}: downloading it (checksums verified).")]
    private static partial void Downloading(ILogger logger, string dataset, string root);
}
