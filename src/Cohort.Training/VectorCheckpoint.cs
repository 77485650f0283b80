using System.Buffers.Binary;

namespace Cohort.Training;

/// <summary>
/// The little-endian checkpoint record shared by the vector problems (synthetic, noisy quadratic): magic, format
/// version, D, four unused bytes, step, then each vector's D doubles in turn.
/// </summary>
internal static class VectorCheckpoint
{
    private const int HeaderBytes = 24;

    /// <summary>Writes the record; every vector has the length of the first.</summary>
    public static void Write(Stream destination, uint magic, int formatVersion, long step, params ReadOnlySpan<double[]> vectors)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var dims = vectors[0].Length;
        var buffer = new byte[HeaderBytes + (8 * dims * vectors.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, magic);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(4), formatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(8), dims);
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(16), step);
        for (var k = 0; k < vectors.Length; k++)
        {
            var vector = vectors[k];
            for (var i = 0; i < dims; i++)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(HeaderBytes + (8 * ((k * dims) + i))), vector[i]);
            }
        }

        destination.Write(buffer);
    }

    /// <summary>
    /// Reads a record into <paramref name="vectors"/> (all of the first one's length) and returns its step;
    /// <paramref name="problem"/> (lower case, e.g. "synthetic") names the problem in the error messages.
    /// </summary>
    public static long Read(Stream source, uint magic, int formatVersion, string problem, params ReadOnlySpan<double[]> vectors)
    {
        ArgumentNullException.ThrowIfNull(source);
        var dims = vectors[0].Length;
        var buffer = new byte[HeaderBytes + (8 * dims * vectors.Length)];
        source.ReadExactly(buffer);
        var actualMagic = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        if (actualMagic != magic)
        {
            throw new InvalidDataException($"Not a {problem} checkpoint: magic 0x{actualMagic:X8}, expected 0x{magic:X8}.");
        }

        var version = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(4));
        var actualDims = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(8));
        if (version != formatVersion || actualDims != dims)
        {
            var title = string.Concat(problem[..1].ToUpperInvariant(), problem[1..]);
            throw new InvalidDataException($"{title} checkpoint version {version} with {actualDims} dimensions does not fit this problem (version {formatVersion}, {dims} dimensions).");
        }

        for (var k = 0; k < vectors.Length; k++)
        {
            var vector = vectors[k];
            for (var i = 0; i < dims; i++)
            {
                vector[i] = BinaryPrimitives.ReadDoubleLittleEndian(buffer.AsSpan(HeaderBytes + (8 * ((k * dims) + i))));
            }
        }

        return BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(16));
    }
}
