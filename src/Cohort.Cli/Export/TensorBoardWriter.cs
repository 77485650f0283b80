using System.Globalization;
using Google.Protobuf;

namespace Cohort.Cli.Export;

/// <summary>
/// Writes evaluations as TensorBoard event files (the format of TensorFlow's <c>EventsWriter</c>): one folder per
/// run and member (<c>run/member-07</c>), in each one <c>events.out.tfevents.&lt;seconds&gt;.cohort</c> with a
/// <c>file_version</c> event and then one <c>Summary</c> event per evaluation step holding scalars:
/// <c>validation/M</c> and <c>test/M</c> per metric, <c>hyperparameters/H</c> per numeric hyperparameter and
/// <c>lineage/parent_member</c>. The messages are encoded by hand with Google.Protobuf's coded streams; the few
/// fields used are those of tensorflow/core/util/event.proto and summary.proto.
/// </summary>
internal static class TensorBoardWriter
{
    // event.proto: Event { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; Summary summary = 5; } }
    private const int EventWallTime = 1;
    private const int EventStep = 2;
    private const int EventFileVersion = 3;
    private const int EventSummary = 5;

    // summary.proto: Summary { repeated Value value = 1; } Value { string tag = 1; float simple_value = 2; }
    private const int SummaryValue = 1;
    private const int ValueTag = 1;
    private const int ValueSimpleValue = 2;

    /// <summary>Writes <paramref name="table"/> under <paramref name="root"/>; returns the files written.</summary>
    public static IReadOnlyList<string> Write(EvaluationTable table, string root, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(table);
        var files = new List<string>();
        var seconds = time.ToUnixTimeMilliseconds() / 1000.0;
        foreach (var run in table.Rows.GroupBy(r => r.Run))
        {
            var digits = Math.Max(2, run.Max(r => r.Member).ToString(CultureInfo.InvariantCulture).Length);
            foreach (var member in run.GroupBy(r => r.Member))
            {
                var folder = Path.Combine(root, run.Key, "member-" + member.Key.ToString("D" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
                Directory.CreateDirectory(folder);
                var path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"events.out.tfevents.{(long)seconds}.cohort"));
                using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write))
                {
                    TfRecord.Write(stream, Event(seconds, 0, e => e.WriteString(EventFileVersion, "brain.Event:2")));
                    foreach (var row in member)
                    {
                        var scalars = Scalars(row).ToList();
                        if (scalars.Count > 0)
                        {
                            TfRecord.Write(stream, Event(seconds, row.Step, e => e.WriteMessage(EventSummary, Summary(scalars))));
                        }
                    }
                }

                files.Add(path);
            }
        }

        return files;
    }

    private static IEnumerable<(string Tag, float Value)> Scalars(Evaluation row)
    {
        foreach (var (metric, value) in row.Validation)
        {
            yield return ("validation/" + metric, (float)value);
        }

        foreach (var (metric, value) in row.Test)
        {
            yield return ("test/" + metric, (float)value);
        }

        foreach (var (name, value) in row.Hyperparameters.Where(h => !h.Value.IsCategorical))
        {
            yield return ("hyperparameters/" + name, (float)value.Number);
        }

        if (row.ParentMember is { } parent)
        {
            yield return ("lineage/parent_member", parent);
        }
    }

    private static byte[] Event(double wallTime, long step, Action<ProtoWriter> what)
    {
        using var writer = new ProtoWriter();
        writer.WriteDouble(EventWallTime, wallTime);
        writer.WriteInt64(EventStep, step);
        what(writer);
        return writer.ToArray();
    }

    private static byte[] Summary(IEnumerable<(string Tag, float Value)> scalars)
    {
        using var summary = new ProtoWriter();
        foreach (var (tag, value) in scalars)
        {
            using var v = new ProtoWriter();
            v.WriteString(ValueTag, tag);
            v.WriteFloat(ValueSimpleValue, value);
            summary.WriteMessage(SummaryValue, v.ToArray());
        }

        return summary.ToArray();
    }

    /// <summary>A protobuf message being written: tagged fields over Google.Protobuf's <see cref="CodedOutputStream"/>.</summary>
    private sealed class ProtoWriter : IDisposable
    {
        private readonly MemoryStream _buffer = new();
        private readonly CodedOutputStream _out;

        public ProtoWriter() => _out = new CodedOutputStream(_buffer, leaveOpen: true);

        public void WriteDouble(int field, double value)
        {
            _out.WriteTag(field, WireFormat.WireType.Fixed64);
            _out.WriteDouble(value);
        }

        public void WriteFloat(int field, float value)
        {
            _out.WriteTag(field, WireFormat.WireType.Fixed32);
            _out.WriteFloat(value);
        }

        public void WriteInt64(int field, long value)
        {
            _out.WriteTag(field, WireFormat.WireType.Varint);
            _out.WriteInt64(value);
        }

        public void WriteString(int field, string value)
        {
            _out.WriteTag(field, WireFormat.WireType.LengthDelimited);
            _out.WriteString(value);
        }

        public void WriteMessage(int field, byte[] message)
        {
            _out.WriteTag(field, WireFormat.WireType.LengthDelimited);
            _out.WriteBytes(ByteString.CopyFrom(message));
        }

        public byte[] ToArray()
        {
            _out.Flush();
            return _buffer.ToArray();
        }

        public void Dispose()
        {
            _out.Dispose();
            _buffer.Dispose();
        }
    }
}
