using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Engine.Models;
using Cohort.Engine.Training;
using Cohort.Spec;
using Cohort.Spec.Methods;
using Cohort.Spec.Sections;
using Cohort.Training.Networks;

namespace Cohort.Training.Tests.Networks;

/// <summary><c>kind: network</c>: its keys, their errors, and a declaration computed from the settings alone that matches the factory's.</summary>
public sealed class NetworkSectionTests
{
    private static readonly SpecCatalog s_catalog = SpecCatalog.Empty.Add(BuiltInMethods.All).Add(TrainingSections.All);

    private const string Boston = """
        version: 1
        experiment: boston
        seed: 1
        objective: {metric: mse}
        trainable:
          kind: network
          dataset: boston
          model: {kind: mlp, hidden: [64], activation: relu}
          optimizer: adam
          batch_size: 32
        hyperparameters:
          l1: {type: float, scale: log, min: 0.01, max: 0.2, grid: 2}
        constants: {learning_rate: 0.001}
        steps: 100
        ready: {every: 50}
        runs:
          - {name: grid, method: grid}
        """;

    private static ExperimentSpec Parse(string text) => s_catalog.Parse(text, "boston.yaml");

    private static IReadOnlyList<SpecError> Errors(string text) => Assert.Throws<SpecException>(() => Parse(text)).Errors;

    private static string Names(TrainableDeclaration d) => string.Join(" ", d.Hyperparameters.Select(h => h.Name));

    [Fact]
    public void Parse_Should_FillNetworkDefaults_When_OnlyTheDatasetIsGiven()
    {
        var spec = Parse(Boston.Replace("  model: {kind: mlp, hidden: [64], activation: relu}\n  optimizer: adam\n  batch_size: 32\n", "", StringComparison.Ordinal)
            .Replace("dataset: boston", "dataset: mnist\n  model: {kind: fc, dropout: true}", StringComparison.Ordinal)
            .Replace("{metric: mse}", "{metric: accuracy, mode: maximize}", StringComparison.Ordinal));

        Assert.Equal(
            new NetworkSettings("mnist", new NetworkModel(NetworkModelKind.Fc, SpecList.Of(1024, 1024), ActivationKind.Relu, true), OptimizerKind.Adam, 32, 0.2, 0.2, 0),
            spec.Trainable.Settings);
        Assert.Equal(spec, s_catalog.Parse(s_catalog.ToJson(spec), "stored.json"));
    }

