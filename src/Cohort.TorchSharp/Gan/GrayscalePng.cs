using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Cohort.TorchSharp.Gan;

/// <summary>A minimal PNG writer for 8-bit grayscale images (the GAN's sample grids): signature, IHDR, one zlib IDAT, IEND.</summary>
internal static class GrayscalePng
{
    private static readonly uint[] s_crcTable = BuildCrcTable();

    /// <summary>Writes a <paramref name="width"/> × <paramref name="height"/> image of row-major <paramref name="pixels"/> (0 black, 255 white).</summary>
    public static void Write(Stream destination, ReadOnlySpan<byte> pixels, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (pixels.Length != width * height)
        {
            throw new ArgumentException($"{pixels.Length} pixels for a {width} × {height} image.", nameof(pixels));
        }

        destination.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 0; // grayscale; compression, filter and interlace methods 0
        Chunk(destination, "IHDR", header);

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var y = 0; y < height; y++)
            {
                zlib.WriteByte(0); // filter: none
                zlib.Write(pixels.Slice(y * width, width));
            }
        }

        Chunk(destination, "IDAT", compressed.ToArray());
        Chunk(destination, "IEND", []);
    }

    private static void Chunk(Stream destination, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        destination.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        destination.Write(typeBytes);
        destination.Write(data);
        var crc = Crc(Crc(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        destination.Write(word);
    }

    /// <summary>CRC-32 (ISO 3309, as PNG uses it) continued over <paramref name="data"/>.</summary>
    private static uint Crc(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = s_crcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
