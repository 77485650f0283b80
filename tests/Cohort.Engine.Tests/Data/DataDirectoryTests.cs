using Cohort.Engine.Data;

namespace Cohort.Engine.Tests.Data;

public sealed class DataDirectoryTests
{
    [Fact]
    public void Should_PreferExplicitPath_When_EnvironmentVariableIsAlsoSet()
    {
        var dir = DataDirectory.Resolve("/tmp/explicit", _ => "/tmp/from-env");

        Assert.Equal(Path.GetFullPath("/tmp/explicit"), dir.Root);
        Assert.Equal(DataDirectorySource.Explicit, dir.Source);
    }

    [Fact]
    public void Should_UseEnvironmentVariable_When_NoExplicitPath()
    {
        string? asked = null;

        var dir = DataDirectory.Resolve(null, name =>
        {
            asked = name;
            return "/tmp/from-env";
        });

        Assert.Equal("COHORT_DATA", asked);
        Assert.Equal(Path.GetFullPath("/tmp/from-env"), dir.Root);
        Assert.Equal(DataDirectorySource.Environment, dir.Source);
    }

    [Fact]
    public void Should_FallBackToHomeDotCohort_When_NothingIsSet()
    {
        var dir = DataDirectory.Resolve("  ", _ => "");

        Assert.Equal(DataDirectorySource.Default, dir.Source);
        Assert.Equal(
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cohort", "data"),
            dir.Root);
    }

    [Fact]
    public void Should_MapRelativePathsInsideRoot_When_GettingPaths()
    {
        var dir = new DataDirectory("/tmp/cohort-data");

        Assert.Equal(Path.Combine("/tmp/cohort-data", "mnist", "t10k-labels-idx1-ubyte.gz"), dir.GetPath("mnist/t10k-labels-idx1-ubyte.gz"));
        Assert.Throws<ArgumentException>(() => dir.GetPath("../etc/passwd"));
        Assert.Throws<ArgumentException>(() => dir.GetPath("/etc/passwd"));
    }
}
