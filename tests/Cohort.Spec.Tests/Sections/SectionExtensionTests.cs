using Cohort.Core.Execution;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Spec.Methods;
using Cohort.Spec.Sections;

namespace Cohort.Spec.Tests.Sections;

/// <summary>
/// Adding a method or a trainable kind is one section class plus one registration line: the tests' own
/// <see cref="LabSection"/> and <see cref="SampleSection"/>, added to a catalog with <see cref="SpecCatalog.Add"/>,
/// are read, validated, written, mapped and run like the built-in ones.
/// </summary>
public sealed class SectionExtensionTests
{
    private const string Spec = """
        version: 1
        experiment: extension
        seed: 5
        objective: {metric: loss}
        trainable: {kind: lab, target: 2}
        hyperparameters:
          learning_rate: {type: float, min: 0.05, max: 0.5}
        steps: 12
        ready: {every: 4}
        runs:
          - {name: sampled, method: sample, draws: 4}
          - {name: pbt, method: pbt, population: 4, init: random}
        """;

    [Fact]
    public void Parse_Should_ReadWriteAndMapTheNewSections_When_TheyAreRegistered()
    {
        var catalog = TestCatalog.WithLab;

        var spec = catalog.Parse(Spec, "extension.yaml");

        Assert.Equal(new TrainableSpec("lab", new LabSettings(2)), spec.Trainable);
        Assert.Equal(new SampleSettings(4), spec.Runs[0].Settings);
        Assert.Equal(4, spec.Runs[0].Population);
        Assert.Equal(spec, catalog.Parse(catalog.ToJson(spec), "stored.json"));
        Assert.Contains("\"draws\": 4", catalog.ToJson(spec, spec.Runs[0]), StringComparison.Ordinal);
        Assert.Equal("random", catalog.CreateScheduler(spec, spec.Runs[0]).Method);
        Assert.Same(LabSection.Declaration, catalog.Declare(spec));
    }

    [Fact]
    public void Parse_Should_ValidateTheNewSectionsKeys_When_TheyAreWrong()
    {
        var text = Spec.Replace("draws: 4}", "draws: 400, populaton: 3}", StringComparison.Ordinal).Replace("target: 2", "target: far", StringComparison.Ordinal);

        var errors = TestCatalog.Errors(text, "extension.yaml");

        Assert.Equal(["trainable.target", "runs[0].populaton", "runs[0].draws"], errors.Select(e => e.Path));
        Assert.Contains("did you mean 'population'?", errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("an integer in [1, 100]", errors[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_ListTheRegisteredNames_When_TheSectionsAreNotRegistered()
    {
        var errors = Assert.Throws<SpecException>(() => TestCatalog.Cohort.Parse(Spec, "extension.yaml")).Errors;

        Assert.Equal(["trainable.target", "trainable.kind", "runs[0].draws", "runs[0].method"], errors.Select(e => e.Path));
        Assert.Contains("expected one of toy, network, synthetic, noisy_quadratic, deep_double_sarsa, plugin", errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("expected one of grid, random, pbt, ga, fire", errors[3].Message, StringComparison.Ordinal);
        Assert.All([errors[0], errors[2]], e => Assert.StartsWith("unknown key", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_Should_TrainTheNewKindWithTheNewMethod_When_Registered()
    {
        var catalog = TestCatalog.WithLab;
        var spec = catalog.Parse(Spec, "extension.yaml");
        var factory = await catalog.CreateFactoryAsync(spec, TrainableContext.Quiet(spec.Seed), CancellationToken.None);
        var store = new InMemoryExperimentStore();
        var runner = new ExperimentRunner(new InMemoryCheckpointStore(), store, new RunnerOptions { Workers = 2, StepsPerMember = spec.Steps });

        foreach (var run in spec.Runs)
        {
            var outcome = await runner.RunAsync(
                new RunDefinition(run.Name, SpecMapping.RunSeed(spec, run), spec.Objective, catalog.ToJson(spec, run)),
                catalog.CreateScheduler(spec, run),
                factory,
                CancellationToken.None);

            Assert.Equal(RunStatus.Completed, outcome.Status);
        }

        var results = await store.ReadResultsAsync("sampled", CancellationToken.None);
        Assert.Equal(4 * 3, results.Count);
        Assert.All(results, r => Assert.InRange(r.Validation["loss"], 0, 4));
    }

    [Fact]
    public void Add_Should_Throw_When_ANameIsTaken()
    {
        var e = Assert.Throws<ArgumentException>(() => TestCatalog.WithLab.Add(new SampleSection()));

        Assert.Contains("'sample' is already registered", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SpecCatalog.Default.Add(new PbtSection()));
    }
}
