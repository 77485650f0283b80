using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;

namespace Cohort.Core.Storage.Serialization;

/// <summary>
/// The JSON form of what the store keeps: <see cref="TaskResult"/> (with its <see cref="TrainTask"/>,
/// <see cref="HyperparameterSet"/>s, metrics and <see cref="CheckpointRef"/>s) and the <see cref="RunEvent"/> records.
/// The format is explicit (no reflection), culture-invariant, strict (unknown or missing properties are errors) and
/// round-trips exactly: doubles follow <see cref="JsonDoubles"/>, dictionaries are written in ordinal key order.
/// <para>Shapes (snake_case keys):</para>
/// <list type="bullet">
/// <item>checkpoint: <c>{"hash": "…", "step": 0, "bytes": 0}</c>;</item>
/// <item>hyperparameters: an object by name; a numeric value is a JSON number (<c>{"number": "NaN"}</c> when not finite,
/// so it cannot be mistaken for a category), a categorical value is a JSON string;</item>
/// <item>task: <c>member, ordinal, generation, from, hyperparameters, start_step, steps, seed</c>;</item>
/// <item>result: <c>task, outcome (completed|diverged|failed), validation, test, checkpoint, message</c>;</item>
/// <item>event: <c>kind</c> (<c>member-created</c>, <c>exploited</c>, <c>explored</c>, <c>member-finished</c>), <c>member</c>,
/// <c>step</c>, then the fields of the kind; <c>bred</c> (paper 004's three parents): <c>hyperparameter_parent_a,
/// hyperparameter_parent_b, weights_parent, checkpoint, before, after, operators</c>; FIRE PBT (paper 001):
/// <c>sub-population-joined</c> (<c>sub_population</c>, 0 for an evaluator), <c>evaluator-started</c>
/// (<c>parent, target, checkpoint, hyperparameters</c>), <c>evaluator-succeeded</c> (<c>evaluator, parent, checkpoint,
/// hyperparameters, best_score_diff, p_value</c>), <c>evaluator-stopped</c> (<c>parent, target, reason</c>).</item>
/// </list>
/// </summary>
public static class CohortJson
{
    public const string MemberCreatedKind = "member-created";
    public const string ExploitedKind = "exploited";
    public const string ExploredKind = "explored";
    public const string MemberFinishedKind = "member-finished";
    public const string BredKind = "bred";
    public const string SubPopulationJoinedKind = "sub-population-joined";
    public const string EvaluatorStartedKind = "evaluator-started";
    public const string EvaluatorSucceededKind = "evaluator-succeeded";
    public const string EvaluatorStoppedKind = "evaluator-stopped";

    private static readonly JsonWriterOptions s_writerOptions = new() { Indented = false };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>The event kinds this version reads and writes.</summary>
    public static IReadOnlyList<string> EventKinds { get; } = [MemberCreatedKind, ExploitedKind, ExploredKind, MemberFinishedKind, BredKind,
        SubPopulationJoinedKind, EvaluatorStartedKind, EvaluatorSucceededKind, EvaluatorStoppedKind];

    /// <summary>Options carrying converters for <see cref="TaskResult"/>, <see cref="TrainTask"/>, <see cref="RunEvent"/>,
    /// <see cref="HyperparameterSet"/> and <see cref="CheckpointRef"/>, for callers embedding them in larger documents.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>The discriminator written for <paramref name="runEvent"/>.</summary>
    /// <exception cref="NotSupportedException">The event type has no JSON form in this version.</exception>
    public static string KindOf(RunEvent runEvent) => runEvent switch
    {
        MemberCreated => MemberCreatedKind,
        Exploited => ExploitedKind,
        Explored => ExploredKind,
        MemberFinished => MemberFinishedKind,
        Bred => BredKind,
        SubPopulationJoined => SubPopulationJoinedKind,
        EvaluatorStarted => EvaluatorStartedKind,
        EvaluatorSucceeded => EvaluatorSucceededKind,
        EvaluatorStopped => EvaluatorStoppedKind,
        null => throw new ArgumentNullException(nameof(runEvent)),
        _ => throw new NotSupportedException($"Run event type '{runEvent.GetType().FullName}' has no JSON form; known kinds: {string.Join(", ", EventKinds)}."),
    };

    public static string Serialize(TaskResult result) => WriteToString(w => WriteTaskResult(w, result));

    public static string Serialize(RunEvent runEvent) => WriteToString(w => WriteEvent(w, runEvent));

