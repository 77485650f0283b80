using System.Globalization;

namespace Cohort.Spec.Tests;

/// <summary>
/// What validation catches besides the grammar: hyperparameters, constants and metrics the trainable does not declare
/// (each reported at its key with the known names), names that could leave the output directory, tabs, and that every
/// message names a line.
/// </summary>
public sealed class SpecValidationTests
{
    private const string Lab = """
        version: 1
        experiment: lab
        objective: {metric: loss}
        trainable: {kind: lab}
        hyperparameters:
          learning_rate: {type: float, scale: log, min: 0.001, max: 0.5}
          units: {type: int, min: 16, max: 256}
        constants: {act: relu}
        steps: 20
        ready: {every: 5}
        runs:
          - {name: pbt, method: pbt, population: 4, init: random}
        """;

    [Fact]
    public void Parse_Should_AcceptTheSpec_When_ItFitsTheDeclaration()
    {
        var spec = TestCatalog.Parse(Lab);

        Assert.Equal(["learning_rate", "units"], spec.Hyperparameters.Select(h => h.Name));
    }

    [Fact]
    public void Parse_Should_NameTheKeyAndTheKnownNames_When_AHyperparameterIsUndeclared()
    {
        var error = Assert.Single(TestCatalog.Errors(Lab.Replace("  learning_rate: {", "  lr: {", StringComparison.Ordinal)));

        Assert.Equal("hyperparameters.lr", error.Path);
        Assert.Equal("lr", error.Value);
        Assert.Equal((6, 3), (error.Line, error.Column));
        Assert.Contains("trainable 'lab' has no hyperparameter 'lr' (did you mean 'learning_rate'?); it accepts learning_rate, l1, l2, units, act, init", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_PointAtTheBoundTypeOrChoice_When_TheyLeaveTheDeclaration()
    {
        var text = Lab
            .Replace("scale: log, min: 0.001, max: 0.5", "min: -1, max: 2", StringComparison.Ordinal)
            .Replace("units: {type: int", "units: {type: float", StringComparison.Ordinal)
            .Replace("constants: {act: relu}", "constants: {act: swish, init: 3}\n", StringComparison.Ordinal);

        var errors = TestCatalog.Errors(text);

        Assert.Equal(
            ["hyperparameters.learning_rate.min", "hyperparameters.learning_rate.max", "hyperparameters.units.type", "constants.act", "constants.init"],
            errors.Select(e => e.Path));
        Assert.Equal(["-1", "2", "float", "swish", "3"], errors.Select(e => e.Value));
        Assert.Contains("in [0, 1]", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("as int in [1, 4096]", errors[2].Message, StringComparison.Ordinal);
        Assert.Contains("takes one of relu, tanh, sigmoid, gelu", errors[3].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_PointAtTheChoices_When_ACategoricalChoiceIsUndeclared()
    {
        var error = Assert.Single(TestCatalog.Errors(Lab.Replace("constants: {act: relu}", "hyperparameters2: 0", StringComparison.Ordinal)
            .Replace("hyperparameters2: 0", "", StringComparison.Ordinal)
            .Replace("  units: {type: int, min: 16, max: 256}", "  units: {type: int, min: 16, max: 256}\n  act: {type: categorical, choices: [relu, swish]}", StringComparison.Ordinal)));

        Assert.Equal("hyperparameters.act.choices", error.Path);
        Assert.Equal("swish", error.Value);
    }

    [Fact]
    public void Parse_Should_SuggestAMetric_When_TheObjectiveMetricIsNotReported()
    {
        var error = Assert.Single(TestCatalog.Errors(Lab.Replace("{metric: loss}", "{metric: los}", StringComparison.Ordinal)));

        Assert.Equal("objective.metric", error.Path);
        Assert.Equal(3, error.Line);
        Assert.Contains("reports no metric 'los' (did you mean 'loss'?); it reports loss", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_RejectLearningRateBelowZeroAndLr_When_TheTrainableIsANetwork()
    {
        var text = """
            version: 1
            experiment: boston
            objective: {metric: mse}
            trainable: {kind: network, dataset: boston, optimizer: adam}
            hyperparameters:
              lr: {type: float, scale: log, min: 1.0e-4, max: 0.1}
            constants: {learning_rate: -1, momentum: 0.9}
            steps: 100
            runs: [{name: r, method: random, population: 2}]
            """;

        var errors = TestCatalog.Errors(text);

        Assert.Equal(["hyperparameters.lr", "constants.learning_rate", "constants.momentum"], errors.Select(e => e.Path));
        Assert.Contains("it accepts learning_rate, optimizer, batch_size, momentum, beta1, beta2, epsilon, weight_decay, l1, l2, l1_0, l2_0, l1_1, l2_1", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("(did you mean 'learning_rate'?)", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("reads 'momentum' only with optimizer sgd; here optimizer is only adam", errors[2].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("experiment: lab", "experiment: \"..\"", "experiment")]
    [InlineData("experiment: lab", "experiment: .", "experiment")]
    [InlineData("experiment: lab", "experiment: \"../x\"", "experiment")]
    [InlineData("{name: pbt,", "{name: \"..\",", "runs[0].name")]
    [InlineData("{name: pbt,", "{name: -x,", "runs[0].name")]
    public void Parse_Should_RejectAName_When_ItCouldLeaveTheOutputDirectory(string from, string to, string path)
    {
        var error = Assert.Single(TestCatalog.Errors(Lab.Replace(from, to, StringComparison.Ordinal)));

        Assert.Equal(path, error.Path);
        Assert.Contains("starts with a letter or digit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_ReportTheTabsLine_When_AnIndentationHoldsATab()
    {
        var error = Assert.Single(TestCatalog.Errors(Lab.Replace("  units: {", "\tunits: {", StringComparison.Ordinal)));

        Assert.Equal((7, 1), (error.Line, error.Column));
        Assert.Contains("tab", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("spec.yaml:7:1: ", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("version: 1\n")]
    [InlineData("- a\n")]
    [InlineData("version: 1\nexperiment: [unclosed\n")]
    [InlineData("version: 1\nversion: 1\n")]
    [InlineData("version: 1\n---\nversion: 2\n")]
    public void Parse_Should_NameALineInEveryError_When_TheDocumentIsBroken(string text)
    {
        Assert.All(TestCatalog.Errors(text), e => Assert.True(e.Line > 0, e.ToString()));
    }

    [Fact]
    public void Parse_Should_NameAKeyPathAndLineInEveryError_When_ManyKeysAreWrong()
    {
        var text = SpecCatalogTests.Full
            .Replace("version: 1", "version: 2", StringComparison.Ordinal)
            .Replace("kind: lab", "kind: labb", StringComparison.Ordinal)
            .Replace("method: random", "method: randm", StringComparison.Ordinal)
            .Replace("  l1: {", "  lr: {", StringComparison.Ordinal)
            .Replace("ready: {every: 50, burn_in: 100}", "ready: {every: 5000}", StringComparison.Ordinal);

        var errors = TestCatalog.Errors(text);

        Assert.True(errors.Count >= 4, string.Join("\n", errors));
        Assert.All(errors, e => Assert.True(e.Path.Length > 0 && e.Line > 0, e.ToString()));
        Assert.Contains(errors, e => e.Path == "trainable.kind" && e.Message.Contains("did you mean 'lab'?", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "runs[1].method" && e.Message.Contains("did you mean 'random'?", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_Should_SayWhoseKeyItIs_When_AKeyBelongsToAnotherSection()
    {
        var errors = TestCatalog.Errors(Lab.Replace("init: random}", "init: random, p_stat: 0.1, draws: 3}", StringComparison.Ordinal)
            .Replace("trainable: {kind: lab}", "trainable: {kind: lab, dimensions: 3}", StringComparison.Ordinal));

        Assert.Equal(
            [("trainable.dimensions", "only for trainable kind synthetic, noisy_quadratic"), ("runs[0].p_stat", "only for method fire"), ("runs[0].draws", "only for method sample")],
            errors.Select(e => (e.Path, e.Message)));
        Assert.All(errors, e => Assert.StartsWith(string.Create(CultureInfo.InvariantCulture, $"spec.yaml:{e.Line}:"), e.ToString(), StringComparison.Ordinal));
    }
}
