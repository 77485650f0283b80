namespace Cohort.Spec.Tests;

/// <summary>Every spec in <c>examples/</c> is valid and survives the trip through the stored JSON.</summary>
public sealed class ExamplesTests
{
    /// <summary>
    /// The examples this catalog reads: every one but those of <c>kind: torch</c>, whose section lives in
    /// Cohort.TorchSharp (its tests load them: <c>TorchExamplesTests</c>).
    /// </summary>
    public static TheoryData<string> Examples() =>
        [.. Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, "examples"), "*.yaml")
            .Where(f => !IsTorch(f))
            .Select(f => Path.GetFileName(f))
            .Order(StringComparer.Ordinal)];

    /// <summary>Whether the spec's trainable is of kind torch (its section is not in this catalog).</summary>
    private static bool IsTorch(string file) =>
        File.ReadLines(file).Any(line => line.Trim() is "kind: torch" || line.Contains("{kind: torch", StringComparison.Ordinal));

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
