using System.Globalization;
using System.Text.Json;
using Cohort.Core.Storage.Serialization;

namespace Cohort.Dashboard;

/// <summary>
/// Reads the few parts the dashboard follows out of a stored row's JSON (<see cref="CohortJson"/>'s form) in place, as
/// UTF-8 bytes, without building a document: a task result's objective value and the span of its hyperparameters, an
/// exploit's donor and checkpoint hash. Everything else is skipped, and reading stops once the parts are found. This is
/// what following a run costs per stored row, so it allocates nothing.
/// </summary>
internal static class StoredJson
{
    /// <summary>
    /// The value of <paramref name="metric"/> in a result's <c>validation</c> object (NaN when missing; a number, a named
    /// non-finite value or a number in a string, as <see cref="DashboardStore"/> reads them), and where the result's
    /// <c>task.hyperparameters</c> object lies in <paramref name="json"/> (empty when it has none).
    /// </summary>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    public static (double Value, Range Hyperparameters) Result(ReadOnlySpan<byte> json, ReadOnlySpan<byte> metric)
    {
        return Direct(json, metric) ?? Scan(json, metric);
    }

    /// <summary>
    /// <see cref="Result"/> for the layout <see cref="CohortJson"/> writes: the task's scalar fields and its checkpoint's
    /// hash (no user text) come before <c>"hyperparameters":</c>, and only scalars and the outcome lie between the
    /// hyperparameters and <c>"validation":</c>. Both are found with a vectorised search and read as standalone JSON
    /// values; null when the text has another layout (<see cref="Scan"/> reads it).
    /// </summary>
    private static (double Value, Range Hyperparameters)? Direct(ReadOnlySpan<byte> json, ReadOnlySpan<byte> metric)
    {
        var at = json.IndexOf("\"hyperparameters\":"u8);
        if (at < 0)
        {
            return null;
        }

        var start = at + "\"hyperparameters\":"u8.Length;
        var hyperparameters = new Utf8JsonReader(json[start..]);
        if (!hyperparameters.Read() || hyperparameters.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        hyperparameters.Skip();
        var end = start + (int)hyperparameters.BytesConsumed;
        var validation = json[end..].IndexOf("\"validation\":"u8);
        if (validation < 0)
        {
            return null;
        }

        var reader = new Utf8JsonReader(json[(end + validation + "\"validation\":"u8.Length)..]);
        reader.Read();
        return (Metric(ref reader, metric), new Range(start, end));
    }

    /// <summary><see cref="Result"/> for any layout: reads the document's top-level properties in order.</summary>
    private static (double Value, Range Hyperparameters) Scan(ReadOnlySpan<byte> json, ReadOnlySpan<byte> metric)
    {
        var reader = new Utf8JsonReader(json);
        var value = double.NaN;
        Range? hyperparameters = null;
        var validated = false;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A stored result is not a JSON object.");
        }

        while ((hyperparameters is null || !validated) && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("task"u8))
            {
                reader.Read();
                hyperparameters = Hyperparameters(ref reader) ?? new Range(0, 0);
            }
            else if (reader.ValueTextEquals("validation"u8))
            {
                reader.Read();
                value = Metric(ref reader, metric);
                validated = true;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return (value, hyperparameters ?? new Range(0, 0));
    }

    /// <summary>
    /// An exploit event's donor and where the hash of the checkpoint it took lies in <paramref name="json"/> (its UTF-8
    /// text without quotes; null when the event has none).
    /// </summary>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    public static (int? Donor, Range? Hash) Exploit(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        int? donor = null;
        Range? hash = null;
        var hashed = false;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A stored event is not a JSON object.");
        }

        while ((donor is null || !hashed) && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("donor"u8))
            {
                reader.Read();
                donor = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var d) ? d : null;
            }
            else if (reader.ValueTextEquals("checkpoint"u8))
            {
                reader.Read();
                hash = Hash(ref reader);
                hashed = true;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return (donor, hash);
    }

    /// <summary>The span of the <c>hyperparameters</c> object of the <c>task</c> object the reader is at; null when it has none.</summary>
    private static Range? Hyperparameters(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        Range? found = null;
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            var hit = found is null && reader.ValueTextEquals("hyperparameters"u8);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (hit)
            {
                found = new Range(start, (int)reader.BytesConsumed);
            }
        }

        return found;
    }

    /// <summary>The value of <paramref name="metric"/> in the object the reader is at (the first one of that name; NaN when it has none); the reader ends past the object.</summary>
    private static double Metric(ref Utf8JsonReader reader, ReadOnlySpan<byte> metric)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return double.NaN;
        }

        double? found = null;
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            var hit = found is null && reader.ValueTextEquals(metric);
            reader.Read();
            if (hit)
            {
                found = reader.TokenType switch
                {
                    JsonTokenType.Number => reader.TryGetDouble(out var number) ? number : double.NaN,
                    JsonTokenType.String => Number(reader.GetString()!),
                    _ => double.NaN,
                };
            }

            reader.Skip();
        }

        return found ?? double.NaN;
    }

    /// <summary>
    /// Where the string <c>hash</c> of the object the reader is at lies (the first one; null when it has none or it holds
    /// escapes); the reader ends past the object.
    /// </summary>
    private static Range? Hash(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        Range? found = null;
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            var hit = found is null && reader.ValueTextEquals("hash"u8);
            reader.Read();
            if (hit && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
            {
                var start = (int)reader.TokenStartIndex + 1; // past the opening quote
                found = new Range(start, start + reader.ValueSpan.Length);
            }

            reader.Skip();
        }

        return found;
    }

    /// <summary>A metric stored as a string: a named non-finite value (<see cref="JsonDoubles"/>) or a number; NaN otherwise.</summary>
    public static double Number(string text) =>
        JsonDoubles.TryParseNamed(text, out var named) ? named
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : double.NaN;
}