    [Fact]
    public void Parse_Should_SuggestADatasetAndReportEachBadKey_When_NetworkKeysAreWrong()
    {
        var errors = Errors(Boston
            .Replace("dataset: boston", "dataset: bostn", StringComparison.Ordinal)
            .Replace("batch_size: 32", "batch_size: -1\n  split_seed: 3", StringComparison.Ordinal)
            .Replace("hidden: [64]", "hidden: [64, 0]", StringComparison.Ordinal));

        Assert.Equal(["trainable.dataset", "trainable.model.hidden[1]", "trainable.batch_size"], errors.Select(e => e.Path));
        Assert.Equal("bostn", errors[0].Value);
        Assert.Contains("unknown dataset; expected one of boston, california, mnist, fashion-mnist, cifar10 (did you mean 'boston'?)", errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_RejectSplitSeedAndTheTestFraction_When_TheyDoNotApply()
    {
        var errors = Errors(Boston.Replace("batch_size: 32", "batch_size: 32\n  split_seed: 3\n  validation_fraction: 0.5\n  test_fraction: 0.5", StringComparison.Ordinal));

        Assert.Equal(["trainable.test_fraction", "trainable.split_seed"], errors.Select(e => e.Path));
    }

    [Theory]
    [InlineData("adam", "mlp", "[64]", false, "learning_rate optimizer batch_size momentum beta1 beta2 epsilon weight_decay l1 l2 l1_0 l2_0 l1_1 l2_1")]
    [InlineData("sgd", "mlp", "[64, 32]", true, "learning_rate optimizer batch_size momentum beta1 beta2 epsilon weight_decay l1 l2 l1_0 l2_0 l1_1 l2_1 l1_2 l2_2 dropout")]
    [InlineData("adamw", "lenet5", null, false, "learning_rate optimizer batch_size momentum beta1 beta2 epsilon weight_decay l1 l2 l1_0 l2_0 l1_1 l2_1 l1_2 l2_2 l1_3 l2_3 l1_4 l2_4")]
    [InlineData("sgd", "convnet", null, true, "conv_filters1 conv_filters2 conv_kernel_sz1 conv_kernel_sz2 dense_sz learning_rate momentum weight_decay l1 l2 l1_0 l2_0 l1_1 l2_1 l1_2 l2_2 l1_3 l2_3 dropout")]
    public void Declare_Should_FollowTheOptimizerLayersAndDropout_When_SettingsChange(string optimizer, string model, string? hidden, bool dropout, string expected)
    {
        var modelText = $"{{kind: {model}{(hidden is null ? "" : ", hidden: " + hidden)}, dropout: {(dropout ? "true" : "false")}}}";
        var spec = Parse(Boston
            .Replace("{kind: mlp, hidden: [64], activation: relu}", modelText, StringComparison.Ordinal)
            .Replace("optimizer: adam", "optimizer: " + optimizer, StringComparison.Ordinal)
            .Replace("dataset: boston", model is "mlp" ? "dataset: boston" : "dataset: mnist", StringComparison.Ordinal)
            .Replace("{metric: mse}", model is "mlp" ? "{metric: mse}" : "{metric: loss}", StringComparison.Ordinal));

        var declaration = s_catalog.Declare(spec);

        Assert.Equal(expected, Names(declaration));
        Assert.Equal(model is "mlp" ? ["loss", "mse", "rmse"] : model is "convnet" ? ["loss", "accuracy", "train_cost", "train_seconds"] : ["loss", "accuracy"], declaration.Metrics);
    }

    [SharedDataFact]
    public async Task Declare_Should_EqualTheFactorysDeclaration_When_TheDataIsLoaded()
    {
        var spec = Parse(Boston.Replace("optimizer: adam", "optimizer: sgd", StringComparison.Ordinal).Replace("activation: relu}", "activation: relu, dropout: true}", StringComparison.Ordinal));

        var fromSettings = s_catalog.Declare(spec);
        var factory = await s_catalog.CreateFactoryAsync(spec, TrainableContext.Quiet(spec.Seed, SharedData.Root), CancellationToken.None);

        Assert.IsType<NetworkTrainableFactory>(factory);
        Assert.Equal(fromSettings.Hyperparameters, factory.Declaration.Hyperparameters);
        Assert.Equal(fromSettings.Metrics, factory.Declaration.Metrics);
        Assert.Equal(fromSettings.Unavailable, factory.Declaration.Unavailable);
    }

    [Fact]
    public void Declare_Should_EqualTheConvNetFactorysDeclaration_When_TheModelIsAConvNet()
    {
        var digits = new DatasetSplits(Digit(), Digit(), Digit(), null, null, null);
        var factory = new ConvNetTrainableFactory(new ConvNetTrainableOptions(ConvNetShape.Paper004Original, OptimizerKind.Adam, Dropout: true), digits);

        var fromSettings = ConvNetTrainableFactory.Declare(OptimizerKind.Adam, dropout: true);

        Assert.Equal(fromSettings.Hyperparameters, factory.Declaration.Hyperparameters);
        Assert.Equal(fromSettings.Metrics, factory.Metrics);

        static Dataset Digit() => new("digits", [1, 28, 28], new float[28 * 28 * 2], new float[2], 1, TaskKind.Classification, 10);
    }

    [Fact]
    public void Datasets_Should_CoverTheCatalog_When_Compared()
    {
        Assert.Equal(DatasetCatalog.Names.Order(StringComparer.Ordinal), NetworkSection.Datasets.Select(d => d.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Declare_Should_SayWhy_When_ANameNeedsOtherSettings()
    {
        var errors = Errors(Boston.Replace("constants: {learning_rate: 0.001}", "constants: {learning_rate: 0.001, momentum: 0.9, dropout: 0.2, l1_2: 0.1}", StringComparison.Ordinal));

        Assert.Equal(["constants.dropout", "constants.l1_2", "constants.momentum"], errors.Select(e => e.Path));
        Assert.Contains("(only when the model has dropout: set model.dropout: true)", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("reads 'momentum' only with optimizer sgd; here optimizer is only adam", errors[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_AcceptOptimizerAndBatchSizeHyperparameters_When_EachOptimizersOwnHyperparametersCanBeRead()
    {
        // Given optimizer (adam or sgd) and batch_size searched, with momentum (SGD's) and beta1 (Adam's)
        var spec = Parse(Boston.Replace("  l1: {type: float", """
              optimizer: {type: categorical, choices: [adam, sgd]}
              batch_size: {type: int, min: 8, max: 64, grid: 2}
              momentum: {type: float, min: 0.5, max: 0.9, grid: 2}
              beta1: {type: float, min: 0.8, max: 0.95, grid: 2}
              l1: {type: float
            """, StringComparison.Ordinal));

        // Then it validates with both as searched hyperparameters of the declared types
        Assert.Equal(["optimizer", "batch_size", "momentum", "beta1", "l1"], spec.Hyperparameters.Select(h => h.Name));
        Assert.Empty(s_catalog.Declare(spec).Check(SpecMapping.Space(spec)));
    }

    [Theory]
    [InlineData("optimizer: {type: categorical, choices: [adam, rmsprop]}", "hyperparameters.optimizer.choices", "rmsprop", "takes one of adam, adamw, sgd")]
    [InlineData("optimizer: {type: categorical, choices: [adam, adamw]}\n  momentum: {type: float, min: 0.5, max: 0.9, grid: 2}", "hyperparameters.momentum", "momentum", "reads 'momentum' only with optimizer sgd; here optimizer is only adam or adamw")]
    [InlineData("optimizer: {type: categorical, choices: [sgd]}\n  beta1: {type: float, min: 0.5, max: 0.9, grid: 2}", "hyperparameters.beta1", "beta1", "reads 'beta1' only with optimizer adam or adamw; here optimizer is only sgd")]
    [InlineData("batch_size: {type: float, min: 8, max: 64, grid: 2}", "hyperparameters.batch_size.type", "float", "takes 'batch_size' as int in [1, 1048576]")]
    [InlineData("batch_size: {type: int, min: 0, max: 64, grid: 2}", "hyperparameters.batch_size.min", "0", "takes 'batch_size' in [1, 1048576]")]
    public void Parse_Should_NameKeyAndValue_When_AnOptimizerOrBatchSizeDeclarationIsBad(string declaration, string path, string value, string message)
    {
        var errors = Errors(Boston.Replace("  l1: {type: float", "  " + declaration + "\n  l1: {type: float", StringComparison.Ordinal));

        var error = Assert.Single(errors);
        Assert.Equal(path, error.Path);
        Assert.Equal(value, error.Value);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_RejectOptimizerAsAHyperparameter_When_TheModelIsAConvNet()
    {
        var errors = Errors(Boston
            .Replace("{kind: mlp, hidden: [64], activation: relu}", "{kind: convnet}", StringComparison.Ordinal)
            .Replace("dataset: boston", "dataset: mnist", StringComparison.Ordinal)
            .Replace("{metric: mse}", "{metric: loss}", StringComparison.Ordinal)
            .Replace("  l1: {type: float", "  optimizer: {type: categorical, choices: [adam, sgd]}\n  l1: {type: float", StringComparison.Ordinal));

        Assert.Contains(errors, e => e.Path == "hyperparameters.optimizer" && e.Message.Contains("a setting of this model kind", StringComparison.Ordinal));
    }

    [Fact]
    public void Declare_Should_RejectABound_When_TheEngineWouldSeeItAsInfinite()
    {
        // The engine trains in single precision: a log-scale bound of 1e300 (valid as a double) would reach it as
        // infinity, and every task drawing near it would fail (found by the spec fuzzer, under PB2).
        var errors = Errors(Boston.Replace("max: 0.2", "max: 1.0e300", StringComparison.Ordinal));

        var error = Assert.Single(errors);
        Assert.Equal("hyperparameters.l1.max", error.Path);
        Assert.Contains("takes 'l1' in [0, 3.4028234663852886E+38]", error.Message, StringComparison.Ordinal);
    }
}
