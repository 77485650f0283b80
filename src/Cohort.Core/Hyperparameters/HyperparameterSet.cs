using System.Collections;
using System.Collections.Immutable;
using System.Globalization;

namespace Cohort.Core.Hyperparameters;

/// <summary>
/// An immutable, named set of hyperparameter values (h in the papers). Ordered by name so that
/// iteration, hashing and serialisation are deterministic.
/// </summary>
public sealed class HyperparameterSet : IReadOnlyDictionary<string, HyperValue>, IEquatable<HyperparameterSet>
{
    public static readonly HyperparameterSet Empty = new(ImmutableSortedDictionary.Create<string, HyperValue>(StringComparer.Ordinal));

    private readonly ImmutableSortedDictionary<string, HyperValue> _values;

    /// <summary>The set as CohortJson writes it, once it was written (the set is immutable; a race writes the same bytes).</summary>
    internal byte[]? Utf8Json { get; set; }

    private HyperparameterSet(ImmutableSortedDictionary<string, HyperValue> values) => _values = values;

    public static HyperparameterSet From(IEnumerable<KeyValuePair<string, HyperValue>> values) =>
        new(values.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));

    public HyperparameterSet With(string name, HyperValue value) => new(_values.SetItem(name, value));

    /// <summary>The numeric value of <paramref name="name"/>; throws naming the key when it is absent or categorical.</summary>
    public double GetNumber(string name)
    {
        var v = Get(name);
        if (v.IsCategorical)
        {
            throw new InvalidOperationException($"Hyperparameter '{name}' is categorical ('{v.Category}'), not a number.");
        }

        return v.Number;
    }

    public double GetNumber(string name, double fallback) =>
        _values.TryGetValue(name, out var v) && !v.IsCategorical ? v.Number : fallback;

    public int GetInt(string name) => checked((int)Math.Round(GetNumber(name)));

    public string GetCategory(string name) =>
        Get(name).Category ?? throw new InvalidOperationException($"Hyperparameter '{name}' is numeric, not categorical.");

    private HyperValue Get(string name) =>
        _values.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"Hyperparameter '{name}' is not set.");

    public HyperValue this[string key] => Get(key);

    public IEnumerable<string> Keys => _values.Keys;

    public IEnumerable<HyperValue> Values => _values.Values;

    public int Count => _values.Count;

    public bool ContainsKey(string key) => _values.ContainsKey(key);

    public bool TryGetValue(string key, out HyperValue value) => _values.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, HyperValue>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(HyperparameterSet? other) =>
        other is not null && other.Count == Count && _values.All(kv => other.TryGetValue(kv.Key, out var v) && v.Equals(kv.Value));

    public override bool Equals(object? obj) => Equals(obj as HyperparameterSet);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var kv in _values)
        {
            hash.Add(kv.Key);
            hash.Add(kv.Value);
        }

        return hash.ToHashCode();
    }

    public override string ToString() =>
        "{" + string.Join(", ", _values.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value}"))) + "}";
}
