using Cohort.Spec.Methods;

namespace Cohort.Spec.Tests;

/// <summary><see cref="SpecOverride"/> (the CLI's <c>--set</c>): applied before reading, validated like the file, errors naming the override.</summary>
public sealed class SpecOverrideTests
{
    private static ExperimentSpec Load(params string[] overrides) =>
        TestCatalog.WithLab.Load(TestPaths.Example("toy.yaml"), overrides.Select(SpecOverride.Parse).ToList());

    private static IReadOnlyList<SpecError> Errors(params string[] overrides) =>
        Assert.Throws<SpecException>(() => Load(overrides)).Errors;

    [Fact]
    public void Load_Should_ChangeTheKeys_When_OverridesNameThem()
    {
        var spec = Load("steps=10", "ready.every=5", "seed=9", "runs[1].population=2", "runs.explore-only.exploit={strategy: truncation, fraction: 0.4}");

        Assert.Equal(10, spec.Steps);
        Assert.Equal(5, spec.Ready.Every);
        Assert.Equal(9UL, spec.Seed);
        Assert.Equal(0.4, Assert.IsType<TruncationExploit>(((PbtSettings)spec.Runs[2].Settings).Exploit).Fraction);
    }

    [Fact]
    public void Load_Should_EqualTheEditedFile_When_AnOverrideChangesAValue()
    {
        var path = Path.Combine(Path.GetTempPath(), "cohort-spec-override-" + Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, File.ReadAllText(TestPaths.Example("toy.yaml")).Replace("\nsteps: 400\n", "\nsteps: 40\n", StringComparison.Ordinal));
        try
        {
            Assert.Equal(TestCatalog.WithLab.Load(path), Load("steps=40"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_Should_ReportTheOverride_When_ItsValueOrKeyIsInvalid()
    {
        Assert.Equal("--set steps=ten: steps: expected an integer ≥ 1 (got 'ten')", Assert.Single(Errors("steps=ten")).ToString());
        Assert.Equal("--set stepz=1: stepz: unknown key (did you mean 'steps'?); expected one of version, experiment, seed, objective, trainable, hyperparameters, constants, steps, ready, runs, plugins (got 'stepz')", Assert.Single(Errors("stepz=1")).ToString());
        Assert.Contains(Errors("runs[9].population=2"), e => e.ToString() == "--set runs[9].population=2: runs[9].population: runs has 4 items, so no [9]");
        Assert.Contains(Errors("steps.every=2"), e => e.ToString() == "--set steps.every=2: steps.every: steps is not a mapping, so it has no key 'every'");
        Assert.Contains(Errors("steps=[1"), e => e.ToString().StartsWith("--set steps=[1: steps: the value is not valid YAML", StringComparison.Ordinal));
        Assert.Contains(Errors("a..b=1"), e => e.ToString().StartsWith("--set a..b=1: a..b: the key path is malformed", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_Should_StillLocateFileErrorsInTheFile_When_OverridesAreGiven()
    {
        var path = Path.Combine(Path.GetTempPath(), "cohort-spec-override-" + Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, File.ReadAllText(TestPaths.Example("toy.yaml")).Replace("\nsteps: 400\n", "\nsteps: 400\nsteps_typo: 3\n", StringComparison.Ordinal));
        try
        {
            var errors = Assert.Throws<SpecException>(() => TestCatalog.WithLab.Load(path, [SpecOverride.Parse("seed=x")])).Errors;

            Assert.Contains(errors, e => e.File == path && e.Path == "steps_typo" && e.Line > 0);
            Assert.Contains(errors, e => e.File == "--set seed=x" && e.Path == "seed" && e.Line == 0);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_Should_RejectAnOverrideWithoutEquals()
    {
        var e = Assert.Throws<SpecException>(() => SpecOverride.Parse("steps"));

        Assert.Equal("--set steps: expected key.path=value, e.g. --set steps=500 or --set runs[0].population=8 (got 'steps')", Assert.Single(e.Errors).ToString());
    }
}
