using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Cohort.Cli.Export;
using Google.Protobuf;

namespace Cohort.Cli.Tests.Export;

public sealed class ExperimentExportTests
{
    private static readonly Lazy<Task<string>> s_experiment = new(async () =>
    {
        var dir = TestPaths.NewDirectory();
        var run = await Cli.RunAsync("run", TestPaths.Example("toy.yaml"), "--out", dir, "--runs", "grid,pbt", "--set", "steps=40");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        return dir;
    });

    [Fact]
    public async Task ExportCsv_Should_WriteOneColumnPerHyperparameterAndMetricWithLineage_When_AnExperimentIsDone()
    {
        var dir = await s_experiment.Value;

        var result = await Cli.RunAsync("export", dir, "--format", "csv", "--output", Path.Combine(dir, "e.csv"));

        Assert.True(result.ExitCode == 0, result.Error);
        var lines = await File.ReadAllLinesAsync(Path.Combine(dir, "e.csv"));
        Assert.Equal("run,method,member,step,generation,outcome,h0,h1,lr,validation_q,test_q,parent_member,parent_step,exploited,checkpoint,parent_checkpoint,message", lines[0]);
        Assert.Equal(1 + (2 * 2 * 10), lines.Length); // two runs × two members × ten evaluations
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.StartsWith("grid,grid,0,4,0,completed,1,0,0.01,", lines[1], StringComparison.Ordinal);
        Assert.All(rows.Where(r => r[0] == "grid" && r[3] != "4"), r => Assert.Equal((r[2], "false"), (r[11], r[13]))); // the grid never exploits
        Assert.Contains(rows, r => r[0] == "pbt" && r[13] == "true" && r[11] != r[2]); // PBT members start from a donor's weights
        Assert.All(rows, r => Assert.True(double.TryParse(r[9], NumberStyles.Float, CultureInfo.InvariantCulture, out _), r[9]));
    }

    [Fact]
    public async Task ExportJsonl_Should_WriteOneObjectPerEvaluation_When_AnExperimentIsDone()
    {
        var dir = await s_experiment.Value;

        var result = await Cli.RunAsync("export", dir, "--format", "jsonl", "--output", Path.Combine(dir, "e.jsonl"));

        Assert.True(result.ExitCode == 0, result.Error);
        var objects = (await File.ReadAllLinesAsync(Path.Combine(dir, "e.jsonl"))).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(40, objects.Count);
        Assert.All(objects, o => Assert.Equal(JsonValueKind.Number, o.GetProperty("validation_q").ValueKind));
        Assert.Equal(0.01, objects[0].GetProperty("lr").GetDouble());
        Assert.Equal(JsonValueKind.Null, objects[0].GetProperty("parent_member").ValueKind);
    }

    [Fact]
    public async Task ExportTensorboard_Should_WriteEventFilesThatReadBack_When_AnExperimentIsDone()
    {
        // Given the exported evaluations as CSV, to compare with
        var dir = await s_experiment.Value;
        var csv = Path.Combine(dir, "for-tensorboard.csv");
        Assert.Equal(0, (await Cli.RunAsync("export", dir, "--output", csv)).ExitCode);
        var expected = (await File.ReadAllLinesAsync(csv)).Skip(1).Select(l => l.Split(','))
            .Where(r => r[0] == "pbt" && r[2] == "1")
            .Select(r => (Step: long.Parse(r[3], CultureInfo.InvariantCulture), Q: float.Parse(r[9], CultureInfo.InvariantCulture), H0: float.Parse(r[6], CultureInfo.InvariantCulture)))
            .ToList();

        // When it is exported for TensorBoard
        var root = Path.Combine(dir, "tb");
        var result = await Cli.RunAsync("export", dir, "--format", "tensorboard", "--output", root);

        // Then there is one event file per run and member; each reads back record by record with valid CRCs, starts
        // with the file version, and holds a summary per evaluation with the exported values at its step
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(["grid/member-00", "grid/member-01", "pbt/member-00", "pbt/member-01"], Directory.GetDirectories(root).SelectMany(Directory.GetDirectories).Select(d => Path.GetRelativePath(root, d)).Order());
        var file = Assert.Single(Directory.GetFiles(Path.Combine(root, "pbt", "member-01")));
        Assert.StartsWith("events.out.tfevents.", Path.GetFileName(file), StringComparison.Ordinal);
        var events = ReadRecords(await File.ReadAllBytesAsync(file)).Select(ParseEvent).ToList();
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        var summaries = events.Skip(1).ToList();
        Assert.Equal(expected.Select(e => e.Step), summaries.Select(s => s.Step));
        Assert.Equal(expected.Select(e => e.Q), summaries.Select(s => s.Scalars["validation/q"]));
        Assert.Equal(expected.Select(e => e.H0), summaries.Select(s => s.Scalars["hyperparameters/h0"]));
        Assert.All(summaries, s => Assert.True(s.WallTime > 1.7e9, s.WallTime.ToString(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Crc32C_Should_MatchTheStandardCheckValue()
    {
        Assert.Equal(0xE3069283u, TfRecord.Crc32C("123456789"u8));
        Assert.Equal(0u, TfRecord.Crc32C([]));
        Assert.Equal(0x8A9136AAu, TfRecord.Crc32C(new byte[32])); // RFC 3720 B.4: 32 bytes of zeros
    }

    /// <summary>Splits a TFRecord file into its records, checking both masked CRCs of each.</summary>
    private static List<byte[]> ReadRecords(byte[] file)
    {
        var records = new List<byte[]>();
        var at = 0;
        while (at < file.Length)
        {
            var length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(at)));
            Assert.Equal(TfRecord.MaskedCrc(file.AsSpan(at, 8)), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 8)));
            var data = file.AsSpan(at + 12, length).ToArray();
            Assert.Equal(TfRecord.MaskedCrc(data), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 12 + length)));
            records.Add(data);
            at += 12 + length + 4;
        }

        Assert.Equal(file.Length, at);
        return records;
    }

    private sealed record Event(double WallTime, long Step, string? FileVersion, Dictionary<string, float> Scalars);

    /// <summary>Decodes an Event (event.proto) with Google.Protobuf's reader, failing on any field the writer should not have written.</summary>
    private static Event ParseEvent(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        double wall = 0;
        long step = 0;
        string? version = null;
        var scalars = new Dictionary<string, float>(StringComparer.Ordinal);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (tag)
            {
                case (1 << 3) | 1:
                    wall = input.ReadDouble();
                    break;
                case 2 << 3:
                    step = input.ReadInt64();
                    break;
                case (3 << 3) | 2:
                    version = input.ReadString();
                    break;
                case (5 << 3) | 2:
                    var summary = new CodedInputStream(input.ReadBytes().ToByteArray());
                    while (summary.ReadTag() is var t && t != 0)
                    {
                        Assert.Equal((1u << 3) | 2, t);
                        var value = new CodedInputStream(summary.ReadBytes().ToByteArray());
                        string? name = null;
                        float? simple = null;
                        while (value.ReadTag() is var v && v != 0)
                        {
                            if (v == ((1 << 3) | 2))
                            {
                                name = value.ReadString();
                            }
                            else
                            {
                                Assert.Equal((2u << 3) | 5, v);
                                simple = value.ReadFloat();
                            }
                        }

                        scalars.Add(name!, simple!.Value);
                    }

                    break;
                default:
                    Assert.Fail($"unexpected field tag {tag}");
                    break;
            }
        }

        return new Event(wall, step, version, scalars);
    }
}
