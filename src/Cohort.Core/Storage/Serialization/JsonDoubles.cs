using System.Text.Json;

namespace Cohort.Core.Storage.Serialization;

/// <summary>
/// How Cohort writes a <see cref="double"/> in JSON: a finite value is a JSON number in the shortest form that parses
/// back to the same bits (negative zero is written <c>-0</c>); NaN, +∞ and −∞, which JSON numbers cannot hold, are the
/// strings <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c> (the spelling of System.Text.Json's named
/// floating-point literals and of JavaScript). NaN payload bits are not preserved: every NaN reads back as
/// <see cref="double.NaN"/>.
/// </summary>
public static class JsonDoubles
{
    public const string NaN = "NaN";
    public const string PositiveInfinity = "Infinity";
    public const string NegativeInfinity = "-Infinity";

    /// <summary>Writes <paramref name="value"/> as a number, or as one of the three named strings when not finite.</summary>
    public static void Write(Utf8JsonWriter writer, double value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (double.IsNaN(value))
        {
            writer.WriteStringValue(NaN);
        }
        else if (double.IsPositiveInfinity(value))
        {
            writer.WriteStringValue(PositiveInfinity);
        }
        else if (double.IsNegativeInfinity(value))
        {
            writer.WriteStringValue(NegativeInfinity);
        }
        else
        {
            writer.WriteNumberValue(value);
        }
    }

    /// <summary>Reads a double written by <see cref="Write"/>; the reader is on the value token.</summary>
    /// <exception cref="JsonException">The token is neither a number nor one of the three named strings.</exception>
    public static double Read(ref Utf8JsonReader reader, string path)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (!reader.TryGetDouble(out var number))
            {
                throw new JsonException($"'{path}': the number cannot be read as a double.");
            }

            return number;
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            var text = reader.GetString();
            if (TryParseNamed(text, out var named))
            {
                return named;
            }

            throw new JsonException($"'{path}': expected a number or one of \"NaN\", \"Infinity\", \"-Infinity\", found the string \"{text}\".");
        }

        throw new JsonException($"'{path}': expected a number, found {reader.TokenType}.");
    }

    /// <summary>Parses one of the three named non-finite values.</summary>
    public static bool TryParseNamed(string? text, out double value)
    {
        switch (text)
        {
            case NaN:
                value = double.NaN;
                return true;
            case PositiveInfinity:
                value = double.PositiveInfinity;
                return true;
            case NegativeInfinity:
                value = double.NegativeInfinity;
                return true;
            default:
                value = 0;
                return false;
        }
    }
}
