using Cohort.Cli.Tests;

namespace Cohort.Tests;

/// <summary>What the CLI's tests take from the shared data folder.</summary>
internal static partial class SharedData
{
    /// <summary>A fresh data folder holding only Boston Housing (copied), so that a test can tell which data folder a command used.</summary>
    public static string BostonCopy()
    {
        var root = Path.Combine(TestPaths.NewDirectory(), "data");
        System.IO.Directory.CreateDirectory(Path.Combine(root, "boston"));
        File.Copy(Path.Combine(Root ?? throw new InvalidOperationException(SkipReason), "boston", "housing.data"), Path.Combine(root, "boston", "housing.data"));
        return root;
    }
}
