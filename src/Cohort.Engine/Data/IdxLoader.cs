using System.Buffers.Binary;

namespace Cohort.Engine.Data;

/// <summary>
/// Loader for the IDX format of MNIST and Fashion-MNIST (LeCun et al.; Xiao, Rasul and Vollgraf 2017), gzipped or raw.
/// Images: big-endian magic 2051 (0x00000803), count, rows, columns, then count·rows·columns unsigned bytes.
/// Labels: magic 2049 (0x00000801), count, then count bytes. Every header field, the label range and the exact file
/// length are checked; a violation is a <see cref="DatasetException"/> naming the file.
/// </summary>
public static class IdxLoader
{
    /// <summary>Magic number of an IDX file of unsigned-byte images (3 dimensions).</summary>
    public const int ImagesMagic = 2051;

    /// <summary>Magic number of an IDX file of unsigned-byte labels (1 dimension).</summary>
    public const int LabelsMagic = 2049;

    /// <summary>
    /// Loads an images file and a labels file as a classification dataset of shape [1, rows, columns], pixels scaled to
    /// [0, 1] (b / 255), labels checked to lie in [0, <paramref name="classCount"/>).
    /// </summary>
    public static Dataset Load(string imagesPath, string labelsPath, string name, int classCount = 10)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagesPath);
        ArgumentException.ThrowIfNullOrEmpty(labelsPath);
        var (count, rows, columns, pixels) = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath, classCount);
        if (labels.Length != count)
        {
            throw new DatasetException(labelsPath, $"label count {labels.Length} does not match image count {count} in {imagesPath}");
        }

        var targets = new float[count];
        for (var i = 0; i < count; i++)
        {
            targets[i] = labels[i];
        }

        return new Dataset(name, [1, rows, columns], pixels, targets, 1, TaskKind.Classification, classCount);
    }

    /// <summary>Reads an IDX images file: count, rows, columns and the pixels scaled to [0, 1].</summary>
    public static (int Count, int Rows, int Columns, float[] Pixels) ReadImages(string path)
    {
        using var stream = DataFileReader.Open(path, out var compressed);
        Span<byte> header = stackalloc byte[16];
        var got = DataFileReader.ReadFully(stream, header, path);
        var word = DataFileReader.ContentWord(compressed);
        if (got < 16)
        {
            throw new DatasetException(path, $"truncated: an IDX images header needs 16 bytes, {word} has {got}");
        }

        var magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != ImagesMagic)
        {
            throw new DatasetException(path, $"not an IDX images file: magic number {magic} (0x{magic:X8}), expected {ImagesMagic} (0x{ImagesMagic:X8})");
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        var rows = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
        var columns = BinaryPrimitives.ReadInt32BigEndian(header[12..]);
        if (count < 0 || rows <= 0 || columns <= 0 || rows > 65536 || columns > 65536)
        {
            throw new DatasetException(path, $"invalid IDX dimensions: {count} images of {rows}×{columns}");
        }

        var payload = (long)count * rows * columns;
        if (payload > Array.MaxLength)
        {
            throw new DatasetException(path, $"invalid IDX dimensions: {count} images of {rows}×{columns} is too large");
        }

        var pixels = new float[payload];
        var read = DataFileReader.ReadPixels(stream, pixels, path);
        if (read < payload)
        {
            throw new DatasetException(path, $"truncated: header says {count} images ({16 + payload} bytes), {word} has {16 + read}");
        }

        var extra = DataFileReader.CountRemaining(stream, path);
        if (extra > 0)
        {
            throw new DatasetException(path, $"too long: header says {count} images ({16 + payload} bytes), {word} has {16 + payload + extra}");
        }

        return (count, rows, columns, pixels);
    }

    /// <summary>Reads an IDX labels file, checking each label lies in [0, <paramref name="classCount"/>).</summary>
    public static byte[] ReadLabels(string path, int classCount = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        using var stream = DataFileReader.Open(path, out var compressed);
        Span<byte> header = stackalloc byte[8];
        var got = DataFileReader.ReadFully(stream, header, path);
        var word = DataFileReader.ContentWord(compressed);
        if (got < 8)
        {
            throw new DatasetException(path, $"truncated: an IDX labels header needs 8 bytes, {word} has {got}");
        }

        var magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != LabelsMagic)
        {
            throw new DatasetException(path, $"not an IDX labels file: magic number {magic} (0x{magic:X8}), expected {LabelsMagic} (0x{LabelsMagic:X8})");
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        if (count < 0)
        {
            throw new DatasetException(path, $"invalid IDX label count {count}");
        }

        var labels = new byte[count];
        var read = DataFileReader.ReadFully(stream, labels, path);
        if (read < count)
        {
            throw new DatasetException(path, $"truncated: header says {count} labels ({8L + count} bytes), {word} has {8L + read}");
        }

        var extra = DataFileReader.CountRemaining(stream, path);
        if (extra > 0)
        {
            throw new DatasetException(path, $"too long: header says {count} labels ({8L + count} bytes), {word} has {8L + count + extra}");
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classCount)
            {
                throw new DatasetException(path, $"label {labels[i]} at index {i} is outside 0..{classCount - 1}");
            }
        }

        return labels;
    }
}
