using System.Security.Cryptography;

namespace Cohort.Core.Execution;

/// <summary>The content hash of checkpoints (same as <see cref="Storage.CheckpointRef.Hash"/>): lower-case hex SHA-256.</summary>
internal static class Hashing
{
    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
