using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Strategies;
using Cohort.Core.Trainables;
using Cohort.Spec.Methods;
using Cohort.Spec.Tests.Sections;
using Cohort.Training.Toy;

namespace Cohort.Spec.Tests;

/// <summary>Reading and validating specs (<see cref="SpecCatalog.Parse"/>, <see cref="SpecCatalog.Load"/>): the common keys and their errors.</summary>
public sealed class SpecCatalogTests
{
    private const string File = "spec.yaml";

    /// <summary>Every section, every type of hyperparameter, four runs; trained by the tests' own kind (<see cref="LabSection"/>).</summary>
    internal const string Full = """
        version: 1
        experiment: boston-bad-grid
        seed: 1
        objective: {metric: loss, mode: minimize}
        trainable: {kind: lab, target: 0.5}
        hyperparameters:
          l1: {type: float, scale: log, min: 0.01, max: 0.2, grid: 6}
          l2: {type: float, scale: log, min: 0.01, max: 0.2, grid: 6}
          units: {type: int, min: 16, max: 256, grid: [32, 64, 128]}
          act: {type: categorical, choices: [relu, tanh]}
        constants: {learning_rate: 0.001, init: "he"}
        steps: 2000
        ready: {every: 50, burn_in: 100}
        runs:
          - name: grid
            method: grid
          - name: random
            method: random
            population: 36
          - name: pbt-6
            method: pbt
            population: 6
            mode: synchronous
            init: grid-subsample
            exploit: {strategy: truncation, fraction: 0.2}
            explore: {strategy: perturb, factors: [0.2, 0.5, 1.5, 2.0], resample_probability: 0.0}
            boundary: clamp
            ablation: none
            timeout_seconds: 0
            retries: 2
          - name: pbt-async
            method: pbt
            mode: asynchronous
            init: random
            population: 4
            exploit: {strategy: best-into-worst, count: 2}
            explore: {strategy: log-noise, sigma: 0.5, base: 2}
            boundary: reflect
            ablation: explore-only
        """;

    internal const string Toy = """
        version: 1
        experiment: toy
        objective: {metric: q, mode: maximize}
        trainable: {kind: toy}
        hyperparameters:
          h0: {type: float, min: 0, max: 1}
          h1: {type: float, min: 0, max: 1}
        steps: 40
        ready: {every: 4}
        runs:
          - name: grid
            method: grid
            points: [{h0: 1, h1: 0}, {h0: 0, h1: 1}]
          - name: pbt
            method: pbt
            points: [{h0: 1, h1: 0}, {h0: 0, h1: 1}]
          - name: explore-only
            method: pbt
            points: [{h0: 1, h1: 0}, {h0: 0, h1: 1}]
            ablation: explore-only
        """;

    [Fact]
    public void Parse_Should_ResolveEverySection_When_TheSpecIsValid()
    {
        var spec = TestCatalog.Parse(Full, File);

        Assert.Equal(1, spec.Version);
        Assert.Equal("boston-bad-grid", spec.Experiment);
        Assert.Equal(1UL, spec.Seed);
        Assert.Equal(new Objective("loss", ObjectiveMode.Minimize), spec.Objective);
        Assert.Equal(new TrainableSpec("lab", new LabSettings(0.5)), spec.Trainable);
        Assert.Equal(["l1", "l2", "units", "act"], spec.Hyperparameters.Select(h => h.Name));
        Assert.Equal(HyperparameterSet.From([new("learning_rate", 0.001), new("init", "he")]), spec.Constants);
        Assert.Equal(2000, spec.Steps);
        Assert.Equal(new ReadySpec(50, 100), spec.Ready);
        Assert.Equal(["grid", "random", "pbt-6", "pbt-async"], spec.Runs.Select(r => r.Name));
    }

