using Cohort.Engine.Data;

namespace Cohort.Tests;

/// <summary>The datasets these tests read from the shared data folder, loaded once.</summary>
internal static partial class SharedData
{
    private static readonly Lazy<DatasetSplits> s_boston = new(() =>
        DatasetCatalog.Load("boston", Directory, new SplitOptions { ValidationFraction = 0.2, TestFraction = 0.2, Seed = 1, StandardizeTargets = true }));

    private static readonly Lazy<LoadedData> s_mnist = new(() => DatasetCatalog.LoadRaw("mnist", Directory));

    /// <summary>Boston as paper 000's bad grid splits it (seed 1, 20% validation, 20% test, standardised targets).</summary>
    public static DatasetSplits Boston => s_boston.Value;

    /// <summary>MNIST as loaded (60000 training, 10000 test images), read-only.</summary>
    public static LoadedData Mnist => s_mnist.Value;
}
