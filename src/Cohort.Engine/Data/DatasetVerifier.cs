using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Cohort.Engine.Data;

/// <summary>
/// Verifies a known dataset file (one with a SHA-256 in <see cref="DatasetRegistry"/>) each time
/// <see cref="DatasetCatalog"/> loads it, so that a file changed after its download — one digit edited, rows cut off at
/// a line boundary — is an error naming the file instead of silently different results.
/// <para>
/// Hashing costs about as much as decompressing the file (MNIST: see <c>benchmarks/Cohort.Benchmarks</c>, mode
/// <c>datasets</c>), so a file that verified is remembered for the rest of the process by its full path, length and
/// last-write time; any change of length or last-write time hashes it again. Only files whose last-write time is at
/// least <see cref="SettleTime"/> in the past are remembered (as git does for "racily clean" files): an edit within the
/// file system's timestamp granularity after a verification cannot keep the old time. What the cache cannot see is a
/// change that keeps the length and the last-write time within one process's lifetime (a deliberate reset of the
/// time, or damage below the file system); every new process hashes every known file again.
/// </para>
/// </summary>
internal sealed class DatasetVerifier
{
    /// <summary>How old a file's last-write time must be before a verification of it is remembered.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(2);

    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, FileStamp> _verified = new(StringComparer.Ordinal);
    private int _hashCount;

    public DatasetVerifier(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>The process-wide verifier <see cref="DatasetCatalog"/> uses.</summary>
    public static DatasetVerifier Shared { get; } = new(TimeProvider.System);

    /// <summary>How many files this verifier has hashed (a cache hit hashes nothing).</summary>
    public int HashCount => Volatile.Read(ref _hashCount);

    /// <summary>
    /// Checks <paramref name="relativePath"/> in <paramref name="directory"/> against its registry SHA-256 (of the
    /// decompressed content for gzip). Files the registry has no checksum for are left to their loader's format checks.
    /// </summary>
    /// <exception cref="DatasetException">The content differs; the message names the file, both hashes and the remedy.</exception>
    public void Verify(DataDirectory directory, string relativePath)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (DatasetRegistry.Find(relativePath) is not { Sha256: not null } file)
        {
            return;
        }

        var path = directory.GetPath(relativePath);
        var before = FileStamp.Of(path);
        if (before is not null && _verified.TryGetValue(path, out var known) && known == before)
        {
            return;
        }

        Interlocked.Increment(ref _hashCount);
        RequireSha256(path, file, path, () =>
            $"the file was changed or damaged after it was downloaded. Delete it and run again to download it afresh from "
            + $"{file.Url} (or put the original file at {path})");

        // The stamp taken before hashing: a change during the hash moves the last-write time away from it.
        if (before is not null && _time.GetUtcNow().UtcDateTime - before.LastWriteUtc >= SettleTime)
        {
            _verified[path] = before;
        }
    }

    /// <summary>
    /// Throws a <see cref="DatasetException"/> about <paramref name="displayName"/> unless the content of
    /// <paramref name="path"/> has <paramref name="file"/>'s SHA-256; <paramref name="remedy"/> says what to do.
    /// </summary>
    public static void RequireSha256(string path, DatasetFile file, string displayName, Func<string> remedy)
    {
        ArgumentNullException.ThrowIfNull(file);
        var expected = file.Sha256 ?? throw new ArgumentException($"{file.RelativePath} has no known SHA-256.", nameof(file));
        var actual = ContentSha256(path, displayName);
        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new DatasetException(displayName, $"checksum mismatch: expected SHA-256 {expected}, actual {actual}; {remedy()}");
        }
    }

    /// <summary>Lower-case hex SHA-256 of a file's content, decompressed first if it is gzip.</summary>
    public static string ContentSha256(string path, string? displayName = null)
    {
        var name = displayName ?? path;
        try
        {
            using var stream = DataFileReader.Open(path, out _);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (InvalidDataException ex)
        {
            throw new DatasetException(name, "corrupt gzip stream: " + ex.Message, ex);
        }
        catch (IOException ex)
        {
            throw new DatasetException(name, "read failed: " + ex.Message, ex);
        }
        catch (DatasetException ex) when (displayName is not null && ex.FilePath == path && displayName != path)
        {
            throw new DatasetException(name, ex.Message[(path.Length + 2)..], ex);
        }
    }

    private sealed record FileStamp(long Length, DateTime LastWriteUtc)
    {
        public static FileStamp? Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc) : null;
        }
    }
}
