using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage.Serialization;

namespace Cohort.Dashboard;

/// <summary>What the feed follows of a stored task result, read from its JSON by <see cref="StoredJson.Result"/>.</summary>
/// <param name="Member">The task's member.</param>
/// <param name="Start">The task's first step.</param>
/// <param name="End">The step evaluated: the first step plus the task's steps.</param>
/// <param name="Outcome">The result's outcome.</param>
/// <param name="Value">The objective's value (NaN when missing).</param>
/// <param name="Hyperparameters">Where the task's hyperparameters object lies in the JSON.</param>
internal readonly record struct ResultParts(int Member, long Start, long End, TaskOutcome Outcome, double Value, Range Hyperparameters);

/// <summary>What the feed follows of a stored exploit event, read from its JSON by <see cref="StoredJson.Exploit"/>.</summary>
/// <param name="Member">The member that exploited.</param>
/// <param name="Step">When.</param>
/// <param name="Donor">Whose weights it took.</param>
/// <param name="Hash">Where the hash of the checkpoint it took lies in the JSON (its text without quotes); null when it has none.</param>
internal readonly record struct ExploitParts(int Member, long Step, int Donor, Range? Hash);

/// <summary>
/// Reads the few parts the dashboard follows out of a stored row's JSON (<see cref="CohortJson"/>'s form) in place, as
/// UTF-8 bytes, without building a document: a task result's member, steps, outcome, objective value and the span of
/// its hyperparameters; an exploit's member, step, donor and checkpoint hash. Everything else is skipped, and reading
/// stops once the parts are found. This is what following a run costs per stored row, so it allocates nothing.
/// </summary>
internal static class StoredJson
{
    /// <summary>
    /// Reads a result: its task's member, first step, steps and <c>hyperparameters</c> object, its outcome, and the
    /// value of <paramref name="metric"/> in its <c>validation</c> object (the first of that name: a number, a named
    /// non-finite value or a number in a string; NaN when missing).
    /// </summary>
    /// <exception cref="JsonException">The text is not JSON, or lacks the task's member, first step or steps, or the outcome.</exception>
    /// <exception cref="FormatException">The outcome is not one of completed, diverged or failed.</exception>
    public static ResultParts Result(ReadOnlySpan<byte> json, ReadOnlySpan<byte> metric) => Direct(json, metric) ?? Scan(json, metric);

