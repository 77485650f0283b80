using Cohort.Engine.Data;

namespace Cohort.Tests;

/// <summary>What the engine's tests read from the shared data folder.</summary>
internal static partial class SharedData
{
    private static readonly Lazy<(LoadedData Data, TimeSpan Elapsed)> s_mnist = new(() =>
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var data = DatasetCatalog.LoadRaw("mnist", Directory);
        return (data, watch.Elapsed);
    });

    /// <summary>MNIST loaded once per test run (train 60000 + test 10000 images) and shared by the tests that only read it.</summary>
    public static LoadedData Mnist => s_mnist.Value.Data;

    /// <summary>Wall time of that one load.</summary>
    public static TimeSpan MnistLoadTime => s_mnist.Value.Elapsed;

    /// <summary>A file or folder in the shared data folder.</summary>
    public static string Path(string relative) =>
        System.IO.Path.Combine(Root ?? throw new InvalidOperationException(SkipReason), relative);
}
