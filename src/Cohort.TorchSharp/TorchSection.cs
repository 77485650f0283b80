using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Engine.Models;
using Cohort.Spec;
using Cohort.Spec.Sections;
using Cohort.Training.Networks;
using Cohort.TorchSharp.Gan;
using Cohort.TorchSharp.Translation;
using Microsoft.Extensions.Logging;

namespace Cohort.TorchSharp;

/// <summary>
/// <c>kind: torch</c>: a built-in TorchSharp model — <c>mlp</c>, <c>fc</c>, <c>lenet5</c> (<see cref="TorchTrainable"/>)
/// or paper 002's <c>dcgan</c> (<see cref="GanTrainable"/>) on one of the datasets of the engine's <c>network</c> kind,
/// or paper 002's translation model <c>seq2seq</c> on the generated <c>numbers-en-fr</c> corpus.
/// What it accepts is declared from the settings alone (<see cref="TorchHyperparameters"/>), so <c>cohort validate</c>
/// works without LibTorch; building the factory loads LibTorch and fails with <see cref="TorchUnavailableException"/>
/// (a <see cref="PlatformNotSupportedException"/>) when it cannot. Register it with <c>catalog.Add(new TorchSection())</c>
/// or <c>[assembly: SpecSection(typeof(TorchSection))]</c> in a host.
/// </summary>
public sealed partial class TorchSection : TrainableSection<TorchSettings>
{
    /// <summary>The kind's name in specs.</summary>
    public const string KindName = "torch";

    private static readonly (string, TorchModelKind)[] s_models = [("mlp", TorchModelKind.Mlp), ("fc", TorchModelKind.Fc), ("lenet5", TorchModelKind.Lenet5), ("dcgan", TorchModelKind.Dcgan), ("seq2seq", TorchModelKind.Seq2Seq)];
    private static readonly (string, TorchOptimizerKind)[] s_optimizers = [("adam", TorchOptimizerKind.Adam), ("adamw", TorchOptimizerKind.AdamW), ("sgd", TorchOptimizerKind.Sgd)];
    private static readonly (string, ActivationKind)[] s_activations = [("relu", ActivationKind.Relu), ("tanh", ActivationKind.Tanh), ("sigmoid", ActivationKind.Sigmoid)];
    private static readonly string[] s_gridDatasets = ["mnist", "fashion-mnist"];

    private readonly string _classifierCache;

    /// <summary>The kind, caching the GAN score's classifier in <see cref="DefaultClassifierCache"/>.</summary>
    public TorchSection()
        : this(DefaultClassifierCache)
    {
    }

