using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cohort.Core.Storage;

/// <summary>
/// An <see cref="ICheckpointStore"/> on the file system (DESIGN.md, "Checkpoints are immutable and content-addressed"),
/// for workers that share a directory: each checkpoint is one file <c>DIR/RUN/ab/abcdef….ckpt</c> named by its
/// <see cref="ContentHash"/>, with the run's folder (<see cref="RunFolder"/>) and the first two hex digits as
/// fan-out folders. A file appears whole or not at all: <see cref="Put"/> writes a temporary file in the same folder,
/// flushes it to disk, then renames it into place. Thread-safe, and safe against other processes writing the same
/// directory (a lost rename race leaves the identical file in place).
/// </summary>
public sealed class FileCheckpointStore : ICheckpointStore
{
    /// <summary>The extension of checkpoint files.</summary>
    public const string Extension = ".ckpt";

    private const string TempExtension = ".tmp";

    private readonly TimeProvider _time;

    /// <param name="directory">The root folder; created when missing.</param>
    /// <param name="time">The clock <see cref="List"/> ages abandoned temporary files by; the system clock by default.</param>
    public FileCheckpointStore(string directory, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The absolute root folder.</summary>
    public string Directory { get; }

    /// <summary>
    /// The folder name of <paramref name="run"/>: the name itself when it is a plain file name (letters, digits, '.', '_',
    /// '-'; not starting with '.'), otherwise <c>run-</c> and the first 16 hex digits of the name's SHA-256.
    /// </summary>
    public static string RunFolder(string run)
    {
        ArgumentException.ThrowIfNullOrEmpty(run);
        var plain = run.Length <= 100 && run[0] != '.' && run.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
        return plain ? run : "run-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(run)))[..16];
    }

    /// <summary>The full path of the file holding <paramref name="hash"/> of <paramref name="run"/>.</summary>
    public string PathOf(string run, string hash)
    {
        ValidateHash(hash);
        return Path.Combine(Directory, RunFolder(run), hash[..2], hash + Extension);
    }

    /// <summary>
    /// Writes each checkpoint to its file, flushed to disk, unless the file exists with the right length; one of the
    /// wrong length (a damaged copy) is replaced.
    /// </summary>
    public void Put(string run, IReadOnlyList<CheckpointBytes> checkpoints)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        foreach (var c in checkpoints)
        {
            Put(run, c);
        }
    }

    private void Put(string run, CheckpointBytes checkpoint)
    {
        var hash = checkpoint.Checkpoint.Hash;
        var bytes = checkpoint.Bytes;
        var path = PathOf(run, hash);
        var existing = new FileInfo(path);
        var repair = existing.Exists && existing.Length != bytes.Length;
        if (existing.Exists && !repair)
        {
            return;
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
    }

    /// <exception cref="CheckpointCorruptException">The file is missing, unreadable, or its bytes do not hash to the id; the message names both the id and the full path.</exception>
    public byte[] Read(string run, CheckpointRef checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var path = PathOf(run, checkpoint.Hash);
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

        var actual = ContentHash.Like(checkpoint.Hash, bytes);
        if (!string.Equals(actual, checkpoint.Hash, StringComparison.Ordinal))
        {
            throw new CheckpointCorruptException(
                $"Checkpoint {checkpoint.Hash} at {path} is corrupt: its {bytes.Length} bytes hash to {actual}.");
        }

        return bytes;
    }

    public bool Contains(string run, CheckpointRef checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return File.Exists(PathOf(run, checkpoint.Hash));
    }

    public void Delete(string run, IReadOnlyCollection<string> hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        foreach (var hash in hashes)
        {
            try
            {
                File.Delete(PathOf(run, hash)); // no error when the file is missing
            }
            catch (DirectoryNotFoundException)
            {
                // Nor when its folder is.
            }
        }
    }

    /// <summary>
    /// Every checkpoint file of <paramref name="run"/>. Temporary files left by a writer that crashed mid-put (older
    /// than <see cref="AbandonedTempAge"/>, so that a live writer's are spared) are removed on the way.
    /// </summary>
    public IReadOnlyCollection<string> List(string run)
    {
        var root = Path.Combine(Directory, RunFolder(run));
        var hashes = new List<string>();
        if (!System.IO.Directory.Exists(root))
        {
            return hashes;
        }

        var staleBefore = _time.GetUtcNow().UtcDateTime - AbandonedTempAge;
        foreach (var folder in System.IO.Directory.EnumerateDirectories(root))
        {
            foreach (var file in System.IO.Directory.EnumerateFiles(folder))
            {
                var name = Path.GetFileName(file);
                if (name.EndsWith(Extension, StringComparison.Ordinal))
                {
                    hashes.Add(name[..^Extension.Length]);
                }
                else if (name.EndsWith(TempExtension, StringComparison.Ordinal) && File.GetLastWriteTimeUtc(file) < staleBefore)
                {
                    File.Delete(file);
                }
            }
        }

        return hashes;
    }

    public string Describe(string run, CheckpointRef checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return PathOf(run, checkpoint.Hash);
    }

    /// <summary>Temporary files older than this are leftovers of a crashed <see cref="Put"/>; <see cref="List"/> removes them.</summary>
    public static TimeSpan AbandonedTempAge { get; } = TimeSpan.FromHours(1);

    private static void ValidateHash(string hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        if (!ContentHash.IsWellFormed(hash))
        {
            throw new ArgumentException($"'{hash}' is not a checkpoint name: 32 (or, stored before, 64) lower-case hexadecimal digits.", nameof(hash));
        }
    }
}
