using Cohort.Core.Execution;
using Cohort.Core.Storage;
using Cohort.Core.Trainables;
using Cohort.Spec;
using Cohort.Spec.Sections;
using Cohort.TorchSharp.Gan;

namespace Cohort.TorchSharp.Tests;

/// <summary><c>kind: torch</c>: reading, writing, validation against the declaration, and factories that run.</summary>
public sealed class TorchSectionTests
{
    private static readonly SpecCatalog s_catalog = TorchCatalog.Instance;

    private static string Spec(string trainable, string hyperparameters = "learning_rate: {type: float, scale: log, min: 1.0e-4, max: 0.1}", string objective = "{metric: mse, mode: minimize}") => $$"""
        version: 1
        experiment: torch-test
        seed: 3
        objective: {{objective}}
        trainable: {{trainable}}
        hyperparameters:
          {{hyperparameters}}
        steps: 40
        ready: {every: 20}
        runs:
          - {name: pbt, method: pbt, population: 2, init: random}
        """;

    private static IReadOnlyList<string> Errors(string text)
    {
        var e = Assert.Throws<SpecException>(() => s_catalog.Parse(text, "t.yaml"));
        return e.Errors.Select(x => x.ToString()).ToArray();
    }

    [Fact]
    public void Should_ReadBackTheSameSettings_When_TheResolvedSpecIsWritten()
    {
        // Given an mlp spec with defaults left out, and a dcgan spec
        var mlp = s_catalog.Parse(Spec("{kind: torch, model: mlp, dataset: boston, hidden: [32, 16], activation: tanh, optimizer: sgd, standardize_targets: true}", "momentum: {type: float, min: 0, max: 0.9}"), "t.yaml");
        var gan = s_catalog.Parse(
            Spec("{kind: torch, model: dcgan, dataset: mnist, width: 16, latent: 32, score_samples: 200, classifier_epochs: 1, threads: 2}", "learning_rate_g: {type: float, scale: log, min: 1.0e-5, max: 1.0e-2}", "{metric: inception_score, mode: maximize}"),
            "t.yaml");

        // When each is written as resolved JSON and read back
        var mlpBack = s_catalog.Parse(s_catalog.ToJson(mlp), "resolved.json");
        var ganBack = s_catalog.Parse(s_catalog.ToJson(gan), "resolved.json");

        // Then the settings are equal, with the defaults filled in
        Assert.Equal(mlp, mlpBack);
        Assert.Equal(gan, ganBack);
        var m = Assert.IsType<TorchSettings>(mlp.Trainable.Settings);
        Assert.Equal((TorchModelKind.Mlp, 32, 1, TorchOptimizerKind.Sgd, Engine.Models.ActivationKind.Tanh), (m.Model, m.BatchSize, m.Threads, m.Optimizer, m.Activation));
        Assert.Equal([32, 16], m.Hidden);
        var g = Assert.IsType<TorchSettings>(gan.Trainable.Settings);
        Assert.Equal((TorchModelKind.Dcgan, 64, 2, 16, 32, 200, 1), (g.Model, g.BatchSize, g.Threads, g.Width, g.Latent, g.ScoreSamples, g.ClassifierEpochs));
        Assert.Contains("\"width\"", s_catalog.ToJson(gan), StringComparison.Ordinal);
        Assert.DoesNotContain("\"width\"", s_catalog.ToJson(mlp), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_ReportEveryMisplacedKey_When_AKeyBelongsToAnotherModel()
    {
        // Given a lenet5 with hidden widths and a GAN width, and a dcgan on a regression dataset with an optimizer
        var lenet = Errors(Spec("{kind: torch, model: lenet5, dataset: mnist, hidden: [10], width: 8}", objective: "{metric: accuracy, mode: maximize}"));
        var gan = Errors(Spec("{kind: torch, model: dcgan, dataset: boston, optimizer: sgd}", "learning_rate_g: {type: float, scale: log, min: 1.0e-5, max: 1.0e-2}", "{metric: inception_score, mode: maximize}"));
        var unknown = Errors(Spec("{kind: torch, model: dcgann, dataset: mnist}"));

        // Then each problem is named at its key
        Assert.Contains(lenet, e => e.Contains("trainable.hidden: only for models mlp and fc", StringComparison.Ordinal));
        Assert.Contains(lenet, e => e.Contains("trainable.width: only for model dcgan", StringComparison.Ordinal));
        Assert.Contains(gan, e => e.Contains("trainable.dataset: model dcgan takes mnist, fashion-mnist (got 'boston')", StringComparison.Ordinal));
        Assert.Contains(gan, e => e.Contains("trainable.optimizer: only for models mlp, fc, lenet5 and seq2seq", StringComparison.Ordinal));
        Assert.Contains(unknown, e => e.Contains("trainable.model", StringComparison.Ordinal) && e.Contains("dcgan", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_RefuseOtherDatasetsAndKeys_When_TheModelIsSeq2Seq()
    {
        // Given a seq2seq on MNIST with a dropout switch, and an MLP with the seq2seq's widths on the generated corpus
        const string bleu = "{metric: bleu, mode: maximize}";
        var translation = Errors(Spec("{kind: torch, model: seq2seq, dataset: mnist, dropout: true, hidden: [8]}", objective: bleu));
        var mlp = Errors(Spec("{kind: torch, model: mlp, dataset: numbers-en-fr, units: 16}"));

        // Then each problem is named at its key
        Assert.Contains(translation, e => e.Contains("trainable.dataset: model seq2seq takes numbers-en-fr", StringComparison.Ordinal));
        Assert.Contains(translation, e => e.Contains("trainable.dropout: only for models mlp, fc and lenet5", StringComparison.Ordinal));
        Assert.Contains(translation, e => e.Contains("trainable.hidden: only for models mlp and fc", StringComparison.Ordinal));
        Assert.Contains(mlp, e => e.Contains("trainable.units: only for model seq2seq", StringComparison.Ordinal));
        Assert.Contains(mlp, e => e.Contains("trainable.dataset: unknown dataset", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_CheckHyperparametersAgainstTheDeclaration_When_Validating()
    {
        // Given a GAN spec searching the supervised learning rate, and an Adam MLP searching momentum
        var gan = Errors(Spec("{kind: torch, model: dcgan, dataset: mnist}", "learning_rate: {type: float, scale: log, min: 1.0e-5, max: 1.0e-2}", "{metric: inception_score, mode: maximize}"));
        var momentum = Errors(Spec("{kind: torch, model: mlp, dataset: boston}", "momentum: {type: float, min: 0, max: 0.9}"));
        var metric = Errors(Spec("{kind: torch, model: mlp, dataset: mnist}", objective: "{metric: mse, mode: minimize}"));

        // Then the GAN names its own, suffixed names; momentum is refused with the reason; the metric follows the task
        Assert.Contains(gan, e => e.Contains("trainable 'torch' has no hyperparameter 'learning_rate'", StringComparison.Ordinal) && e.Contains("learning_rate_g", StringComparison.Ordinal));
        Assert.Contains(momentum, e => e.Contains("only with optimizer sgd", StringComparison.Ordinal));
        Assert.Contains(metric, e => e.Contains("reports no metric 'mse'", StringComparison.Ordinal) && e.Contains("accuracy", StringComparison.Ordinal));
    }

    [SharedDataFact]
    public async Task Should_DeclareWhatTheFactoryDeclares_When_TheFactoryIsBuilt()
    {
        // Given specs of each built-in model
        const string lr = "learning_rate: {type: float, scale: log, min: 1.0e-4, max: 0.1}";
        const string accuracy = "{metric: accuracy, mode: maximize}";
        (string Trainable, string Hyperparameters, string Objective)[] cases =
        [
            ("{kind: torch, model: mlp, dataset: boston, hidden: [8, 8], dropout: true, optimizer: sgd}", lr, "{metric: mse, mode: minimize}"),
            ("{kind: torch, model: fc, dataset: mnist, hidden: [16], optimizer: adamw}", lr, accuracy),
            ("{kind: torch, model: lenet5, dataset: mnist}", lr, accuracy),
            ("{kind: torch, model: dcgan, dataset: mnist, width: 8, latent: 16, score_samples: 50, classifier_epochs: 1}",
                "learning_rate_g: {type: float, scale: log, min: 1.0e-5, max: 1.0e-2}", "{metric: inception_score, mode: maximize}"),
            ("{kind: torch, model: seq2seq, dataset: numbers-en-fr, embedding: 8, units: 8}", "dropout: {type: float, min: 0.1, max: 0.5}", "{metric: bleu, mode: maximize}"),
        ];
        foreach (var (trainable, hyperparameters, objective) in cases)
        {
            var spec = s_catalog.Parse(Spec(trainable, hyperparameters, objective), "t.yaml");

            // When the section declares from the settings alone and the factory is built
            var declared = s_catalog.Declare(spec);
            var factory = await s_catalog.CreateFactoryAsync(spec, TrainableContext.Quiet(spec.Seed, SharedData.Directory.Root), CancellationToken.None);

            // Then both accept the same names with the same ranges, and report the same metrics
            Assert.Equal(
                declared.Hyperparameters.Select(h => (h.Name, h.Type, h.Range)),
                factory.Declaration.Hyperparameters.Select(h => (h.Name, h.Type, h.Range)));
            Assert.Equal(declared.Metrics, factory.Declaration.Metrics);
            Assert.Equal(1, factory.ThreadsPerTrainable);
        }
    }

    [SharedDataFact]
    public async Task Should_RunPbtFromASpec_When_TheKindIsRegistered()
    {
        // Given a spec of 2 Boston MLPs, 40 steps, LibTorch threads 1
        var spec = s_catalog.Parse(Spec("{kind: torch, model: mlp, dataset: boston, standardize_targets: true}"), "t.yaml");
        var run = spec.Runs[0];

        // When its scheduler and factory come from the catalog and Core's runner trains them
        var factory = await s_catalog.CreateFactoryAsync(spec, TrainableContext.Quiet(spec.Seed, SharedData.Directory.Root), CancellationToken.None);
        var runner = new ExperimentRunner(new InMemoryCheckpointStore(), new InMemoryExperimentStore(), new RunnerOptions { Workers = 2, StepsPerMember = spec.Steps });
        var outcome = await runner.RunAsync(
            new RunDefinition(run.Name, SpecMapping.RunSeed(spec, run), spec.Objective), s_catalog.CreateScheduler(spec, run), factory, CancellationToken.None);

        // Then every member trained the whole budget and scored
        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.All(outcome.Latest, r => Assert.Equal(40, r.Task.EndStep));
        Assert.True(double.IsFinite(outcome.Best!.Validation["mse"]));
        Assert.IsType<TorchTrainableFactory>(factory);
    }

    [Fact]
    public void Should_BeAPlatformProblem_When_LibTorchCannotLoad()
    {
        // A host reports it as a problem of the system (the cohort command: exit code 2), not an internal error.
        Assert.IsAssignableFrom<PlatformNotSupportedException>(new TorchUnavailableException("no backend"));
    }

    [SharedDataFact]
    public void Should_DrawTheSameSamples_When_TheSameStateDrawsTwice()
    {
        // Given a small trained GAN
        using var gan = GanSupport.Factory().Create(5);
        gan.Train(3, 1, CancellationToken.None);
        var images = Assert.IsAssignableFrom<ISampleImages>(gan);

        // When it draws its samples twice
        using var first = new MemoryStream();
        using var second = new MemoryStream();
        images.WriteSamples(first);
        images.WriteSamples(second);

        // Then both are the same PNG
        Assert.Equal(first.ToArray(), second.ToArray());
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], first.ToArray()[..4]);
    }
}