    /// <summary>
    /// A writer with the options <see cref="Serialize(TaskResult)"/> uses: <see cref="WriteTaskResult"/> and
    /// <see cref="WriteEvent"/> through it write the UTF-8 of what Serialize returns, byte for byte. A store that binds
    /// UTF-8 text saves building, and then re-encoding, a string per row.
    /// </summary>
    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> output) => new(output, s_writerOptions);

    public static string Serialize(HyperparameterSet hyperparameters) => WriteToString(w => WriteHyperparameters(w, hyperparameters));

    /// <exception cref="JsonException">The text is not a task result in this format; the message names the property.</exception>
    public static TaskResult DeserializeTaskResult(string json) => Parse(json, ReadTaskResult);

    /// <exception cref="JsonException">The text is not an event in this format, or its kind is unknown.</exception>
    public static RunEvent DeserializeEvent(string json) => Parse(json, ReadEvent);

    public static HyperparameterSet DeserializeHyperparameters(string json) => Parse(json, ReadHyperparameters);

    public static void WriteCheckpoint(Utf8JsonWriter writer, CheckpointRef checkpoint)
    {
        writer.WriteStartObject();
        writer.WriteString("hash", checkpoint.Hash);
        writer.WriteNumber("step", checkpoint.Step);
        writer.WriteNumber("bytes", checkpoint.Bytes);
        writer.WriteEndObject();
    }

    public static CheckpointRef ReadCheckpoint(JsonElement element, string path)
    {
        var o = new ObjectReader(element, path, "hash", "step", "bytes");
        return new CheckpointRef(o.String("hash"), o.Int64("step"), o.Int64("bytes"));
    }

    public static void WriteHyperparameters(Utf8JsonWriter writer, HyperparameterSet hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        if (writer.Options.Indented || writer.Options.Encoder is not null)
        {
            WriteHyperparametersOnce(writer, hyperparameters); // a document for people: written out in its own style
            return;
        }

        if (hyperparameters.Utf8Json is { } cached)
        {
            // A set is immutable and written again and again (a member's tasks keep theirs until an explore).
            writer.WriteRawValue(cached, skipInputValidation: true);
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var own = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            WriteHyperparametersOnce(own, hyperparameters);
        }

        hyperparameters.Utf8Json = buffer.WrittenSpan.ToArray();
        writer.WriteRawValue(hyperparameters.Utf8Json, skipInputValidation: true);
    }

    private static void WriteHyperparametersOnce(Utf8JsonWriter writer, HyperparameterSet hyperparameters)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in hyperparameters)
        {
            writer.WritePropertyName(name);
            if (value.IsCategorical)
            {
                writer.WriteStringValue(value.Category);
            }
            else if (double.IsFinite(value.Number))
            {
                writer.WriteNumberValue(value.Number);
            }
            else
            {
                writer.WriteStartObject();
                writer.WritePropertyName("number");
                JsonDoubles.Write(writer, value.Number);
                writer.WriteEndObject();
            }
        }

        writer.WriteEndObject();
    }

    public static HyperparameterSet ReadHyperparameters(JsonElement element, string path)
    {
        RequireKind(element, JsonValueKind.Object, path, "an object of hyperparameters");
        var values = new List<KeyValuePair<string, HyperValue>>();
        foreach (var property in element.EnumerateObject())
        {
            var p = path + "." + property.Name;
            var v = property.Value;
            HyperValue value = v.ValueKind switch
            {
                JsonValueKind.Number => HyperValue.Of(ReadDouble(v, p)),
                JsonValueKind.String => HyperValue.Of(v.GetString()!),
                JsonValueKind.Object => HyperValue.Of(ReadDouble(new ObjectReader(v, p, "number").Required("number"), p + ".number")),
                _ => throw new JsonException($"'{p}': expected a number, a category string or {{\"number\": …}}, found {v.ValueKind}."),
            };
            values.Add(new(property.Name, value));
        }

        return HyperparameterSet.From(values);
    }

    public static void WriteTask(Utf8JsonWriter writer, TrainTask task)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(task);
        writer.WriteStartObject();
        writer.WriteNumber("member", task.Member);
        writer.WriteNumber("ordinal", task.Ordinal);
        writer.WriteNumber("generation", task.Generation);
        writer.WritePropertyName("from");
        WriteNullableCheckpoint(writer, task.From);
        WriteHyperparameters(writer, "hyperparameters", task.Hyperparameters);
        writer.WriteNumber("start_step", task.StartStep);
        writer.WriteNumber("steps", task.Steps);
        writer.WriteNumber("seed", task.Seed);
        if (task.OptimizerStateFrom is not null)
        {
            // Only weights-only exploits carry it: logs without them keep their form.
            writer.WritePropertyName("optimizer_state_from");
            WriteNullableCheckpoint(writer, task.OptimizerStateFrom);
        }

        writer.WriteEndObject();
    }

    public static TrainTask ReadTask(JsonElement element, string path)
    {
        var o = new ObjectReader(element, path, "member", "ordinal", "generation", "from", "hyperparameters", "start_step", "steps", "seed", "optimizer_state_from");
        var optimizerStateFrom = element.TryGetProperty("optimizer_state_from", out _) ? o.NullableCheckpoint("optimizer_state_from") : null;
        return new TrainTask(
            o.Int32("member"),
            o.Int32("ordinal"),
            o.Int32("generation"),
            o.NullableCheckpoint("from"),
            ReadHyperparameters(o.Required("hyperparameters"), path + ".hyperparameters"),
            o.Int64("start_step"),
            o.Int32("steps"),
            o.UInt64("seed"))
        {
            OptimizerStateFrom = optimizerStateFrom,
        };
    }

    public static void WriteTaskResult(Utf8JsonWriter writer, TaskResult result)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(result);
        writer.WriteStartObject();
        writer.WritePropertyName("task");
        WriteTask(writer, result.Task);
        writer.WriteString("outcome", OutcomeName(result.Outcome));
        writer.WritePropertyName("validation");
        WriteMetrics(writer, result.Validation);
        writer.WritePropertyName("test");
        WriteMetrics(writer, result.Test);
        writer.WritePropertyName("checkpoint");
        WriteNullableCheckpoint(writer, result.Checkpoint);
        writer.WriteString("message", result.Message);
        writer.WriteEndObject();
    }

    public static TaskResult ReadTaskResult(JsonElement element, string path)
    {
        var o = new ObjectReader(element, path, "task", "outcome", "validation", "test", "checkpoint", "message");
        var outcomeText = o.String("outcome");
        var outcome = outcomeText switch
        {
            "completed" => TaskOutcome.Completed,
            "diverged" => TaskOutcome.Diverged,
            "failed" => TaskOutcome.Failed,
            _ => throw new JsonException($"'{path}.outcome': unknown outcome '{outcomeText}'; expected completed, diverged or failed."),
        };
        return new TaskResult(
            ReadTask(o.Required("task"), path + ".task"),
            outcome,
            ReadMetrics(o.Required("validation"), path + ".validation"),
            ReadMetrics(o.Required("test"), path + ".test"),
            o.NullableCheckpoint("checkpoint"),
            o.NullableString("message"));
    }

    public static void WriteEvent(Utf8JsonWriter writer, RunEvent runEvent)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var kind = KindOf(runEvent);
        writer.WriteStartObject();
        writer.WriteString("kind", kind);
        writer.WriteNumber("member", runEvent.Member);
        writer.WriteNumber("step", runEvent.Step);
        switch (runEvent)
        {
            case MemberCreated created:
                WriteHyperparameters(writer, "hyperparameters", created.Hyperparameters);
                break;
            case Exploited exploited:
                writer.WriteNumber("donor", exploited.Donor);
                WriteCheckpoint(writer, "checkpoint", exploited.Checkpoint);
                WriteHyperparameters(writer, "before", exploited.Before);
                WriteHyperparameters(writer, "after", exploited.After);
                break;
            case Explored explored:
                WriteHyperparameters(writer, "before", explored.Before);
                WriteHyperparameters(writer, "after", explored.After);
                writer.WriteString("operator", explored.Operator);
                break;
            case Bred bred:
                writer.WriteNumber("hyperparameter_parent_a", bred.HyperparameterParentA);
                writer.WriteNumber("hyperparameter_parent_b", bred.HyperparameterParentB);
                writer.WriteNumber("weights_parent", bred.WeightsParent);
                writer.WritePropertyName("checkpoint");
                WriteNullableCheckpoint(writer, bred.Checkpoint);
                WriteHyperparameters(writer, "before", bred.Before);
                WriteHyperparameters(writer, "after", bred.After);
                writer.WriteString("operators", bred.Operators);
                break;
            case MemberFinished finished:
                writer.WriteString("reason", MemberStopReasons.Name(finished.Reason));
                writer.WriteString("message", finished.Message);
                break;
            case SubPopulationJoined joined:
                writer.WriteNumber("sub_population", joined.SubPopulation);
                break;
            case EvaluatorStarted started:
                writer.WriteNumber("parent", started.Parent);
                writer.WriteNumber("target", started.Target);
                WriteCheckpoint(writer, "checkpoint", started.Checkpoint);
                WriteHyperparameters(writer, "hyperparameters", started.Hyperparameters);
                break;
            case EvaluatorSucceeded succeeded:
                writer.WriteNumber("evaluator", succeeded.Evaluator);
                writer.WriteNumber("parent", succeeded.Parent);
                WriteCheckpoint(writer, "checkpoint", succeeded.Checkpoint);
                WriteHyperparameters(writer, "hyperparameters", succeeded.Hyperparameters);
                writer.WritePropertyName("best_score_diff");
                JsonDoubles.Write(writer, succeeded.BestScoreDiff);
                writer.WritePropertyName("p_value");
                JsonDoubles.Write(writer, succeeded.PValue);
                break;
            case EvaluatorStopped stopped:
                writer.WriteNumber("parent", stopped.Parent);
                writer.WriteNumber("target", stopped.Target);
                writer.WriteString("reason", stopped.Reason);
                break;
        }

        writer.WriteEndObject();
    }

    public static RunEvent ReadEvent(JsonElement element, string path)
    {
        RequireKind(element, JsonValueKind.Object, path, "an event object");
        if (!element.TryGetProperty("kind", out var kindElement) || kindElement.ValueKind != JsonValueKind.String)
        {
            throw new JsonException($"'{path}.kind': an event needs a string \"kind\"; expected one of {string.Join(", ", EventKinds)}.");
        }

        var kind = kindElement.GetString();
        switch (kind)
        {
            case MemberCreatedKind:
            {
                var o = new ObjectReader(element, path, "kind", "member", "step", "hyperparameters");
                var created = new MemberCreated(o.Int32("member"), ReadHyperparameters(o.Required("hyperparameters"), path + ".hyperparameters"));
                var step = o.Int64("step");
                return step == created.Step ? created : created with { Step = step };
            }

            case ExploitedKind:
            {
                var o = new ObjectReader(element, path, "kind", "member", "step", "donor", "checkpoint", "before", "after");
                return new Exploited(
                    o.Int32("member"),
                    o.Int64("step"),
                    o.Int32("donor"),
                    ReadCheckpoint(o.Required("checkpoint"), path + ".checkpoint"),
                    ReadHyperparameters(o.Required("before"), path + ".before"),
                    ReadHyperparameters(o.Required("after"), path + ".after"));
            }

            case ExploredKind:
            {
                var o = new ObjectReader(element, path, "kind", "member", "step", "before", "after", "operator");
                return new Explored(
                    o.Int32("member"),
                    o.Int64("step"),
                    ReadHyperparameters(o.Required("before"), path + ".before"),
                    ReadHyperparameters(o.Required("after"), path + ".after"),
                    o.String("operator"));
            }

            case BredKind:
            {
                var o = new ObjectReader(element, path, "kind", "member", "step", "hyperparameter_parent_a", "hyperparameter_parent_b", "weights_parent", "checkpoint", "before", "after", "operators");
                return new Bred(
                    o.Int32("member"),
                    o.Int64("step"),
                    o.Int32("hyperparameter_parent_a"),
                    o.Int32("hyperparameter_parent_b"),
                    o.Int32("weights_parent"),
                    o.Required("checkpoint") is { ValueKind: JsonValueKind.Null } ? null : ReadCheckpoint(o.Required("checkpoint"), path + ".checkpoint"),
                    ReadHyperparameters(o.Required("before"), path + ".before"),
                    ReadHyperparameters(o.Required("after"), path + ".after"),
                    o.String("operators"));
            }

            case MemberFinishedKind:
            {
                var o = new ObjectReader(element, path, "kind", "member", "step", "reason", "message");
                var reasonText = o.String("reason");
                if (!MemberStopReasons.TryParse(reasonText, out var reason))
                {
                    throw new JsonException($"'{path}.reason': unknown stop reason '{reasonText}'; expected one of {string.Join(", ", MemberStopReasons.Names)}.");
                }

                return new MemberFinished(o.Int32("member"), o.Int64("step"), reason, o.NullableString("message"));
            }

            case SubPopulationJoinedKind:
            {
                var o = new ObjectReader(element, path, "kind", "member", "step", "sub_population");
                return new SubPopulationJoined(o.Int32("member"), o.Int64("step"), o.Int32("sub_population"));
            }

            case EvaluatorStartedKind:
            {
                var o = new ObjectReader(element, path, "kind", "member", "step", "parent", "target", "checkpoint", "hyperparameters");
                return new EvaluatorStarted(
                    o.Int32("member"),
                    o.Int64("step"),
                    o.Int32("parent"),
                    o.Int32("target"),
                    ReadCheckpoint(o.Required("checkpoint"), path + ".checkpoint"),
                    ReadHyperparameters(o.Required("hyperparameters"), path + ".hyperparameters"));
            }

            case EvaluatorSucceededKind:
            {
                var o = new ObjectReader(element, path, "kind", "member", "step", "evaluator", "parent", "checkpoint", "hyperparameters", "best_score_diff", "p_value");
                return new EvaluatorSucceeded(
                    o.Int32("member"),
                    o.Int64("step"),
                    o.Int32("evaluator"),
                    o.Int32("parent"),
                    ReadCheckpoint(o.Required("checkpoint"), path + ".checkpoint"),
                    ReadHyperparameters(o.Required("hyperparameters"), path + ".hyperparameters"),
                    ReadDouble(o.Required("best_score_diff"), path + ".best_score_diff"),
                    ReadDouble(o.Required("p_value"), path + ".p_value"));
            }

            case EvaluatorStoppedKind:
            {
                var o = new ObjectReader(element, path, "kind", "member", "step", "parent", "target", "reason");
                return new EvaluatorStopped(o.Int32("member"), o.Int64("step"), o.Int32("parent"), o.Int32("target"), o.String("reason"));
            }

            default:
                throw new JsonException($"'{path}.kind': unknown event kind '{kind}'; expected one of {string.Join(", ", EventKinds)}.");
        }
    }

    public static void WriteMetrics(Utf8JsonWriter writer, IReadOnlyDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(metrics);
        writer.WriteStartObject();
        if (IsSortedByName(metrics))
        {
            // The usual case (trainables report their metrics in a fixed, sorted order): no sorting, no allocation.
            foreach (var (name, value) in (Dictionary<string, double>)metrics)
            {
                writer.WritePropertyName(name);
                JsonDoubles.Write(writer, value);
            }
        }
        else
        {
            foreach (var (name, value) in metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(name);
                JsonDoubles.Write(writer, value);
            }
        }

        writer.WriteEndObject();
    }

    private static bool IsSortedByName(IReadOnlyDictionary<string, double> metrics)
    {
        if (metrics is not Dictionary<string, double> dictionary)
        {
            return false;
        }

        string? previous = null;
        foreach (var name in dictionary.Keys)
        {
            if (previous is not null && string.CompareOrdinal(previous, name) >= 0)
            {
                return false;
            }

            previous = name;
        }

        return true;
    }

    public static IReadOnlyDictionary<string, double> ReadMetrics(JsonElement element, string path)
    {
        RequireKind(element, JsonValueKind.Object, path, "an object of metrics");
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var p = path + "." + property.Name;
            if (!metrics.TryAdd(property.Name, ReadDouble(property.Value, p)))
            {
                throw new JsonException($"'{p}': duplicate metric.");
            }
        }

        return metrics;
    }

    /// <summary>Reads a double written by <see cref="JsonDoubles.Write"/> from an element.</summary>
    public static double ReadDouble(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                if (element.TryGetDouble(out var number))
                {
                    return number;
                }

                throw new JsonException($"'{path}': the number {element.GetRawText()} cannot be read as a double.");
            case JsonValueKind.String:
                var text = element.GetString();
                if (JsonDoubles.TryParseNamed(text, out var named))
                {
                    return named;
                }

                throw new JsonException($"'{path}': expected a number or one of \"NaN\", \"Infinity\", \"-Infinity\", found the string \"{text}\".");
            default:
                throw new JsonException($"'{path}': expected a number, found {element.ValueKind}.");
        }
    }

    /// <summary>How a result's outcome is written: completed, diverged or failed.</summary>
    public static string OutcomeName(TaskOutcome outcome) => outcome switch
    {
        TaskOutcome.Completed => "completed",
        TaskOutcome.Diverged => "diverged",
        TaskOutcome.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown task outcome."),
    };

    private static void WriteCheckpoint(Utf8JsonWriter writer, string propertyName, CheckpointRef checkpoint)
    {
        writer.WritePropertyName(propertyName);
        WriteCheckpoint(writer, checkpoint);
    }

    private static void WriteHyperparameters(Utf8JsonWriter writer, string propertyName, HyperparameterSet hyperparameters)
    {
        writer.WritePropertyName(propertyName);
        WriteHyperparameters(writer, hyperparameters);
    }

    private static void WriteNullableCheckpoint(Utf8JsonWriter writer, CheckpointRef? checkpoint)
    {
        if (checkpoint is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            WriteCheckpoint(writer, checkpoint);
        }
    }

    private static void RequireKind(JsonElement element, JsonValueKind kind, string path, string expected)
    {
        if (element.ValueKind != kind)
        {
            throw new JsonException($"'{path}': expected {expected}, found {element.ValueKind}.");
        }
    }

    /// <summary>
    /// Writes with this thread's reused buffer and writer (the store serialises every result and event: a fresh
    /// stream and writer each time cost several kilobytes of garbage per task); only the string is allocated.
    /// </summary>
    private static string WriteToString(Action<Utf8JsonWriter> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, s_writerOptions);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        try
        {
            write(writer);
            writer.Flush();
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            if (buffer.Capacity > 1 << 20)
            {
                // A huge document (a spec): do not keep its buffer for the life of the thread.
                t_buffer = null;
                t_writer = null;
            }
        }
    }

    private static T Parse<T>(string json, Func<JsonElement, string, T> read)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        return read(document.RootElement, "$");
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerOptions.Default);
        options.Converters.Add(new Converter<TaskResult>(WriteTaskResult, ReadTaskResult));
        options.Converters.Add(new Converter<TrainTask>(WriteTask, ReadTask));
        options.Converters.Add(new Converter<RunEvent>(WriteEvent, ReadEvent));
        options.Converters.Add(new Converter<HyperparameterSet>(WriteHyperparameters, ReadHyperparameters));
        options.Converters.Add(new Converter<CheckpointRef>(WriteCheckpoint, ReadCheckpoint));
        options.MakeReadOnly();
        return options;
    }

    private sealed class Converter<T>(Action<Utf8JsonWriter, T> write, Func<JsonElement, string, T> read) : JsonConverter<T>
    {
        public override bool CanConvert(Type typeToConvert) => typeof(T).IsAssignableFrom(typeToConvert);

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return read(document.RootElement, "$");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => write(writer, value);
    }

    /// <summary>Reads the properties of one object, rejecting unknown ones and naming the path of every error.</summary>
    private readonly struct ObjectReader
    {
        private readonly JsonElement _element;
        private readonly string _path;

        public ObjectReader(JsonElement element, string path, params string[] allowed)
        {
            RequireKind(element, JsonValueKind.Object, path, "an object");
            foreach (var property in element.EnumerateObject())
            {
                if (Array.IndexOf(allowed, property.Name) < 0)
                {
                    throw new JsonException($"'{path}.{property.Name}': unknown property; expected {string.Join(", ", allowed)}.");
                }
            }

            _element = element;
            _path = path;
        }

        public JsonElement Required(string name) =>
            _element.TryGetProperty(name, out var value)
                ? value
                : throw new JsonException($"'{_path}.{name}': required property is missing.");

        public string String(string name)
        {
            var value = Required(name);
            return value.ValueKind == JsonValueKind.String
                ? value.GetString()!
                : throw new JsonException($"'{_path}.{name}': expected a string, found {value.ValueKind}.");
        }

        public string? NullableString(string name)
        {
            var value = Required(name);
            return value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => value.GetString(),
                _ => throw new JsonException($"'{_path}.{name}': expected a string or null, found {value.ValueKind}."),
            };
        }

        public int Int32(string name) =>
            Required(name) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt32(out var i) ? i : throw Integer(name, "a 32-bit integer");

        public long Int64(string name) =>
            Required(name) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt64(out var i) ? i : throw Integer(name, "a 64-bit integer");

        public ulong UInt64(string name) =>
            Required(name) is { ValueKind: JsonValueKind.Number } v && v.TryGetUInt64(out var i) ? i : throw Integer(name, "an unsigned 64-bit integer");

        public CheckpointRef? NullableCheckpoint(string name)
        {
            var value = Required(name);
            return value.ValueKind == JsonValueKind.Null ? null : ReadCheckpoint(value, _path + "." + name);
        }

        private JsonException Integer(string name, string expected)
        {
            var value = Required(name);
            return new JsonException(string.Create(CultureInfo.InvariantCulture, $"'{_path}.{name}': expected {expected}, found {value.ValueKind} {value.GetRawText()}."));
        }
    }
}
