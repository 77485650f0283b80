namespace Cohort.Engine.Data;

/// <summary>
/// Loader for the binary version of CIFAR-10 (Krizhevsky 2009): each batch file (<c>data_batch_1.bin</c> …
/// <c>data_batch_5.bin</c>, <c>test_batch.bin</c>) holds records of 1 label byte (0..9) followed by 3072 pixel bytes:
/// 1024 red, 1024 green, 1024 blue, each a 32×32 plane in row-major order — already the NCHW layout [3, 32, 32].
/// Pixels are scaled to [0, 1] (b / 255).
/// </summary>
public static class Cifar10Loader
{
    /// <summary>Bytes per record: 1 label + 3 × 32 × 32 pixels.</summary>
    public const int RecordSize = 1 + PixelsPerImage;

    /// <summary>Pixels per image: 3 × 32 × 32.</summary>
    public const int PixelsPerImage = 3 * 32 * 32;

    /// <summary>Records in each canonical batch file.</summary>
    public const int RecordsPerBatch = 10000;

    /// <summary>The training batch file names, in order.</summary>
    public static IReadOnlyList<string> TrainFiles { get; } =
        ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];

    /// <summary>The test batch file name.</summary>
    public const string TestFile = "test_batch.bin";

    /// <summary>
    /// Loads and concatenates batch files. Each file must hold exactly <paramref name="recordsPerFile"/> records
    /// (10000 for the canonical files); pass null to accept any positive whole number of records.
    /// </summary>
    public static Dataset Load(IReadOnlyList<string> paths, string name, int? recordsPerFile = RecordsPerBatch)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentOutOfRangeException.ThrowIfZero(paths.Count);
        var parts = new List<(float[] Pixels, float[] Labels)>(paths.Count);
        var total = 0;
        foreach (var path in paths)
        {
            var part = ReadBatch(path, recordsPerFile);
            parts.Add(part);
            total = checked(total + part.Labels.Length);
        }

        var features = new float[checked(total * PixelsPerImage)];
        var targets = new float[total];
        int fo = 0, to = 0;
        foreach (var (pixels, labels) in parts)
        {
            pixels.CopyTo(features, fo);
            labels.CopyTo(targets, to);
            fo += pixels.Length;
            to += labels.Length;
        }

        return new Dataset(name, [3, 32, 32], features, targets, 1, TaskKind.Classification, 10);
    }

    /// <summary>
    /// Checks a batch file without keeping it in memory: exactly <paramref name="records"/> records and every label in
    /// 0..9. Throws a <see cref="DatasetException"/> naming <paramref name="path"/> otherwise.
    /// </summary>
    public static void ValidateBatch(string path, int records)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(records);
        using var stream = DataFileReader.Open(path, out var compressed);
        var word = DataFileReader.ContentWord(compressed);
        var record = new byte[RecordSize];
        var expectedBytes = (long)records * RecordSize;
        for (var r = 0; r < records; r++)
        {
            var got = DataFileReader.ReadFully(stream, record, path);
            if (got < RecordSize)
            {
                throw new DatasetException(path, $"truncated: a CIFAR-10 batch holds {records} records ({expectedBytes} bytes), {word} has {(long)r * RecordSize + got}");
            }

            if (record[0] > 9)
            {
                throw new DatasetException(path, $"record {r}: label {record[0]} is outside 0..9 (offset {(long)r * RecordSize})");
            }
        }

        var extra = DataFileReader.CountRemaining(stream, path);
        if (extra > 0)
        {
            throw new DatasetException(path, $"too long: a CIFAR-10 batch holds {records} records ({expectedBytes} bytes), {word} has {expectedBytes + extra}");
        }
    }

    private static (float[] Pixels, float[] Labels) ReadBatch(string path, int? recordsPerFile)
    {
        using var stream = DataFileReader.Open(path, out var compressed);
        var word = DataFileReader.ContentWord(compressed);
        byte[] content;
        if (recordsPerFile is int expected)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(expected, nameof(recordsPerFile));
            var expectedBytes = (long)expected * RecordSize;
            content = new byte[expectedBytes];
            var read = DataFileReader.ReadFully(stream, content, path);
            if (read < expectedBytes)
            {
                throw new DatasetException(path, $"truncated: a CIFAR-10 batch holds {expected} records ({expectedBytes} bytes), {word} has {read}");
            }

            var extra = DataFileReader.CountRemaining(stream, path);
            if (extra > 0)
            {
                throw new DatasetException(path, $"too long: a CIFAR-10 batch holds {expected} records ({expectedBytes} bytes), {word} has {expectedBytes + extra}");
            }
        }
        else
        {
            using var memory = new MemoryStream();
            var buffer = new byte[1 << 16];
            int n;
            while ((n = DataFileReader.ReadFully(stream, buffer, path)) > 0)
            {
                memory.Write(buffer, 0, n);
            }

            content = memory.ToArray();
            if (content.Length == 0 || content.Length % RecordSize != 0)
            {
                throw new DatasetException(path, $"invalid CIFAR-10 batch: {word} has {content.Length} bytes, not a positive multiple of the {RecordSize}-byte record");
            }
        }

        var count = content.Length / RecordSize;
        var pixels = new float[count * PixelsPerImage];
        var labels = new float[count];
        for (var r = 0; r < count; r++)
        {
            var record = content.AsSpan(r * RecordSize, RecordSize);
            if (record[0] > 9)
            {
                throw new DatasetException(path, $"record {r}: label {record[0]} is outside 0..9 (offset {(long)r * RecordSize})");
            }

            labels[r] = record[0];
            DataFileReader.ConvertPixels(record[1..], pixels.AsSpan(r * PixelsPerImage, PixelsPerImage));
        }

        return (pixels, labels);
    }
}
