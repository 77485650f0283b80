namespace Cohort.Cli.Tests;

/// <summary>The shared data folder (../shared/data beside the repository, or COHORT_DATA), for tests that train on a real dataset.</summary>
internal static class SharedData
{
    public const string SkipReason =
        "shared/data not found: set COHORT_DATA to a folder with boston/housing.data and mnist/, or check the repository out beside shared/data (../shared/data).";

    /// <summary>The folder, or null when it is not there.</summary>
    public static string? Root { get; } = Find();

    /// <summary>A fresh data folder holding only Boston Housing (copied), so that a test can tell which data folder a command used.</summary>
    public static string BostonCopy()
    {
        var root = Path.Combine(TestPaths.NewDirectory(), "data");
        Directory.CreateDirectory(Path.Combine(root, "boston"));
        File.Copy(Path.Combine(Root ?? throw new InvalidOperationException(SkipReason), "boston", "housing.data"), Path.Combine(root, "boston", "housing.data"));
        return root;
    }

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("COHORT_DATA");
        if (!string.IsNullOrWhiteSpace(env) && File.Exists(Path.Combine(env, "mnist", "t10k-labels-idx1-ubyte.gz")) && File.Exists(Path.Combine(env, "boston", "housing.data")))
        {
            return env;
        }

        for (var dir = new DirectoryInfo(TestPaths.RepositoryRoot); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (File.Exists(Path.Combine(candidate, "mnist", "train-images-idx3-ubyte.gz")) && File.Exists(Path.Combine(candidate, "boston", "housing.data")))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>A fact that is skipped, saying why, when the shared data folder is absent.</summary>
internal sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (SharedData.Root is null)
        {
            Skip = SharedData.SkipReason;
        }
    }
}
