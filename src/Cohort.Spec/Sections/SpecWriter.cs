using System.Text.Json;
using Cohort.Core.Hyperparameters;

namespace Cohort.Spec.Sections;

/// <summary>
/// Writes the keys of a resolved spec as JSON (which is YAML): numbers culture-invariant and round-tripping exactly,
/// keys as the spec file names them.
/// </summary>
public sealed class SpecWriter
{
    private readonly Utf8JsonWriter _json;

    internal SpecWriter(Utf8JsonWriter json) => _json = json;

    /// <summary><c>key: number</c>.</summary>
    public void Write(string key, double value) => _json.WriteNumber(key, value);

    /// <summary><c>key: integer</c>.</summary>
    public void Write(string key, long value) => _json.WriteNumber(key, value);

    /// <summary><c>key: integer</c>.</summary>
    public void Write(string key, ulong value) => _json.WriteNumber(key, value);

    /// <summary><c>key: "text"</c>.</summary>
    public void Write(string key, string value) => _json.WriteString(key, value);

    /// <summary><c>key: true|false</c>.</summary>
    public void Write(string key, bool value) => _json.WriteBoolean(key, value);

    /// <summary><c>key: [numbers]</c>.</summary>
    public void Write(string key, IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _json.WriteStartArray(key);
        foreach (var v in values)
        {
            _json.WriteNumberValue(v);
        }

        _json.WriteEndArray();
    }

    /// <summary><c>key: [integers]</c>.</summary>
    public void Write(string key, IEnumerable<long> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _json.WriteStartArray(key);
        foreach (var v in values)
        {
            _json.WriteNumberValue(v);
        }

        _json.WriteEndArray();
    }

    /// <summary><c>key: [strings]</c>.</summary>
    public void Write(string key, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _json.WriteStartArray(key);
        foreach (var v in values)
        {
            _json.WriteStringValue(v);
        }

        _json.WriteEndArray();
    }

    /// <summary><c>key: {name: value, …}</c>: numbers as numbers, categories as strings.</summary>
    public void Write(string key, HyperparameterSet values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _json.WritePropertyName(key);
        WriteSet(values);
    }

    /// <summary><c>key: {…}</c>, the body written by <paramref name="body"/>.</summary>
    public void Nested(string key, Action<SpecWriter> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        _json.WriteStartObject(key);
        body(this);
        _json.WriteEndObject();
    }

    /// <summary><c>key: [{…}, …]</c>, each item's body written by <paramref name="body"/>.</summary>
    public void NestedList<T>(string key, IEnumerable<T> items, Action<SpecWriter, T> body)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(body);
        _json.WriteStartArray(key);
        foreach (var item in items)
        {
            _json.WriteStartObject();
            body(this, item);
            _json.WriteEndObject();
        }

        _json.WriteEndArray();
    }

    /// <summary><c>key: [{name: value, …}, …]</c>.</summary>
    public void Write(string key, IEnumerable<HyperparameterSet> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        _json.WriteStartArray(key);
        foreach (var set in sets)
        {
            WriteSet(set);
        }

        _json.WriteEndArray();
    }

    /// <summary><c>key: value</c>: a number or a category.</summary>
    public void Write(string key, HyperValue value)
    {
        _json.WritePropertyName(key);
        WriteValue(value);
    }

    /// <summary><c>key: [values]</c>: numbers or categories.</summary>
    public void Write(string key, IEnumerable<HyperValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _json.WriteStartArray(key);
        foreach (var v in values)
        {
            WriteValue(v);
        }

        _json.WriteEndArray();
    }

    private void WriteSet(HyperparameterSet set)
    {
        _json.WriteStartObject();
        foreach (var (name, value) in set)
        {
            _json.WritePropertyName(name);
            WriteValue(value);
        }

        _json.WriteEndObject();
    }

    private void WriteValue(HyperValue value)
    {
        if (value.IsCategorical)
        {
            _json.WriteStringValue(value.Category);
        }
        else
        {
            _json.WriteNumberValue(value.Number);
        }
    }
}