    /// <summary>
    /// Reads an exploit event: its member, step, donor and where its checkpoint's hash lies.
    /// </summary>
    /// <exception cref="JsonException">The text is not JSON, or lacks the member, step or donor.</exception>
    public static ExploitParts Exploit(ReadOnlySpan<byte> json)
    {
        var reader = Open(json, "event");
        int? member = null, donor = null;
        long? step = null;
        Range? hash = null;
        var hashed = false;
        while ((member is null || step is null || donor is null || !hashed) && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("member"u8))
            {
                reader.Read();
                member = Int32(ref reader);
            }
            else if (reader.ValueTextEquals("step"u8))
            {
                reader.Read();
                step = Int64(ref reader);
            }
            else if (reader.ValueTextEquals("donor"u8))
            {
                reader.Read();
                donor = Int32(ref reader);
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

        return new ExploitParts(
            member ?? throw Missing("exploit", "member"), step ?? throw Missing("exploit", "step"), donor ?? throw Missing("exploit", "donor"), hash);
    }

    /// <summary>A metric stored as a string: a named non-finite value (<see cref="JsonDoubles"/>) or a number; NaN otherwise.</summary>
    public static double Number(string text) =>
        JsonDoubles.TryParseNamed(text, out var named) ? named
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : double.NaN;

    /// <summary>An outcome's stored name.</summary>
    /// <exception cref="FormatException">Not one of completed, diverged or failed.</exception>
    public static TaskOutcome Outcome(ReadOnlySpan<byte> text) =>
        text.SequenceEqual("completed"u8) ? TaskOutcome.Completed
        : text.SequenceEqual("diverged"u8) ? TaskOutcome.Diverged
        : text.SequenceEqual("failed"u8) ? TaskOutcome.Failed
        : throw new FormatException($"A stored result has the unknown outcome '{System.Text.Encoding.UTF8.GetString(text)}'; expected completed, diverged or failed.");

    /// <summary>
    /// <see cref="Result"/> for the layout <see cref="CohortJson.WriteTaskResult"/> writes:
    /// <c>{"task":{"member":N,</c> then scalars and the checkpoint's hash (no user text) up to
    /// <c>"hyperparameters":{…},"start_step":N,"steps":N,</c>, then only scalars up to <c>"outcome":"…"</c> and
    /// <c>"validation":{…}</c>. The keys are found with vectorised searches and the two objects read as standalone JSON
    /// values. Null when the text has another layout (<see cref="Scan"/> reads it).
    /// </summary>
    internal static ResultParts? Direct(ReadOnlySpan<byte> json, ReadOnlySpan<byte> metric)
    {
        if (!json.StartsWith("{\"task\":{\"member\":"u8)
            || !Utf8Parser.TryParse(json["{\"task\":{\"member\":"u8.Length..], out int member, out _))
        {
            return null;
        }

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
        var rest = json[end..];
        if (!rest.StartsWith(",\"start_step\":"u8)
            || !Utf8Parser.TryParse(rest = rest[",\"start_step\":"u8.Length..], out long first, out var consumed)
            || !(rest = rest[consumed..]).StartsWith(",\"steps\":"u8)
            || !Utf8Parser.TryParse(rest = rest[",\"steps\":"u8.Length..], out long steps, out _))
        {
            return null;
        }

        var outcome = rest.IndexOf("\"outcome\":\""u8);
        if (outcome < 0)
        {
            return null;
        }

        rest = rest[(outcome + "\"outcome\":\""u8.Length)..];
        var close = rest.IndexOf((byte)'"');
        if (close < 0)
        {
            return null;
        }

        var result = Outcome(rest[..close]);
        var validation = rest.IndexOf("\"validation\":"u8);
        if (validation < 0)
        {
            return null;
        }

        var reader = new Utf8JsonReader(rest[(validation + "\"validation\":"u8.Length)..]);
        reader.Read();
        return new ResultParts(member, first, first + steps, result, Metric(ref reader, metric), new Range(start, end));
    }

    /// <summary><see cref="Result"/> for any layout: reads the document's properties in order.</summary>
    private static ResultParts Scan(ReadOnlySpan<byte> json, ReadOnlySpan<byte> metric)
    {
        var reader = Open(json, "result");
        (int? Member, long? Start, long? Steps, Range? Hyperparameters)? task = null;
        TaskOutcome? outcome = null;
        double? value = null;
        while ((task is null || outcome is null || value is null) && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("task"u8))
            {
                reader.Read();
                task = Task(ref reader);
            }
            else if (reader.ValueTextEquals("outcome"u8))
            {
                reader.Read();
                outcome = reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped ? Outcome(reader.ValueSpan) : throw Missing("result", "outcome");
            }
            else if (reader.ValueTextEquals("validation"u8))
            {
                reader.Read();
                value = Metric(ref reader, metric);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        var (member, start, steps, hyperparameters) = task ?? throw Missing("result", "task");
        return new ResultParts(
            member ?? throw Missing("result", "task.member"),
            start ?? throw Missing("result", "task.start_step"),
            (start + steps) ?? throw Missing("result", "task.steps"),
            outcome ?? throw Missing("result", "outcome"),
            value ?? double.NaN,
            hyperparameters ?? new Range(0, 0));
    }

    /// <summary>The member, first step, steps and the span of the hyperparameters of the task object the reader is at; the reader ends past it.</summary>
    private static (int? Member, long? Start, long? Steps, Range? Hyperparameters) Task(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return default;
        }

        (int? Member, long? Start, long? Steps, Range? Hyperparameters) task = default;
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (task.Member is null && reader.ValueTextEquals("member"u8))
            {
                reader.Read();
                task.Member = Int32(ref reader);
            }
            else if (task.Start is null && reader.ValueTextEquals("start_step"u8))
            {
                reader.Read();
                task.Start = Int64(ref reader);
            }
            else if (task.Steps is null && reader.ValueTextEquals("steps"u8))
            {
                reader.Read();
                task.Steps = Int64(ref reader);
            }
            else if (task.Hyperparameters is null && reader.ValueTextEquals("hyperparameters"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                task.Hyperparameters = new Range(start, (int)reader.BytesConsumed);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return task;
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

    private static Utf8JsonReader Open(ReadOnlySpan<byte> json, string what)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"A stored {what} is not a JSON object.");
        }

        return reader;
    }

    private static int? Int32(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) ? value : null;

    private static long? Int64(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : null;

    private static JsonException Missing(string what, string part) => new($"A stored {what} has no valid '{part}'.");
}
