using System.Text;
using System.Text.Json.Nodes;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Storage.Serialization;

namespace Cohort.Dashboard.Tests;

public sealed class StoredJsonTests
{
    private static readonly CheckpointRef s_checkpoint = new(new string('c', 64), 40, 32);

    /// <summary>Results of every shape the store writes, including user text that spells the keys the direct read looks for.</summary>
    public static TheoryData<string> Shapes => new()
    {
        "plain", "no-from", "failed", "nan", "infinite", "missing-metric", "metric-named-hyperparameters", "tricky-text", "optimizer-state",
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Result_Should_ReadWhatTheDocumentHolds_When_TheStoreWroteIt(string shape)
    {
        // Given a result as CohortJson writes it, and the same document with its properties in another order
        var result = Result(shape);
        var json = CohortJson.Serialize(result);
        var reordered = Reorder(json);

        // (the store's own layout is read directly, without the full scan)
        Assert.NotNull(StoredJson.Direct(Encoding.UTF8.GetBytes(json), "loss"u8));
        Assert.Null(StoredJson.Direct(Encoding.UTF8.GetBytes(reordered), "loss"u8));
        foreach (var text in new[] { json, reordered })
        {
            // When the dashboard reads it in place (CohortJson's layout directly; the other order by a full scan)
            var utf8 = Encoding.UTF8.GetBytes(text);
            var parts = StoredJson.Result(utf8, "loss"u8);

            // Then every part equals what the whole document says
            var whole = CohortJson.DeserializeTaskResult(text);
            Assert.Equal(whole.Task.Member, parts.Member);
            Assert.Equal(whole.Task.StartStep, parts.Start);
            Assert.Equal(whole.Task.EndStep, parts.End);
            Assert.Equal(whole.Outcome, parts.Outcome);
            Assert.Equal(whole.Validation.TryGetValue("loss", out var loss) ? loss : double.NaN, parts.Value);
            var hyperparameters = Encoding.UTF8.GetString(utf8[parts.Hyperparameters]);
            Assert.Equal(whole.Task.Hyperparameters, CohortJson.DeserializeHyperparameters(hyperparameters));
        }
    }

    [Fact]
    public void Result_Should_RefuseTheRow_When_ItIsNotAResult()
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => StoredJson.Result("[1]"u8, "loss"u8));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => StoredJson.Result("{\"outcome\":\"completed\"}"u8, "loss"u8));
        var unknown = CohortJson.Serialize(Result("plain")).Replace("\"completed\"", "\"paused\"", StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => StoredJson.Result(Encoding.UTF8.GetBytes(unknown), "loss"u8));
    }

    [Fact]
    public void Exploit_Should_ReadTheMemberStepDonorAndHash_When_TheStoreWroteAnExploit()
    {
        // Given an exploit as the store writes it
        var lr = HyperparameterSet.From([new("lr", HyperValue.Of(0.1))]);
        var json = Encoding.UTF8.GetBytes(CohortJson.Serialize(new Exploited(3, 80, 7, s_checkpoint, lr, lr)));

        // When
        var parts = StoredJson.Exploit(json);

        // Then
        Assert.Equal((3, 80L, 7), (parts.Member, parts.Step, parts.Donor));
        Assert.NotNull(parts.Hash);
        Assert.Equal(s_checkpoint.Hash, Encoding.UTF8.GetString(json[parts.Hash.Value]));
        Assert.Equal(s_checkpoint.Hash, CheckpointHash.Parse(json[parts.Hash.Value]).ToString());
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789")]
    [InlineData("0123456789abcdef0123456789abcdeF")]
    [InlineData("not-a-sha")]
    [InlineData("")]
    public void CheckpointHash_Should_GiveBackTheStoredText_When_ItIsKeptAsWordsOrAsText(string hash)
    {
        var kept = CheckpointHash.Parse(Encoding.UTF8.GetBytes(hash));

        Assert.Equal(hash, kept.ToString());
        Assert.Equal(hash.Length is 32 or 64 && !hash.Any(char.IsUpper), kept.Text is null);
    }

    private static TaskResult Result(string shape)
    {
        var hyperparameters = shape == "tricky-text"
            ? HyperparameterSet.From([
                new("validation", HyperValue.Of(0.5)),
                new("opt", HyperValue.Of("\"validation\":{\"loss\":9},\"hyperparameters\":{}")),
                new("lr", HyperValue.Of(0.01)),
            ])
            : HyperparameterSet.From([new("lr", HyperValue.Of(0.01)), new("momentum", HyperValue.Of(0.9))]);
        var task = new TrainTask(5, 3, 3, shape == "no-from" ? null : s_checkpoint, hyperparameters, 40, 20, 99)
        {
            OptimizerStateFrom = shape == "optimizer-state" ? s_checkpoint : null,
        };
        var validation = shape switch
        {
            "failed" or "missing-metric" => new Dictionary<string, double> { ["accuracy"] = 0.5 },
            "nan" => new Dictionary<string, double> { ["loss"] = double.NaN },
            "infinite" => new Dictionary<string, double> { ["loss"] = double.PositiveInfinity },
            "metric-named-hyperparameters" => new Dictionary<string, double> { ["hyperparameters"] = 3, ["loss"] = 0.25 },
            _ => new Dictionary<string, double> { ["loss"] = 0.25, ["accuracy"] = 0.75 },
        };
        return new TaskResult(
            task,
            shape switch { "failed" => TaskOutcome.Failed, "nan" => TaskOutcome.Diverged, _ => TaskOutcome.Completed },
            validation,
            new Dictionary<string, double> { ["loss"] = 1 },
            shape == "failed" ? null : new CheckpointRef(new string('d', 64), 60, 32),
            shape == "tricky-text" ? "\"hyperparameters\":{\"x\":1},\"validation\":{\"loss\":7}" : null);
    }

    /// <summary>The same document with its top-level properties, and the task's, in reverse order.</summary>
    private static string Reorder(string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        var task = root["task"]!.AsObject();
        var reversedTask = new JsonObject(task.Reverse().Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        var reversed = new JsonObject(root.Reverse().Select(kv => KeyValuePair.Create(kv.Key, kv.Key == "task" ? reversedTask : kv.Value?.DeepClone())));
        return reversed.ToJsonString();
    }
}
