namespace Cohort.Spec.Tests;

/// <summary>Every spec in <c>examples/</c> is valid and survives the trip through the stored JSON.</summary>
public sealed class ExamplesTests
{
    public static TheoryData<string> Examples() =>
        [.. Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, "examples"), "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Examples))]
    public void Load_Should_AcceptAndRoundTrip_When_TheSpecIsAnExample(string file)
    {
        var catalog = TestCatalog.Cohort;

        var spec = catalog.Load(TestPaths.Example(file));
        var json = catalog.ToJson(spec);

        Assert.Equal(spec, catalog.Parse(json, file + " (stored)"));
        Assert.Equal(json, catalog.ToJson(catalog.Parse(json, file + " (stored)")));
        Assert.All(spec.Runs, run => Assert.Equal(run.Population, catalog.CreateScheduler(spec, run).Population));
    }

    [Fact]
    public void Examples_Should_BeFound_When_TheRepositoryIsCheckedOut()
    {
        Assert.True(Examples().Count >= 20, $"{Examples().Count} examples");
    }
}