    /// <summary>The kind, caching the GAN score's classifier in <paramref name="classifierCache"/>.</summary>
    public TorchSection(string classifierCache)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(classifierCache);
        _classifierCache = classifierCache;
    }

    /// <inheritdoc/>
    public override string Name => KindName;

    /// <inheritdoc/>
    public override IReadOnlyList<string> Keys { get; } =
    [
        "model", "dataset", "batch_size", "threads", "validation_fraction", "test_fraction",
        "optimizer", "hidden", "activation", "dropout", "eval_samples", "standardize_targets",
        "width", "latent", "score_samples", "classifier_epochs", "embedding", "units",
    ];

    /// <summary>Where the GAN score's classifier is cached by default: <c>cohort/classifiers</c> under the user's local application data (else the temporary folder).</summary>
    public static string DefaultClassifierCache
    {
        get
        {
            var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            return Path.Combine(string.IsNullOrEmpty(root) ? Path.GetTempPath() : root, "cohort", "classifiers");
        }
    }

    /// <inheritdoc/>
    protected override TorchSettings? Read(SpecMap map)
    {
        var model = map.Required("model") is { } m ? m.Choice(s_models) : null;
        var dataset = Dataset(map, model);
        var gan = model == TorchModelKind.Dcgan;
        var supervised = model is not null && !gan;
        var batch = map.Whole("batch_size", gan ? 64 : 32, x => x is >= 1 and <= 1 << 20, "an integer in [1, 1048576]");
        var threads = map.Whole("threads", 1, x => x is >= 1 and <= 1024, "an integer in [1, 1024] (LibTorch threads per member)");
        var validation = map.Number("validation_fraction", 0.2, x => x is > 0 and < 1, "a number in (0, 1)");
        var test = map.Number("test_fraction", 0.2, x => x is >= 0 and < 1, "a number in [0, 1)");
        if (validation is { } vv && test is { } tt && vv + tt >= 1)
        {
            map.Error(map.Has("test_fraction") ? "test_fraction" : "validation_fraction", FormattableString.Invariant($"validation_fraction + test_fraction must be below 1 (they add up to {vv + tt})"));
        }

        var mlp = model is TorchModelKind.Mlp or TorchModelKind.Fc;
        var translation = model == TorchModelKind.Seq2Seq;
        foreach (var key in new[] { "optimizer", "eval_samples" })
        {
            map.OnlyFor(key, !gan, "models mlp, fc, lenet5 and seq2seq");
        }

        map.OnlyFor("dropout", !gan && !translation, "models mlp, fc and lenet5 (seq2seq always has the dropout hyperparameter)");
        foreach (var key in new[] { "embedding", "units" })
        {
            map.OnlyFor(key, translation || model is null, "model seq2seq");
        }

        foreach (var key in new[] { "hidden", "activation" })
        {
            map.OnlyFor(key, mlp || model is null, "models mlp and fc");
        }

        var regression = dataset is not null && !translation && NetworkSection.Datasets.First(d => d.Name == dataset).Task == TaskKind.Regression;
        map.OnlyFor("standardize_targets", regression || dataset is null, "regression datasets (boston, california)");
        foreach (var key in new[] { "width", "latent", "score_samples", "classifier_epochs" })
        {
            map.OnlyFor(key, gan || model is null, "model dcgan");
        }

        var optimizer = map.Choice("optimizer", TorchOptimizerKind.Adam, s_optimizers);
        var activation = map.Choice("activation", ActivationKind.Relu, s_activations);
        var dropout = map.Bool("dropout", false);
        var evalSamples = map.Whole("eval_samples", 0, x => x is >= 0 and <= int.MaxValue, "an integer ≥ 0 (0 = all)");
        var standardize = map.Bool("standardize_targets", false);
        var hidden = map.Has("hidden") ? map.Widths("hidden", 1, 1 << 20, "a layer width") : model == TorchModelKind.Fc ? SpecList.Of(1024, 1024) : SpecList.Of(64);
        var width = map.Whole("width", 64, x => x is >= 1 and <= 4096, "an integer in [1, 4096]");
        var latent = map.Whole("latent", 100, x => x is >= 1 and <= 65536, "an integer in [1, 65536]");
        var scoreSamples = map.Whole("score_samples", 1000, x => x is >= 1 and <= 1_000_000, "an integer in [1, 1000000]");
        var embedding = map.Whole("embedding", 32, x => x is >= 1 and <= 4096, "an integer in [1, 4096]");
        var units = map.Whole("units", 64, x => x is >= 1 and <= 4096, "an integer in [1, 4096]");
        var classifierEpochs = map.Whole("classifier_epochs", new ClassifierRecipe().Epochs, x => x is >= 1 and <= 1000, "an integer in [1, 1000]");
        if (model is null || dataset is null || batch is null || threads is null || validation is null || test is null || optimizer is null
            || activation is null || dropout is null || evalSamples is null || standardize is null || hidden is null || width is null
            || latent is null || scoreSamples is null || classifierEpochs is null || embedding is null || units is null)
        {
            return null;
        }

        return new TorchSettings(model.Value, dataset, (int)batch.Value, (int)threads.Value, validation.Value, test.Value)
        {
            Optimizer = supervised ? optimizer.Value : TorchOptimizerKind.Adam,
            Hidden = mlp ? hidden : SpecList<int>.Empty,
            Activation = activation.Value,
            Dropout = supervised && !translation && dropout.Value,
            EvalSamples = (int)evalSamples.Value,
            StandardizeTargets = standardize.Value,
            Width = (int)width.Value,
            Latent = (int)latent.Value,
            ScoreSamples = (int)scoreSamples.Value,
            ClassifierEpochs = (int)classifierEpochs.Value,
            Embedding = (int)embedding.Value,
            Units = (int)units.Value,
        };
    }

    /// <inheritdoc/>
    protected override void Write(TorchSettings settings, SpecWriter writer)
    {
        ArgumentNullException.ThrowIfNull(settings);
        writer.Write("model", s_models.First(x => x.Item2 == settings.Model).Item1);
        writer.Write("dataset", settings.Dataset);
        writer.Write("batch_size", settings.BatchSize);
        writer.Write("threads", settings.Threads);
        writer.Write("validation_fraction", settings.ValidationFraction);
        writer.Write("test_fraction", settings.TestFraction);
        if (settings.Model == TorchModelKind.Dcgan)
        {
            writer.Write("width", settings.Width);
            writer.Write("latent", settings.Latent);
            writer.Write("score_samples", settings.ScoreSamples);
            writer.Write("classifier_epochs", settings.ClassifierEpochs);
            return;
        }

        writer.Write("optimizer", s_optimizers.First(x => x.Item2 == settings.Optimizer).Item1);
        if (settings.Model == TorchModelKind.Seq2Seq)
        {
            writer.Write("embedding", settings.Embedding);
            writer.Write("units", settings.Units);
            writer.Write("eval_samples", settings.EvalSamples);
            return;
        }

        if (settings.Model is TorchModelKind.Mlp or TorchModelKind.Fc)
        {
            writer.Write("hidden", settings.Hidden.Select(h => (long)h));
            writer.Write("activation", s_activations.First(x => x.Item2 == settings.Activation).Item1);
        }

        writer.Write("dropout", settings.Dropout);
        writer.Write("eval_samples", settings.EvalSamples);
        if (NetworkSection.Datasets.First(d => d.Name == settings.Dataset).Task == TaskKind.Regression)
        {
            writer.Write("standardize_targets", settings.StandardizeTargets);
        }
    }

    /// <inheritdoc/>
    protected override TrainableDeclaration Declare(TorchSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Model == TorchModelKind.Dcgan)
        {
            return TorchHyperparameters.Gan(KindName);
        }

        if (settings.Model == TorchModelKind.Seq2Seq)
        {
            return TorchHyperparameters.Translation(KindName, settings.Optimizer);
        }

        // Layers with weights: each hidden layer and the output (mlp, fc); LeNet-5's two convolutions and three dense layers.
        var layers = settings.Model == TorchModelKind.Lenet5 ? 5 : settings.Hidden.Count + 1;
        var task = NetworkSection.Datasets.First(d => d.Name == settings.Dataset).Task;
        return TorchHyperparameters.Supervised(KindName, settings.Optimizer, layers, settings.Dropout, task);
    }

    /// <inheritdoc/>
    protected override async Task<ITrainableFactory> CreateFactoryAsync(TorchSettings settings, TrainableContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(context);

        // LibTorch first: a host without a usable backend learns it before any download or classifier training.
        TorchRuntime.EnsureAvailable();
        if (settings.Model == TorchModelKind.Seq2Seq)
        {
            var corpus = TranslationCorpus.Numbers(settings.ValidationFraction, settings.TestFraction);
            return new Seq2SeqTrainableFactory(
                new Seq2SeqOptions(settings.Embedding, settings.Units, settings.BatchSize, settings.Optimizer, settings.EvalSamples, settings.Threads), corpus);
        }

        var data = await NetworkSection.EnsureDatasetAsync(settings.Dataset, context, cancellationToken).ConfigureAwait(false);
        var gan = settings.Model == TorchModelKind.Dcgan;
        var splits = DatasetCatalog.Load(settings.Dataset, data, new SplitOptions
        {
            ValidationFraction = settings.ValidationFraction,
            TestFraction = settings.TestFraction,
            Seed = context.Seed,
            StandardizeTargets = settings.StandardizeTargets,
            FeatureScaling = gan ? FeatureScaling.None : FeatureScaling.Auto,
        });
        if (!gan)
        {
            var model = settings.Model switch
            {
                TorchModelKind.Lenet5 => "lenet5",
                TorchModelKind.Fc => "fc",
                _ => "mlp",
            };
            return TorchTrainableFactory.Builtin(
                model, splits, settings.Optimizer, settings.BatchSize, settings.Hidden, settings.Dropout, settings.Threads, settings.Activation, settings.EvalSamples);
        }

        var recipe = new ClassifierRecipe(Epochs: settings.ClassifierEpochs);
        PreparingClassifier(context.Logger, settings.Dataset, recipe.Epochs, _classifierCache);
        var classifier = MnistClassifier.LoadOrTrain(DatasetCatalog.LoadRaw(settings.Dataset, data), _classifierCache, recipe, threads: Environment.ProcessorCount);
        ClassifierReady(context.Logger, classifier.WasTrained ? "trained" : "read", classifier.TestAccuracy, classifier.Path);
        var train = splits.Train;
        var shape = new DcganShape(train.Shape[0], train.Shape[1], settings.Latent, settings.Width);
        return new GanTrainableFactory(new GanTrainableOptions(shape, settings.BatchSize, settings.ScoreSamples, settings.Threads), splits, classifier);
    }

    /// <summary>
    /// The dataset, checked against the model: lenet5 and dcgan take the 1×28×28 ones (dcgan's score needs a LeNet-5
    /// classifier of the dataset, <see cref="MnistClassifier"/>).
    /// </summary>
    private static string? Dataset(SpecMap map, TorchModelKind? model)
    {
        if (map.Required("dataset") is not { } node || node.Text() is not { } name)
        {
            return null;
        }

        if (model == TorchModelKind.Seq2Seq)
        {
            if (name != TranslationCorpus.NumbersName)
            {
                node.Error($"model seq2seq takes {TranslationCorpus.NumbersName} (English to French numbers, generated: docs/torchsharp.md)", name);
                return null;
            }

            return name;
        }

        var names = NetworkSection.Datasets.Select(d => d.Name).ToArray();
        if (!names.Contains(name, StringComparer.Ordinal))
        {
            node.Error($"unknown dataset; expected one of {string.Join(", ", names)}{NameSuggestions.DidYouMean(name, names)}", name);
            return null;
        }

        var allowed = model switch
        {
            TorchModelKind.Dcgan or TorchModelKind.Lenet5 => s_gridDatasets,
            _ => names,
        };
        if (!allowed.Contains(name, StringComparer.Ordinal))
        {
            node.Error($"model {s_models.First(x => x.Item2 == model).Item1} takes {string.Join(", ", allowed)}", name);
            return null;
        }

        return name;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "The GAN score's classifier for '{Dataset}' (LeNet-5, {Epochs} epochs): read from {Cache}, or trained once and cached there (minutes).")]
    private static partial void PreparingClassifier(ILogger logger, string dataset, int epochs, string cache);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Classifier {How}: test accuracy {Accuracy:P2} ({Path}).")]
    private static partial void ClassifierReady(ILogger logger, string how, double accuracy, string path);
}