    [Fact]
    public void Parse_Should_SpaceAGridCountInTheScale_When_GridIsAnInteger()
    {
        var spec = TestCatalog.Parse(Full, File);
        var l1 = spec.Hyperparameters[0];

        Assert.Equal(HyperparameterType.Continuous, l1.Type);
        Assert.Equal(ParameterScale.Log, l1.Scale);
        Assert.Equal(6, l1.Grid.Count);
        Assert.Equal(0.01, l1.Grid[0].Number);
        Assert.Equal(0.2, l1.Grid[5].Number);
        var ratios = l1.Grid.Zip(l1.Grid.Skip(1)).Select(p => p.Second.Number / p.First.Number).ToList();
        Assert.All(ratios, r => Assert.Equal(Math.Pow(20, 0.2), r, 12));
        Assert.Equal([32.0, 64.0, 128.0], spec.Hyperparameters[2].Grid.Select(v => v.Number));
        Assert.Equal(SpecList.Of<HyperValue>("relu", "tanh"), spec.Hyperparameters[3].Grid);
    }

    [Fact]
    public void Parse_Should_RoundAndDeduplicate_When_AnIntGridCountIsDense()
    {
        var spec = TestCatalog.Parse(Toy.Replace("h0: {type: float, min: 0, max: 1}", "h0: {type: int, min: 0, max: 3, grid: 7}", StringComparison.Ordinal), File);

        // 0, 0.5, 1, 1.5, 2, 2.5, 3 rounded half away from zero, duplicates dropped
        Assert.Equal([0.0, 1.0, 2.0, 3.0], spec.Hyperparameters[0].Grid.Select(v => v.Number));
    }

    [Fact]
    public void Parse_Should_FillRunDefaults_When_KeysAreLeftOut()
    {
        var spec = TestCatalog.Parse(Full, File);
        var grid = spec.Runs[0];
        var pbtAsync = spec.Runs[3];

        Assert.Equal(new RunSpec("grid", "grid", 6 * 6 * 3 * 2, SpecList<HyperparameterSet>.Empty, 0, 2, new GridSettings()), grid);
        Assert.Equal(36, spec.Runs[1].Population);
        Assert.Equal(
            new PbtSettings(PbtMode.Synchronous, InitializationKind.SubsampledGrid, new TruncationExploit(0.2), new PerturbSettings(SpecList.Of(0.2, 0.5, 1.5, 2.0), 0), BoundaryPolicy.Clamp, PbtAblation.None),
            spec.Runs[2].Settings);
        Assert.Equal(
            new PbtSettings(PbtMode.Asynchronous, InitializationKind.Random, new BestIntoWorstExploit(2), new NoiseSettings(0.5, NoiseSpace.Log2, 0), BoundaryPolicy.Reflect, PbtAblation.ExploreOnly),
            pbtAsync.Settings);
    }

    [Fact]
    public void Parse_Should_UsePointsAndDefaults_When_TheToySpecIsMinimal()
    {
        var spec = TestCatalog.Parse(Toy, "toy.yaml");

        Assert.Equal(0UL, spec.Seed);
        Assert.Equal(new TrainableSpec("toy", new ToySettings()), spec.Trainable);
        Assert.Empty(spec.Constants);
        Assert.Equal(new ReadySpec(4, 0), spec.Ready);
        var points = SpecList.Of(HyperparameterSet.From([new("h0", 1.0), new("h1", 0.0)]), HyperparameterSet.From([new("h0", 0.0), new("h1", 1.0)]));
        Assert.Equal(new RunSpec("grid", "grid", 2, points, 0, 2, new GridSettings()), spec.Runs[0]);
        Assert.Equal(
            new RunSpec("pbt", "pbt", 2, points, 0, 2, new PbtSettings(PbtMode.Synchronous, InitializationKind.Explicit, new TruncationExploit(0.2), new PerturbSettings(SpecList.Of(0.8, 1.2), 0), BoundaryPolicy.Clamp, PbtAblation.None)),
            spec.Runs[1]);
        Assert.Equal(PbtAblation.ExploreOnly, ((PbtSettings)spec.Runs[2].Settings).Ablation);
        Assert.Empty(spec.Hyperparameters[0].Grid);
    }

