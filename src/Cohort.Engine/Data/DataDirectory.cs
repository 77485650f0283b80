namespace Cohort.Engine.Data;

/// <summary>Where a <see cref="DataDirectory"/>'s root came from.</summary>
public enum DataDirectorySource
{
    /// <summary>An explicit path, e.g. the CLI's <c>--data</c> option.</summary>
    Explicit,

    /// <summary>The <c>COHORT_DATA</c> environment variable.</summary>
    Environment,

    /// <summary>The default, <c>~/.cohort/data</c>.</summary>
    Default,
}

/// <summary>
/// The folder datasets live in, laid out one folder per dataset: <c>mnist/</c>, <c>fashion-mnist/</c>,
/// <c>cifar10/</c>, <c>boston/</c>, <c>california/</c>. Resolution order: an explicit path (a CLI option) &gt; the
/// environment variable <see cref="EnvironmentVariable"/> &gt; <see cref="DefaultRoot"/>.
/// </summary>
public sealed class DataDirectory
{
    /// <summary>The environment variable naming the data directory.</summary>
    public const string EnvironmentVariable = "COHORT_DATA";

    public DataDirectory(string root, DataDirectorySource source = DataDirectorySource.Explicit)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        Source = source;
    }

    /// <summary>Absolute path of the data directory (it need not exist yet).</summary>
    public string Root { get; }

    /// <summary>Where <see cref="Root"/> came from.</summary>
    public DataDirectorySource Source { get; }

    /// <summary>The default root: <c>~/.cohort/data</c>.</summary>
    public static string DefaultRoot =>
        Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".cohort", "data");

    /// <summary>
    /// Resolves the data directory: <paramref name="explicitPath"/> if given, else the <c>COHORT_DATA</c> variable
    /// (read through <paramref name="getEnvironmentVariable"/>, default <see cref="System.Environment.GetEnvironmentVariable(string)"/>)
    /// if set and non-empty, else <see cref="DefaultRoot"/>.
    /// </summary>
    public static DataDirectory Resolve(string? explicitPath = null, Func<string, string?>? getEnvironmentVariable = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return new DataDirectory(explicitPath, DataDirectorySource.Explicit);
        }

        var fromEnvironment = (getEnvironmentVariable ?? System.Environment.GetEnvironmentVariable)(EnvironmentVariable);
        return !string.IsNullOrWhiteSpace(fromEnvironment)
            ? new DataDirectory(fromEnvironment, DataDirectorySource.Environment)
            : new DataDirectory(DefaultRoot, DataDirectorySource.Default);
    }

    /// <summary>Absolute path of <paramref name="relativePath"/> (with '/' separators, e.g. "mnist/t10k-labels-idx1-ubyte.gz").</summary>
    public string GetPath(string relativePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        if (Path.IsPathRooted(relativePath) || relativePath.Split('/').Contains(".."))
        {
            throw new ArgumentException($"'{relativePath}' must be a relative path inside the data directory.", nameof(relativePath));
        }

        return Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));
    }

    /// <summary>Whether <paramref name="relativePath"/> exists in the data directory.</summary>
    public bool Contains(string relativePath) => File.Exists(GetPath(relativePath));

    public override string ToString() => Root;
}
