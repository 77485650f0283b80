using System.Buffers;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace Cohort.Core.Storage;

/// <summary>
/// How a checkpoint's bytes are named (<see cref="CheckpointRef.Hash"/>): XXH128, written as 32 lower-case hexadecimal
/// digits. A PBT run hashes every checkpoint it saves, one per task: in issue 12's Boston profiles (12 KB checkpoints)
/// the hashing took about 11 µs per task with SHA-256 and about 2 µs with XXH128. The name identifies bytes that Cohort
/// wrote itself and detects damage; it is not meant to resist someone forging checkpoints. Checkpoints stored before
/// carry SHA-256 names (64 digits): stores still verify them, with SHA-256 (<see cref="Like"/>). Their bytes are in an
/// older format, so the runner's weight-exchange check (re-saving the receiver's state) is skipped for them.
/// </summary>
public static class ContentHash
{
    /// <summary>Hexadecimal digits of a name given to checkpoints now (XXH128).</summary>
    public const int Length = 32;

    /// <summary>Hexadecimal digits of a name given to checkpoints before (SHA-256).</summary>
    public const int LegacyLength = 64;

    private static readonly SearchValues<char> s_digits = SearchValues.Create("0123456789abcdef");

    /// <summary>The name of <paramref name="bytes"/>.</summary>
    public static string Of(ReadOnlySpan<byte> bytes)
    {
        Span<byte> digest = stackalloc byte[16];
        XxHash128.Hash(bytes, digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>
    /// The name of <paramref name="bytes"/> computed as <paramref name="like"/> was: SHA-256 for a 64-digit name (a
    /// checkpoint stored before), XXH128 otherwise. Equal to <paramref name="like"/> exactly when the bytes are intact.
    /// </summary>
    public static string Like(string like, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(like);
        return like.Length == LegacyLength ? Convert.ToHexStringLower(SHA256.HashData(bytes)) : Of(bytes);
    }

    /// <summary>Whether <paramref name="hash"/> can be a checkpoint's name: 32 or 64 lower-case hexadecimal digits.</summary>
    public static bool IsWellFormed(string? hash) =>
        hash is { Length: Length or LegacyLength } && hash.AsSpan().IndexOfAnyExcept(s_digits) < 0;

    /// <summary>Names bytes as they come, as <see cref="Of"/> would name them all at once.</summary>
    internal sealed class Incremental
    {
        private readonly XxHash128 _hash = new();

        public void Append(ReadOnlySpan<byte> bytes) => _hash.Append(bytes);

        /// <summary>The name of everything appended.</summary>
        public string Finish()
        {
            Span<byte> digest = stackalloc byte[16];
            _hash.GetHashAndReset(digest);
            return Convert.ToHexStringLower(digest);
        }
    }
}
