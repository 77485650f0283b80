using Cohort.Engine.Data;

namespace Cohort.Tests;

/// <summary>
/// The shared data folder: COHORT_DATA, else a <c>shared/data</c> folder beside an ancestor of the test assembly
/// (../shared/data beside the repository). One file, linked into the test projects that read real datasets (Engine,
/// Training, TorchSharp, Cli); each adds what it takes from the folder in a part of its own.
/// </summary>
internal static partial class SharedData
{
    public const string SkipReason =
        "shared/data not found: set COHORT_DATA to the data folder, or check the repository out beside shared/data (../shared/data).";

    /// <summary>The folder, or null when it is not there (the tests that need it are skipped).</summary>
    public static string? Root { get; } = Find();

    /// <summary>The folder as a data directory; throws (with <see cref="SkipReason"/>) when it is absent.</summary>
    public static DataDirectory Directory => new(Root ?? throw new InvalidOperationException(SkipReason));

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable(DataDirectory.EnvironmentVariable) is { Length: > 0 } env)
        {
            return env;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "data");
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
