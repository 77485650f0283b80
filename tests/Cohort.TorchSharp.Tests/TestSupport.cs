using System.Security.Cryptography;
using Cohort.Core.Trainables;
using Cohort.Engine.Data;
using Cohort.Spec;
using Cohort.Spec.Methods;
using Cohort.Training;

namespace Cohort.TorchSharp.Tests;

/// <summary>The shared data directory (COHORT_DATA, else shared/data above the test assembly) and datasets loaded once.</summary>
internal static class SharedData
{
    public const string SkipReason =
        "shared/data not found: set COHORT_DATA to the data folder, or check the repository out beside shared/data (../shared/data).";

    /// <summary>The folder, or null when it is not there (the tests that need it are skipped).</summary>
    public static string? Root { get; } = Find();

    public static DataDirectory Directory => new(Root ?? throw new InvalidOperationException(SkipReason));

    private static readonly Lazy<DatasetSplits> s_boston = new(() =>
        DatasetCatalog.Load("boston", Directory, new SplitOptions { ValidationFraction = 0.2, TestFraction = 0.2, Seed = 1, StandardizeTargets = true }));

    private static readonly Lazy<LoadedData> s_mnist = new(() => DatasetCatalog.LoadRaw("mnist", Directory));

    /// <summary>Boston as paper 000's bad grid splits it (seed 1, 20% validation, 20% test, standardised targets).</summary>
    public static DatasetSplits Boston => s_boston.Value;

    /// <summary>MNIST as loaded (60000 training, 10000 test images), read-only.</summary>
    public static LoadedData Mnist => s_mnist.Value;

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable(DataDirectory.EnvironmentVariable) is { Length: > 0 } env)
        {
            return env;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (System.IO.Directory.Exists(candidate))
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

/// <summary>A theory that is skipped, saying why, when the shared data folder is absent.</summary>
internal sealed class SharedDataTheoryAttribute : TheoryAttribute
{
    public SharedDataTheoryAttribute()
    {
        if (SharedData.Root is null)
        {
            Skip = SharedData.SkipReason;
        }
    }
}

internal static class Checkpoints
{
    public static byte[] Bytes(ITrainable trainable)
    {
        using var stream = new MemoryStream();
        trainable.Save(stream);
        return stream.ToArray();
    }

    public static string Hash(ITrainable trainable) => Convert.ToHexStringLower(SHA256.HashData(Bytes(trainable)));

    public static void Load(ITrainable trainable, byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        trainable.Load(stream);
    }
}

/// <summary>The spec catalog with the built-in methods and kinds and <c>kind: torch</c>.</summary>
internal static class TorchCatalog
{
    public static SpecCatalog Instance { get; } =
        SpecCatalog.Empty.Add(BuiltInMethods.All).Add(TrainingSections.All).Add(new TorchSection(GanSupport.CacheDirectory));
}
