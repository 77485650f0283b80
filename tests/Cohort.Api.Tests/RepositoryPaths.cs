namespace Cohort.Api.Tests;

/// <summary>Where the repository is (the tests read docs/, examples/ and their own snapshots from the source tree).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cohort.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Cohort.slnx above {AppContext.BaseDirectory}.");
    }
}
