using System.Globalization;
using System.Security.Cryptography;

namespace Cohort.Core.Storage;

/// <summary>
/// An <see cref="ICheckpointStore"/> on the file system (DESIGN.md, "Checkpoints are immutable and content-addressed"):
/// each checkpoint is one file <c>DIR/ab/abcdef….ckpt</c> named by the lower-case hex SHA-256 of its bytes, with the
/// first two hex digits as a fan-out folder. A file appears whole or not at all: <see cref="Put"/> writes a temporary
/// file in the same folder, flushes it to disk, then renames it into place. Thread-safe, and safe against other
/// processes writing the same directory (a lost rename race leaves the identical file in place).
/// </summary>
public sealed class FileCheckpointStore : ICheckpointStore
{
    /// <summary>The extension of checkpoint files.</summary>
    public const string Extension = ".ckpt";

    private const string TempExtension = ".tmp";

    private readonly TimeProvider _time;

    /// <param name="directory">The root folder; created when missing.</param>
    /// <param name="time">The clock <see cref="Collect"/> uses to age abandoned temporary files; the system clock by default.</param>
    public FileCheckpointStore(string directory, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The absolute root folder.</summary>
    public string Directory { get; }

    /// <summary>Temporary files older than this are leftovers of a crashed <see cref="Put"/> and are removed by <see cref="Collect"/>.</summary>
    public static TimeSpan AbandonedTempAge { get; } = TimeSpan.FromHours(1);

    /// <summary>The full path of the file holding <paramref name="hash"/>.</summary>
    public string PathOf(string hash)
    {
        ValidateHash(hash);
        return Path.Combine(Directory, hash[..2], hash + Extension);
    }

    /// <summary>
    /// Stores the bytes under their hash. Idempotent: when the file exists with the right length it is kept as is; one
    /// of the wrong length (a damaged copy) is replaced.
    /// </summary>
    public CheckpointRef Put(ReadOnlySpan<byte> bytes, long step)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var checkpoint = new CheckpointRef(hash, step, bytes.Length);
        var path = PathOf(hash);
        var existing = new FileInfo(path);
        var repair = existing.Exists && existing.Length != bytes.Length;
        if (existing.Exists && !repair)
        {
            return checkpoint;
        }

        var folder = Path.GetDirectoryName(path)!;
        System.IO.Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, hash + "." + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture) + TempExtension);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            try
            {
                // A file of the wrong length under this hash is damaged: the fresh bytes replace it.
                File.Move(temp, path, overwrite: repair);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another writer put the same bytes first: content addressing makes its file ours.
            }
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }

        return checkpoint;
    }

    /// <exception cref="CheckpointCorruptException">The file is missing, unreadable, or its bytes do not hash to the id; the message names both the id and the full path.</exception>
    public byte[] Read(CheckpointRef checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var path = PathOf(checkpoint.Hash);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CheckpointCorruptException($"Checkpoint {checkpoint.Hash} is missing: no file at {path}.");
        }
        catch (IOException e)
        {
            throw new CheckpointCorruptException($"Checkpoint {checkpoint.Hash} at {path} cannot be read: {e.Message}");
        }

        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(actual, checkpoint.Hash, StringComparison.Ordinal))
        {
            throw new CheckpointCorruptException(
                $"Checkpoint {checkpoint.Hash} at {path} is corrupt: its {bytes.Length} bytes hash to {actual}.");
        }

        return bytes;
    }

    public bool Contains(CheckpointRef checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return File.Exists(PathOf(checkpoint.Hash));
    }

    /// <summary>
    /// Deletes every checkpoint file whose hash is not in <paramref name="live"/>, and temporary files abandoned by a
    /// crashed writer (older than <see cref="AbandonedTempAge"/>). Returns how many checkpoints went.
    /// </summary>
    public int Collect(IReadOnlySet<string> live)
    {
        ArgumentNullException.ThrowIfNull(live);
        var removed = 0;
        var staleBefore = _time.GetUtcNow().UtcDateTime - AbandonedTempAge;
        foreach (var folder in System.IO.Directory.EnumerateDirectories(Directory))
        {
            foreach (var file in System.IO.Directory.EnumerateFiles(folder))
            {
                var name = Path.GetFileName(file);
                if (name.EndsWith(Extension, StringComparison.Ordinal))
                {
                    if (!live.Contains(name[..^Extension.Length]) && TryDelete(file))
                    {
                        removed++;
                    }
                }
                else if (name.EndsWith(TempExtension, StringComparison.Ordinal) && File.GetLastWriteTimeUtc(file) < staleBefore)
                {
                    TryDelete(file);
                }
            }
        }

        return removed;
    }

    private static bool TryDelete(string file)
    {
        if (!File.Exists(file))
        {
            return false;
        }

        File.Delete(file);
        return true;
    }

    private static void ValidateHash(string hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        if (hash.Length != 64 || !hash.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            throw new ArgumentException($"'{hash}' is not a lower-case hex SHA-256 (64 characters).", nameof(hash));
        }
    }
}
