using System.Globalization;

namespace Cohort.Spec.Sections;

/// <summary>
/// A mapping of a spec whose keys were checked. The typed readers take a key and a default: an absent key gives the
/// default, a bad value is reported and gives null.
/// </summary>
public sealed class SpecMap
{
    private readonly Dictionary<string, SpecEntry> _entries;

    internal SpecMap(SpecNode node, IEnumerable<SpecEntry> entries)
    {
        Node = node;
        _entries = new Dictionary<string, SpecEntry>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            _entries[e.Key] = e;
        }
    }

    /// <summary>The mapping itself (errors about it as a whole point here).</summary>
    public SpecNode Node { get; }

    /// <summary>The mapping's key path.</summary>
    public string Path => Node.Path;

    /// <summary>The keys present, in file order.</summary>
    public IReadOnlyCollection<string> Keys => _entries.Keys;

    /// <summary>The directory of the spec file (relative paths start there); null when the spec has no file.</summary>
    public string? BaseDirectory => Node.Session.BaseDirectory;

    /// <summary>Whether <paramref name="key"/> is present.</summary>
    public bool Has(string key) => _entries.ContainsKey(key);

    /// <summary>The value of <paramref name="key"/>, or null when absent.</summary>
    public SpecNode? Get(string key) => _entries.TryGetValue(key, out var e) ? e.Value : null;

    /// <summary>The entry of <paramref name="key"/> (key and value nodes), or null when absent.</summary>
    public SpecEntry? Entry(string key) => _entries.GetValueOrDefault(key);

    /// <summary>The value of <paramref name="key"/>; reports "required key is missing" and returns null when absent.</summary>
    public SpecNode? Required(string key)
    {
        if (Get(key) is { } node)
        {
            return node;
        }

        Error(key, "required key is missing");
        return null;
    }

    /// <summary>Reports a problem with <paramref name="key"/>: at its value when present, else at this mapping.</summary>
    public void Error(string key, string message, string? value = null) =>
        (Get(key) ?? Node).ErrorAt(SpecNode.Join(Path, key), message, value);

    /// <summary>An integer (absent: <paramref name="fallback"/>).</summary>
    public long? Whole(string key, long fallback, Func<long, bool> ok, string expected) =>
        Get(key) is { } n ? n.Whole(ok, expected) : fallback;

    /// <summary>A number (absent: <paramref name="fallback"/>).</summary>
    public double? Number(string key, double fallback, Func<double, bool> ok, string expected) =>
        Get(key) is { } n ? n.Number(ok, expected) : fallback;

    /// <summary><c>true</c> or <c>false</c> (absent: <paramref name="fallback"/>).</summary>
    public bool? Bool(string key, bool fallback) => Get(key) is { } n ? n.Bool() : fallback;

    /// <summary>One of <paramref name="options"/> (absent: <paramref name="fallback"/>).</summary>
    public T? Choice<T>(string key, T fallback, params IReadOnlyList<(string Name, T Value)> options)
        where T : struct =>
        Get(key) is { } n ? n.Choice(options) : fallback;

    /// <summary>Reports <paramref name="key"/> as misplaced ("only for <paramref name="owner"/>") when present and not <paramref name="allowed"/>.</summary>
    public void OnlyFor(string key, bool allowed, string owner)
    {
        if (!allowed && Get(key) is { } node)
        {
            node.Error("only for " + owner);
        }
    }

    /// <summary>
    /// The list at <paramref name="key"/> of integers in [<paramref name="min"/>, <paramref name="max"/>] (layer widths,
    /// counts); null when the key is absent or a value is bad (reported).
    /// </summary>
    public SpecList<int>? Widths(string key, int min, int max, string what)
    {
        if (Get(key)?.AsList() is not { } list)
        {
            return null;
        }

        var expected = string.Create(CultureInfo.InvariantCulture, $"{what} in [{min}, {max}]");
        var values = list.Select(item => item.Whole(x => x >= min && x <= max, expected)).ToArray();
        return values.All(v => v is not null) ? SpecList<int>.From(values.Select(v => (int)v!.Value)) : null;
    }
}
