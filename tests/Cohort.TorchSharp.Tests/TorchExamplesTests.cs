using Cohort.Spec;

namespace Cohort.TorchSharp.Tests;

/// <summary>The examples of <c>kind: torch</c> are valid and survive the trip through the stored JSON (Cohort.Spec.Tests reads the others).</summary>
public sealed class TorchExamplesTests
{
    private static readonly SpecCatalog s_catalog = TorchCatalog.Instance;

    [Theory]
    [InlineData("gan-mnist.yaml")]
    [InlineData("boston-bad-grid-torch.yaml")]
    [InlineData("nmt-pbt.yaml")]
    public void Load_Should_AcceptAndRoundTrip_When_TheSpecIsATorchExample(string file)
    {
        var spec = s_catalog.Load(Path.Combine(RepositoryRoot(), "examples", file));
        var json = s_catalog.ToJson(spec);

        Assert.Equal("torch", spec.Trainable.Kind);
        Assert.Equal(spec, s_catalog.Parse(json, file + " (stored)"));
        Assert.All(spec.Runs, run => Assert.Equal(run.Population, s_catalog.CreateScheduler(spec, run).Population));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cohort.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cohort.slnx not found above the test assembly.");
    }
}
