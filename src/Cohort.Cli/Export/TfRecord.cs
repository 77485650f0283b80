using System.Buffers.Binary;
using System.Numerics;

namespace Cohort.Cli.Export;

/// <summary>
/// TFRecord framing, the container of TensorBoard event files: each record is its length (uint64, little-endian),
/// the masked CRC-32C of those 8 bytes (uint32), the data, and the masked CRC-32C of the data. A masked CRC is
/// <c>((crc &gt;&gt; 15 | crc &lt;&lt; 17) + 0xa282ead8)</c> (TensorFlow's <c>crc32c::Mask</c>).
/// </summary>
internal static class TfRecord
{
    private const uint MaskDelta = 0xa282ead8;

    /// <summary>Writes one record holding <paramref name="data"/>.</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc(header[..8]));
        stream.Write(header);
        stream.Write(data);
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc(data));
        stream.Write(footer);
    }

    /// <summary>The masked CRC-32C of <paramref name="data"/>.</summary>
    public static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        var crc = Crc32C(data);
        return ((crc >> 15) | (crc << 17)) + MaskDelta;
    }

    /// <summary>CRC-32C (Castagnoli), as in iSCSI and TensorFlow: "123456789" → 0xE3069283.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        var i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }

        for (; i < data.Length; i++)
        {
            crc = BitOperations.Crc32C(crc, data[i]);
        }

        return ~crc;
    }
}
