using System.Security.Cryptography;
using Cohort.Core.Storage;

namespace Cohort.Core.Tests.Storage;

public sealed class CheckpointWriterTests
{
    private static void SaveInPieces(Stream stream)
    {
        // Many small writes and one large one, as a trainable may save them
        for (var i = 0; i < 1000; i++)
        {
            stream.WriteByte((byte)i);
        }

        stream.Write(Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray());
    }

    [Fact]
    public void Capture_Should_KeepTheBytesAndHashThemOnce_When_TheStateIsWrittenInPieces()
    {
        // When
        var captured = CheckpointWriter.Capture(SaveInPieces, 42, expectedLength: 16);

        // Then the hash is the XXH128 of exactly the bytes kept, and the hash-only writer agrees
        using var expected = new MemoryStream();
        SaveInPieces(expected);
        Assert.Equal(expected.ToArray(), captured.Bytes);
        Assert.Equal(Convert.ToHexStringLower(System.IO.Hashing.XxHash128.Hash(expected.ToArray())), captured.Checkpoint.Hash);
        Assert.Equal(captured.Checkpoint.Hash, CheckpointWriter.HashOf(SaveInPieces));
        Assert.Equal(42, captured.Checkpoint.Step);
        Assert.Equal(71_000, captured.Checkpoint.Bytes);
    }

    [Fact]
    public void Capture_Should_ReuseTheSpareBuffer_When_TheStateHasItsSize()
    {
        // Given a spare buffer of the state's size holding stale bytes
        var spare = Enumerable.Repeat((byte)0xAB, 71_000).ToArray();

        // When
        var captured = CheckpointWriter.Capture(SaveInPieces, 1, spare);

        // Then the spare holds the new state, and the hash is of the new state
        Assert.Same(spare, captured.Bytes);
        Assert.Equal(ContentHash.Of(spare), captured.Checkpoint.Hash);
        Assert.Equal(CheckpointWriter.HashOf(SaveInPieces), captured.Checkpoint.Hash);
    }

    [Fact]
    public void ContentHash_Should_VerifyASha256Name_When_TheCheckpointWasStoredBeforeWithOne()
    {
        // Given the SHA-256 name a checkpoint of these bytes carried when stored before XXH128 names
        using var bytes = new MemoryStream();
        SaveInPieces(bytes);
        var legacy = Convert.ToHexStringLower(SHA256.HashData(bytes.ToArray()));

        // Then a store reading those bytes under that name verifies them with SHA-256, new names are 32 digits, and
        // only lower-case hex of either length is a name
        Assert.Equal(legacy, ContentHash.Like(legacy, bytes.ToArray()));
        Assert.NotEqual(legacy, ContentHash.Like(legacy, bytes.ToArray().AsSpan(1)));
        Assert.Equal(ContentHash.Length, CheckpointWriter.HashOf(SaveInPieces).Length);
        Assert.True(ContentHash.IsWellFormed(legacy));
        Assert.False(ContentHash.IsWellFormed(legacy[..40]));
        Assert.False(ContentHash.IsWellFormed(legacy.ToUpperInvariant()));
    }
}