    [Fact]
    public void Parse_Should_ReportUnknownKeyWithSuggestion_When_AKeyIsMisspelt()
    {
        var e = Errors(Toy.Replace("    method: grid", "    methd: grid", StringComparison.Ordinal));

        var error = Assert.Single(e, x => x.Path == "runs[0].methd");
        Assert.Contains("unknown key", error.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'method'?", error.Message, StringComparison.Ordinal);
        Assert.Equal("methd", error.Value);
        Assert.Equal(File, error.File);
        Assert.Equal(12, error.Line);
        Assert.Equal(5, error.Column);
    }

    [Fact]
    public void Parse_Should_ReportTheTypeError_When_StepsIsNotANumber()
    {
        var error = Assert.Single(Errors(Toy.Replace("steps: 40", "steps: ten", StringComparison.Ordinal)));

        Assert.Equal("steps", error.Path);
        Assert.Equal("ten", error.Value);
        Assert.Contains("expected an integer ≥ 1", error.Message, StringComparison.Ordinal);
        Assert.Equal("spec.yaml:8:8: steps: expected an integer ≥ 1 (got 'ten')", error.ToString());
    }

    [Fact]
    public void Parse_Should_ReportTheRange_When_TheExploitFractionIsTooLarge()
    {
        var error = Assert.Single(Errors(Full.Replace("fraction: 0.2", "fraction: 0.7", StringComparison.Ordinal)));

        Assert.Equal("runs[2].exploit.fraction", error.Path);
        Assert.Equal("0.7", error.Value);
        Assert.Contains("(0, 0.5]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_Report_When_MinIsAboveMax()
    {
        var error = Assert.Single(Errors(Full.Replace("units: {type: int, min: 16, max: 256", "units: {type: int, min: 300, max: 256", StringComparison.Ordinal)));

        Assert.Equal("hyperparameters.units.min", error.Path);
        Assert.Contains("min must be less than max (256)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_Report_When_ALogScaleStartsAtZero()
    {
        var error = Assert.Single(Errors(Full.Replace("l1: {type: float, scale: log, min: 0.01", "l1: {type: float, scale: log, min: 0", StringComparison.Ordinal)));

        Assert.Equal("hyperparameters.l1.min", error.Path);
        Assert.Contains("log-scale hyperparameter needs min > 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_Report_When_AGridIsEmpty()
    {
        var error = Assert.Single(Errors(Full.Replace("grid: [32, 64, 128]", "grid: []", StringComparison.Ordinal)));

        Assert.Equal("hyperparameters.units.grid", error.Path);
        Assert.Contains("empty grid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_Report_When_StepsIsMissing()
    {
        var error = Assert.Single(Errors("version: 1\nexperiment: x\nobjective: {metric: q}\ntrainable: {kind: toy}\nconstants: {h0: 1, h1: 1}\nruns: [{name: r, method: random, population: 3}]\n"));

        Assert.Equal("steps", error.Path);
        Assert.Null(error.Value);
        Assert.Contains("required key is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_NameBothRuns_When_RunNamesRepeat()
    {
        var error = Assert.Single(Errors(Full.Replace("name: random", "name: grid", StringComparison.Ordinal)));

        Assert.Equal("runs[1].name", error.Path);
        Assert.Equal("grid", error.Value);
        Assert.Contains("runs[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_Report_When_APbtPopulationIsBelowTwo()
    {
        var error = Assert.Single(Errors(Full.Replace("init: random\n    population: 4", "init: random\n    population: 1", StringComparison.Ordinal)));

        Assert.Equal("runs[3].population", error.Path);
        Assert.Contains("at least 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_Report_When_APointMissesASearchedKey()
    {
        var errors = Errors(Toy.Replace("points: [{h0: 1, h1: 0}, {h0: 0, h1: 1}]\n  - name: pbt", "points: [{h0: 1}, {h0: 0, h1: 1, h2: 3}]\n  - name: pbt", StringComparison.Ordinal));

        Assert.Equal(2, errors.Count);
        Assert.Equal("runs[0].points[0].h1", errors[0].Path);
        Assert.Contains("every point sets every searched hyperparameter", errors[0].Message, StringComparison.Ordinal);
        Assert.Equal("runs[0].points[1].h2", errors[1].Path);
        Assert.Contains("unknown hyperparameter (did you mean 'h0'?); expected one of h0, h1", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_ReportLineAndColumn_When_TheYamlIsMalformed()
    {
        var badIndent = Assert.Single(Errors("version: 1\nexperiment: x\n  steps: 3\n"));
        var unclosed = Assert.Single(Errors("version: 1\nexperiment: [unclosed\nsteps: 3\n"));

        Assert.Contains("YAML syntax error", badIndent.Message, StringComparison.Ordinal);
        Assert.Equal(3, badIndent.Line);
        Assert.True(badIndent.Column > 0);
        Assert.StartsWith(string.Create(CultureInfo.InvariantCulture, $"spec.yaml:3:{badIndent.Column}: YAML syntax error"), badIndent.ToString(), StringComparison.Ordinal);
        Assert.Contains("unclosed", unclosed.Message, StringComparison.Ordinal);
        Assert.True(unclosed.Line >= 2, $"line {unclosed.Line}");
    }

    [Fact]
    public void Parse_Should_CollectEveryError_When_TheSpecHasMany()
    {
        var text = Full
            .Replace("version: 1", "version: 2", StringComparison.Ordinal)
            .Replace("target: 0.5", "target: high", StringComparison.Ordinal)
            .Replace("fraction: 0.2", "fraction: 0.7", StringComparison.Ordinal)
            .Replace("grid: [32, 64, 128]", "grid: []", StringComparison.Ordinal)
            .Replace("    method: grid", "    methd: grid", StringComparison.Ordinal);

        var e = Assert.Throws<SpecException>(() => TestCatalog.Parse(text, File));

        Assert.Equal(
            ["version", "trainable.target", "hyperparameters.units.grid", "runs[0].methd", "runs[0].method", "runs[2].exploit.fraction"],
            e.Errors.Select(x => x.Path));
        Assert.Contains("6 errors", e.Message, StringComparison.Ordinal);
        Assert.All(e.Errors, x => Assert.Contains(x.ToString(), e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_Should_Reject_When_KeysDoNotFitTheMethodOrKind()
    {
        var text = Toy
            .Replace("trainable: {kind: toy}", "trainable: {kind: toy, dataset: boston}", StringComparison.Ordinal)
            .Replace("    method: grid\n", "    method: grid\n    exploit: {strategy: tournament}\n", StringComparison.Ordinal)
            .Replace("ablation: explore-only", "ablation: explore-only\n    explore: {strategy: log-noise, factors: [2]}", StringComparison.Ordinal);

        var paths = Errors(text).Select(x => x.Path).ToList();

        Assert.Equal(["trainable.dataset", "runs[0].exploit", "runs[2].explore.factors"], paths);
    }

    [Fact]
    public void Parse_Should_Reject_When_GridValuesOrPointsAreOutOfBounds()
    {
        var text = Full
            .Replace("grid: [32, 64, 128]", "grid: [32, 64.5, 512]", StringComparison.Ordinal)
            .Replace("    method: grid\n", "    method: grid\n    points: [{l1: 0.05, l2: 0.3, units: 32, act: gelu}]\n", StringComparison.Ordinal);

        var errors = Errors(text);

        Assert.Equal(["hyperparameters.units.grid[1]", "hyperparameters.units.grid[2]", "runs[0].points[0].l2", "runs[0].points[0].act"], errors.Select(x => x.Path));
        Assert.Contains("an integer in [16, 256]", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("relu, tanh", errors[3].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_Reject_When_AGridRunLacksGrids()
    {
        var error = Assert.Single(Errors(Toy.Replace("    points: [{h0: 1, h1: 0}, {h0: 0, h1: 1}]\n  - name: pbt", "  - name: pbt", StringComparison.Ordinal)));

        Assert.Equal("runs[0]", error.Path);
        Assert.Contains("hyperparameters.h0, hyperparameters.h1 have none", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_Reject_When_APbtRunNeverReachesReady()
    {
        var error = Assert.Single(Errors(Toy.Replace("ready: {every: 4}\n", "", StringComparison.Ordinal).Replace("  - name: pbt\n    method: pbt\n    points: [{h0: 1, h1: 0}, {h0: 0, h1: 1}]\n", "", StringComparison.Ordinal)));

        Assert.Equal("ready.every", error.Path);
        Assert.Contains("runs[1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_Reject_When_AConstantIsAlsoSearched()
    {
        var error = Assert.Single(Errors(Full.Replace("constants: {learning_rate: 0.001", "constants: {l1: 0.001", StringComparison.Ordinal)));

        Assert.Equal("constants.l1", error.Path);
    }

    [Fact]
    public void Parse_Should_Reject_When_TheDocumentIsEmptyOrNotAMapping()
    {
        Assert.Contains("empty", Assert.Single(Errors("")).Message, StringComparison.Ordinal);
        Assert.Contains("expected a mapping", Assert.Single(Errors("- a\n- b\n")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Should_ReadTheFile_When_ItExists()
    {
        var path = Path.Combine(Path.GetTempPath(), "cohort-spec-" + Guid.NewGuid().ToString("N") + ".yaml");
        try
        {
            System.IO.File.WriteAllText(path, Toy);

            Assert.Equal(TestCatalog.Parse(Toy, path), TestCatalog.WithLab.Load(path));
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public void Load_Should_ThrowASpecError_When_TheFileIsMissing()
    {
        var e = Assert.Throws<SpecException>(() => TestCatalog.WithLab.Load("/no/such/spec.yaml"));

        Assert.Equal("/no/such/spec.yaml", Assert.Single(e.Errors).File);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_ReadNumbersInvariantly_When_TheCultureIsFrench()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("fr-FR");

            var spec = TestCatalog.Parse(Full, File);

            Assert.Equal(new TruncationExploit(0.2), ((PbtSettings)spec.Runs[2].Settings).Exploit);
            Assert.Equal(0.01, spec.Hyperparameters[0].Min);
            Assert.Equal(spec, TestCatalog.Parse(TestCatalog.WithLab.ToJson(spec), "stored.json"));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Parse_Should_Reject_When_AKeyIsRepeated()
    {
        var error = Assert.Single(Errors(Toy.Replace("steps: 40", "steps: 40\nsteps: 50", StringComparison.Ordinal)));

        Assert.True(error.Line > 0);
        Assert.Contains("steps", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Should_ResolveAnchors_When_TheSpecReusesABlock()
    {
        var spec = TestCatalog.Parse(Toy.Replace("h1: {type: float, min: 0, max: 1}", "h1: *h", StringComparison.Ordinal).Replace("h0: {type", "h0: &h {type", StringComparison.Ordinal), File);

        Assert.Equal(spec.Hyperparameters[0] with { Name = "h1" }, spec.Hyperparameters[1]);
    }

    [Fact]
    public void Parse_Should_RejectQuotedNumbersAndBadSeeds_When_TypesAreWrong()
    {
        var errors = Errors(Toy.Replace("steps: 40", "steps: \"40\"\nseed: -3", StringComparison.Ordinal).Replace("runs:\n", "runs:\n  - {name: r, method: random, population: 2.5}\n", StringComparison.Ordinal));

        Assert.Equal(["runs[0].population", "seed", "steps"], errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    private static IReadOnlyList<SpecError> Errors(string text) => TestCatalog.Errors(text, File);
}
