using System.IO.Compression;
using System.Numerics.Tensors;

namespace Cohort.Engine.Data;

/// <summary>
/// Reads a data file's content, transparently decompressing gzip (detected by its magic bytes 1f 8b, not the name),
/// and turns I/O and gzip failures into <see cref="DatasetException"/>s that name the file.
/// </summary>
internal static class DataFileReader
{
    /// <summary>Opens the content of <paramref name="path"/>; <paramref name="compressed"/> tells whether it is gzip.</summary>
    public static Stream Open(string path, out bool compressed)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (FileNotFoundException ex)
        {
            throw new DatasetException(path, "file not found", ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new DatasetException(path, "file not found (directory missing)", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException(path, "cannot open: " + ex.Message, ex);
        }

        Span<byte> magic = stackalloc byte[2];
        var n = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        compressed = n == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        return compressed ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: false) : file;
    }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes; returns how many were read (fewer only at end of content).</summary>
    public static int ReadFully(Stream stream, Span<byte> buffer, string path)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException ex)
        {
            throw new DatasetException(path, "corrupt gzip stream: " + ex.Message, ex);
        }
        catch (IOException ex)
        {
            throw new DatasetException(path, "read failed: " + ex.Message, ex);
        }
    }

    /// <summary>Counts the bytes left in the stream (to report how long an over-long file is).</summary>
    public static long CountRemaining(Stream stream, string path)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = ReadFully(stream, buffer, path)) > 0)
        {
            total += n;
        }

        return total;
    }

    /// <summary>Reads the whole content as text lines (UTF-8), decompressing gzip if needed.</summary>
    public static string[] ReadAllLines(string path)
    {
        using var stream = Open(path, out _);
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        try
        {
            var lines = new List<string>();
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                lines.Add(line);
            }

            return [.. lines];
        }
        catch (InvalidDataException ex)
        {
            throw new DatasetException(path, "corrupt gzip stream: " + ex.Message, ex);
        }
        catch (IOException ex)
        {
            throw new DatasetException(path, "read failed: " + ex.Message, ex);
        }
    }

    /// <summary>"file" or "decompressed content", for messages.</summary>
    public static string ContentWord(bool compressed) => compressed ? "decompressed content" : "file";

    /// <summary>Pixel bytes → floats in [0, 1], exactly b / 255f (conversion is exact, division correctly rounded).</summary>
    public static void ConvertPixels(ReadOnlySpan<byte> source, Span<float> destination)
    {
        var target = destination[..source.Length];
        TensorPrimitives.ConvertChecked(source, target);
        TensorPrimitives.Divide(target, 255f, target);
    }

    /// <summary>
    /// Reads up to <paramref name="destination"/>.Length pixel bytes in chunks, converting each into
    /// <paramref name="destination"/> (no full-size byte buffer); returns the number of bytes read.
    /// </summary>
    public static long ReadPixels(Stream stream, Span<float> destination, string path)
    {
        var chunk = new byte[1 << 20];
        long done = 0;
        while (done < destination.Length)
        {
            var want = (int)Math.Min(chunk.Length, destination.Length - done);
            var got = ReadFully(stream, chunk.AsSpan(0, want), path);
            ConvertPixels(chunk.AsSpan(0, got), destination.Slice((int)done, got));
            done += got;
            if (got < want)
            {
                break;
            }
        }

        return done;
    }
}
