using System.Globalization;
using System.Text.Json;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Storage.Serialization;

namespace Cohort.Core.Tests.Storage.Serialization;

public sealed class CohortJsonTests
{
    public static TheoryData<double> EdgeDoubles =>
    [
        0.0, -0.0, 1.0, -1.0, 0.1, 1.0 / 3, Math.PI, 1e-300, -1e300, double.Epsilon, -double.Epsilon,
        double.MaxValue, double.MinValue, 2.2250738585072014E-308, 123456789.123456789, 0.1 + 0.2,
        double.NaN, double.PositiveInfinity, double.NegativeInfinity, BitConverter.Int64BitsToDouble(0x7FEF_FFFF_FFFF_FFFE),
    ];

    [Theory]
    [MemberData(nameof(EdgeDoubles))]
    public void Metrics_Should_RoundTripTheExactBits_When_ValuesAreEdgeCases(double value)
    {
        var result = Result(new Dictionary<string, double> { ["loss"] = value, ["z"] = -value });

        var back = CohortJson.DeserializeTaskResult(CohortJson.Serialize(result));

        StoreTestData.AssertSameResult(result, back);
    }

    [Theory]
    [MemberData(nameof(EdgeDoubles))]
    public void Hyperparameters_Should_RoundTripTheExactBits_When_ValuesAreEdgeCases(double value)
    {
        var set = HyperparameterSet.From([new("x", value), new("act", "NaN"), new("empty", "")]);

        var back = CohortJson.DeserializeHyperparameters(CohortJson.Serialize(set));

        Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(back["x"].Number));
        Assert.False(back["x"].IsCategorical);
        Assert.Equal("NaN", back["act"].Category);
        Assert.Equal("", back["empty"].Category);
    }

    [Fact]
    public void Serialize_Should_WriteNamedStrings_When_DoublesAreNotFinite()
    {
        var json = CohortJson.Serialize(Result(new Dictionary<string, double> { ["a"] = double.NaN, ["b"] = double.PositiveInfinity, ["c"] = double.NegativeInfinity, ["d"] = -0.0 }));

        Assert.Contains("\"validation\":{\"a\":\"NaN\",\"b\":\"Infinity\",\"c\":\"-Infinity\",\"d\":-0}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_Should_DistinguishNonFiniteNumbersFromCategories_When_WritingHyperparameters()
    {
        var set = HyperparameterSet.From([new("a", double.NaN), new("b", "NaN"), new("c", 0.5)]);

        var json = CohortJson.Serialize(set);

        Assert.Equal("{\"a\":{\"number\":\"NaN\"},\"b\":\"NaN\",\"c\":0.5}", json);
    }

    [Fact]
    public void TaskResult_Should_RoundTripEveryField_When_ItHasCheckpointsAndMessages()
    {
        foreach (var (member, ordinal) in new[] { (0, 0), (1, 3), (2, 1), (5, 7) })
        {
            var result = StoreTestData.Result(member, ordinal);

            var back = CohortJson.DeserializeTaskResult(CohortJson.Serialize(result));

            StoreTestData.AssertSameResult(result, back);
        }
    }

    [Fact]
    public void TaskResult_Should_KeepTheOptimizerStateSource_When_TheExploitTookWeightsOnly()
    {
        var plain = StoreTestData.Result(3, 2);
        var weightsOnly = plain with { Task = plain.Task with { OptimizerStateFrom = StoreTestData.Checkpoint(301, 100) } };

        var back = CohortJson.DeserializeTaskResult(CohortJson.Serialize(weightsOnly));

        Assert.Equal(StoreTestData.Checkpoint(301, 100), back.Task.OptimizerStateFrom);
        StoreTestData.AssertSameResult(weightsOnly, back);
        Assert.DoesNotContain("optimizer_state_from", CohortJson.Serialize(plain), StringComparison.Ordinal);
    }

    [Fact]
    public void TaskResult_Should_RoundTrip_When_ItFailedWithoutCheckpointAndSeedIsMaximal()
    {
        var task = new TrainTask(int.MaxValue, 0, 0, null, HyperparameterSet.Empty, long.MaxValue - 100, 0, ulong.MaxValue);
        var result = new TaskResult(task, TaskOutcome.Failed, new Dictionary<string, double>(), new Dictionary<string, double>(), null, "out of memory: \"quotes\" \n newline ✓");

        var back = CohortJson.DeserializeTaskResult(CohortJson.Serialize(result));

        StoreTestData.AssertSameResult(result, back);
    }

    [Fact]
    public void Events_Should_RoundTripWithTheirKind_When_EveryKindIsWritten()
    {
        var hp = StoreTestData.Hyperparameters(1e-4);
        RunEvent[] events =
        [
            new MemberCreated(4, hp),
            new MemberCreated(4, hp) with { Step = 17 },
            new Exploited(1, 500, 3, StoreTestData.Checkpoint(3, 500), hp, hp.With("lr", 0.2)),
            new Explored(1, 500, hp, hp.With("lr", double.PositiveInfinity).With("act", "relu"), "perturb"),
            new MemberFinished(2, 2000, MemberStopReason.Diverged, "loss NaN at step 1999"),
            new MemberFinished(2, 2000, MemberStopReason.Cancelled, null),
            new Bred(5, 300, 1, 2, 3, StoreTestData.Checkpoint(3, 300), hp, hp.With("lr", 0.3).With("act", "tanh"), "crossover:lr mutate:lr+10..20%"),
            new Bred(5, 300, 1, 2, Bred.NoWeightsParent, null, hp, hp.With("lr", 0.3), "crossover:none"),
        ];
        string[] kinds = ["member-created", "member-created", "exploited", "explored", "member-finished", "member-finished", "bred", "bred"];

        for (var i = 0; i < events.Length; i++)
        {
            var json = CohortJson.Serialize(events[i]);
            var back = CohortJson.DeserializeEvent(json);

            Assert.Equal(events[i], back);
            Assert.StartsWith($"{{\"kind\":\"{kinds[i]}\",", json, StringComparison.Ordinal);
            Assert.Equal(kinds[i], CohortJson.KindOf(events[i]));
        }
    }

    [Fact]
    public void Events_Should_RoundTripExactly_When_TheyAreFireEvents()
    {
        var hp = StoreTestData.Hyperparameters(1e-4);
        RunEvent[] events =
        [
            new SubPopulationJoined(3, 0, 2),
            new SubPopulationJoined(9, 0, SubPopulationJoined.EvaluatorSet),
            new EvaluatorStarted(9, 240, 5, 1, StoreTestData.Checkpoint(5, 240), hp.With("lr", 0.1)),
            new EvaluatorSucceeded(1, 480, 9, 5, StoreTestData.Checkpoint(9, 480), hp, 0.1 + 0.2, 1.0 / 1024),
            new EvaluatorStopped(9, 480, 5, 1, "stopping criteria: p > p_stat + max(0, 1 − T/max_eval_steps)"),
        ];
        string[] kinds = ["sub-population-joined", "sub-population-joined", "evaluator-started", "evaluator-succeeded", "evaluator-stopped"];

        for (var i = 0; i < events.Length; i++)
        {
            var json = CohortJson.Serialize(events[i]);
            var back = CohortJson.DeserializeEvent(json);

            Assert.Equal(events[i], back);
            Assert.StartsWith($"{{\"kind\":\"{kinds[i]}\",", json, StringComparison.Ordinal);
            Assert.Contains(kinds[i], CohortJson.EventKinds);
        }

        var succeeded = (EvaluatorSucceeded)CohortJson.DeserializeEvent(CohortJson.Serialize(events[3]));
        Assert.Equal(BitConverter.DoubleToInt64Bits(0.1 + 0.2), BitConverter.DoubleToInt64Bits(succeeded.BestScoreDiff));
    }

    [Fact]
    public void DeserializeEvent_Should_ThrowNamingTheKind_When_TheKindIsUnknown()
    {
        var e = Assert.Throws<JsonException>(() => CohortJson.DeserializeEvent("{\"kind\":\"teleported\",\"member\":0,\"step\":0}"));

        Assert.Contains("'teleported'", e.Message, StringComparison.Ordinal);
        Assert.Contains("member-created, exploited, explored, member-finished", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeserializeEvent_Should_Throw_When_KindIsMissing()
    {
        var e = Assert.Throws<JsonException>(() => CohortJson.DeserializeEvent("{\"member\":0,\"step\":0}"));

        Assert.Contains("$.kind", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_Should_Throw_When_TheEventTypeIsUnknown()
    {
        var e = Assert.Throws<NotSupportedException>(() => CohortJson.Serialize(new CustomEvent(0, 0)));

        Assert.Contains(nameof(CustomEvent), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeserializeTaskResult_Should_NameThePath_When_APropertyIsUnknownMissingOrMistyped()
    {
        var json = CohortJson.Serialize(StoreTestData.Result(1, 1));

        var unknown = Assert.Throws<JsonException>(() => CohortJson.DeserializeTaskResult(json.Replace("\"start_step\"", "\"startstep\"", StringComparison.Ordinal)));
        var mistyped = Assert.Throws<JsonException>(() => CohortJson.DeserializeTaskResult(json.Replace("\"steps\":50", "\"steps\":\"fifty\"", StringComparison.Ordinal)));
        var badDouble = Assert.Throws<JsonException>(() => CohortJson.DeserializeTaskResult(json.Replace("\"accuracy\":0.1", "\"accuracy\":\"nan\"", StringComparison.Ordinal)));

        Assert.Contains("$.task.startstep", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("$.task.steps", mistyped.Message, StringComparison.Ordinal);
        Assert.Contains("$.validation.accuracy", badDouble.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_Should_WriteTheSameText_When_RunUnderFrenchCulture()
    {
        var result = StoreTestData.Result(1, 2);
        var invariant = CohortJson.Serialize(result);
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("fr-FR");
            CultureInfo.CurrentUICulture = new CultureInfo("fr-FR");

            var french = CohortJson.Serialize(result);
            var back = CohortJson.DeserializeTaskResult(french);

            Assert.Equal(invariant, french);
            Assert.Contains("0.5", CohortJson.Serialize(HyperparameterSet.From([new("x", 0.5)])), StringComparison.Ordinal);
            StoreTestData.AssertSameResult(result, back);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
            CultureInfo.CurrentUICulture = previous;
        }
    }

    [Fact]
    public void Options_Should_ConvertRecordsAndDerivedEvents_When_UsedWithJsonSerializer()
    {
        var exploited = new Exploited(1, 10, 2, StoreTestData.Checkpoint(2, 10), StoreTestData.Hyperparameters(0.1), StoreTestData.Hyperparameters(0.2));
        var result = StoreTestData.Result(0, 1);

        var eventJson = JsonSerializer.Serialize<RunEvent>(exploited, CohortJson.Options);
        var resultJson = JsonSerializer.Serialize(result, CohortJson.Options);

        Assert.Equal(CohortJson.Serialize(exploited), eventJson);
        Assert.Equal(exploited, JsonSerializer.Deserialize<RunEvent>(eventJson, CohortJson.Options));
        StoreTestData.AssertSameResult(result, JsonSerializer.Deserialize<TaskResult>(resultJson, CohortJson.Options)!);
    }

    [Fact]
    public void Serialize_Should_WriteTheSameText_When_AHyperparameterSetOrUnsortedMetricsAreWrittenAgain()
    {
        // Given one result written twice (its hyperparameter set is then written from its cached form), a result with an
        // equal but distinct set, and metrics reported out of order
        var result = StoreTestData.Result(1, 2);
        var first = CohortJson.Serialize(result);
        var again = CohortJson.Serialize(result);
        var equal = result with { Task = result.Task with { Hyperparameters = HyperparameterSet.From(result.Task.Hyperparameters.Select(kv => new KeyValuePair<string, HyperValue>(kv.Key, kv.Value))) } };
        var unsorted = Result(new Dictionary<string, double> { ["rmse"] = 2, ["loss"] = 0.5, ["mse"] = 4 });

        // Then the text does not change, and metrics are written sorted by name as before
        Assert.Equal(first, again);
        Assert.Equal(first, CohortJson.Serialize(equal));
        Assert.Contains("\"validation\":{\"loss\":0.5,\"mse\":4,\"rmse\":2}", CohortJson.Serialize(unsorted), StringComparison.Ordinal);
        using var indented = new MemoryStream();
        using (var writer = new Utf8JsonWriter(indented, new JsonWriterOptions { Indented = true }))
        {
            CohortJson.WriteHyperparameters(writer, result.Task.Hyperparameters);
        }

        Assert.Contains("\n", System.Text.Encoding.UTF8.GetString(indented.ToArray()), StringComparison.Ordinal);
    }

    private static TaskResult Result(Dictionary<string, double> validation) =>
        new(
            new TrainTask(0, 0, 0, null, StoreTestData.Hyperparameters(0.5), 0, 10, 7),
            TaskOutcome.Completed,
            validation,
            new Dictionary<string, double>(),
            new CheckpointRef(new string('a', 64), 10, 3));

    private sealed record CustomEvent(int Member, long Step) : RunEvent(Member, Step);
}
