using System.Buffers;
using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Cohort.Core.Storage.Serialization;

namespace Cohort.Dashboard;

/// <summary>
/// A set of hyperparameters as the page shows them (numbers, or strings for categories), kept compact for a read model
/// that holds one per explore: the names are an array shared with the run's previous set when they are the same, the
/// numbers one array, and no value is boxed until the set is enumerated (when a page is sent it).
/// </summary>
internal sealed class FlatHyperparameters : IReadOnlyDictionary<string, object>
{
    private readonly string[] _names;
    private readonly double[] _numbers;
    private readonly string?[]? _categories; // null when no value is a category

    private FlatHyperparameters(string[] names, double[] numbers, string?[]? categories)
    {
        _names = names;
        _numbers = numbers;
        _categories = categories;
    }

    /// <summary>The names, shared by the sets parsed with them (<see cref="Parse"/>).</summary>
    public IReadOnlyList<string> Names => _names;

    public int Count => _names.Length;

    public IEnumerable<string> Keys => _names;

    public IEnumerable<object> Values => this.Select(kv => kv.Value);

    public object this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"No hyperparameter '{key}'.");

    /// <summary>
    /// Reads <see cref="CohortJson"/>'s common form of hyperparameters, an object of finite numbers and category strings
    /// with distinct names; null for anything else (a non-finite number, a repeated name), which the caller reads with
    /// <see cref="CohortJson.DeserializeHyperparameters"/>. The names array of <paramref name="like"/> is shared when the
    /// names are the same, in the same order.
    /// </summary>
    public static FlatHyperparameters? Parse(string json, FlatHyperparameters? like)
    {
        var length = Encoding.UTF8.GetMaxByteCount(json.Length);
        var rented = length > 1024 ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            Span<byte> buffer = rented is null ? stackalloc byte[1024] : rented;
            return Parse(buffer[..Encoding.UTF8.GetBytes(json, buffer)], like?._names);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public bool ContainsKey(string key) => Array.IndexOf(_names, key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object value)
    {
        var i = Array.IndexOf(_names, key);
        value = i < 0 ? null : Value(i);
        return i >= 0;
    }

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
    {
        for (var i = 0; i < _names.Length; i++)
        {
            yield return new KeyValuePair<string, object>(_names[i], Value(i));
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private object Value(int i) => _categories?[i] is { } category ? category : _numbers[i];

    private static FlatHyperparameters? Parse(ReadOnlySpan<byte> utf8, string[]? shared)
    {
        var reader = new Utf8JsonReader(utf8);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        List<string> names = [];
        List<double> numbers = [];
        List<string?> categories = [];
        var same = shared is not null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var i = names.Count;
            string name;
            if (same && i < shared!.Length && reader.ValueTextEquals(shared[i]))
            {
                name = shared[i];
            }
            else
            {
                same = false;
                name = reader.GetString()!;
                if (names.Contains(name, StringComparer.Ordinal))
                {
                    return null;
                }
            }

            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.Number when reader.TryGetDouble(out var number) && double.IsFinite(number):
                    numbers.Add(number);
                    categories.Add(null);
                    break;
                case JsonTokenType.String:
                    numbers.Add(0);
                    categories.Add(reader.GetString());
                    break;
                default:
                    return null;
            }

            names.Add(name);
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            return null;
        }

        return new FlatHyperparameters(
            same && names.Count == shared!.Length ? shared : [.. names],
            [.. numbers],
            categories.Any(c => c is not null) ? [.. categories] : null);
    }
}
