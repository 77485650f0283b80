
namespace Cohort.Cli.Spec;

/// <summary>
/// Reads an experiment spec (YAML; format in docs/spec.md) into a resolved <see cref="ExperimentSpec"/>. Validation
/// collects every problem before failing: each <see cref="SpecError"/> names the file, the key path, the bad value and
/// what was expected, and unknown keys come with a "did you mean" suggestion when one is close.
/// </summary>
public static class SpecLoader
{
    /// <summary>The dataset names a network trainable may use.</summary>
    public static IReadOnlyList<string> KnownDatasets { get; } = ["boston", "california", "mnist", "fashion-mnist", "cifar10"];

    /// <summary>Reads and validates the spec file at <paramref name="path"/>.</summary>
    /// <exception cref="SpecException">The file is missing or unreadable, or the spec is invalid.</exception>
    public static ExperimentSpec Load(string path) => Load(path, null);

    /// <inheritdoc cref="Load(string)"/>
    /// <param name="path">The spec file.</param>
    /// <param name="knownDatasets">Dataset names to accept instead of <see cref="KnownDatasets"/>.</param>
    public static ExperimentSpec Load(string path, IReadOnlyCollection<string>? knownDatasets)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var message = e is FileNotFoundException or DirectoryNotFoundException ? "the spec file does not exist" : "the spec file cannot be read: " + e.Message;
            throw new SpecException([new SpecError(path, "", null, message, 0, 0)]);
        }

        return Parse(text, path, knownDatasets);
    }

    /// <summary>Parses and validates spec text; <paramref name="fileName"/> only labels the errors.</summary>
    /// <exception cref="SpecException">The spec is invalid; <see cref="SpecException.Errors"/> lists every problem.</exception>
    public static ExperimentSpec Parse(string text, string fileName) => Parse(text, fileName, null);

    /// <inheritdoc cref="Parse(string, string)"/>
    /// <param name="text">The YAML (or JSON) text.</param>
    /// <param name="fileName">Names the source in errors.</param>
    /// <param name="knownDatasets">Dataset names to accept instead of <see cref="KnownDatasets"/>.</param>
    public static ExperimentSpec Parse(string text, string fileName, IReadOnlyCollection<string>? knownDatasets)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        var reader = new SpecReader(fileName, knownDatasets ?? KnownDatasets);
        var spec = reader.Read(text);
        if (reader.Errors.Count > 0 || spec is null)
        {
            throw new SpecException(reader.Errors);
        }

        return spec;
    }

    /// <summary>Suggests the closest of <paramref name="candidates"/> to a misspelt <paramref name="word"/>, or null.</summary>
    internal static string? Closest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var d = Distance(word.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }

        return best is not null && bestDistance <= Math.Max(1, Math.Max(word.Length, best.Length) / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
