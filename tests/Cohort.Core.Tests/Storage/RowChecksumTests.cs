using System.Security.Cryptography;
using System.Text;
using Cohort.Core.Storage;

namespace Cohort.Core.Tests.Storage;

public sealed class RowChecksumTests
{
    /// <summary>The documented definition: the first 128 bits of SHA-256 of the columns joined by U+001F, as UTF-8.</summary>
    private static string Definition(params string[] columns) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', columns)))[..16]);

    [Fact]
    public void OfResult_Should_MatchTheStoredDefinition_When_TheDocumentHasNonAsciiText()
    {
        // Given a result row whose JSON holds two-, three- and four-byte UTF-8 characters
        const string json = "{\"a\":\"é€😀\"}";

        // When
        var checksum = RowChecksum.OfResult("pbt-36", 3, 17, 5, 250, 300, "completed", json);

        // Then it is the definition's value, pinned (computed by Python's hashlib), so rows stored before still verify
        Assert.Equal(Definition("pbt-36", "3", "17", "5", "250", "300", "completed", json), checksum);
        Assert.Equal("a2bce6f993a094adfff7827b61175491", checksum);
    }

    [Fact]
    public void OfEvent_Should_MatchTheStoredDefinition_When_TheRunNameIsEmptyAndNumbersAreExtreme()
    {
        // When
        var checksum = RowChecksum.OfEvent("", -1, long.MaxValue, "exploit", "{}");

        // Then the empty first column still has its separator after it
        Assert.Equal(Definition("", "-1", "9223372036854775807", "exploit", "{}"), checksum);
        Assert.Equal("09bb32c6d13610a121cf7ac135ba4e28", checksum);
    }

    [Fact]
    public void OfResult_Should_MatchTheDefinition_When_TheDocumentIsLarge()
    {
        // Given a document far larger than a small row
        var json = "{\"x\":\"" + new string('ß', 50_000) + "\"}";

        // When / Then
        Assert.Equal(
            Definition("run", "0", "1", "2", "3", "4", "failed", json),
            RowChecksum.OfResult("run", 0, 1, 2, 3, 4, "failed", json));
    }

    [Fact]
    public void Utf8Overloads_Should_GiveTheStringOverloadsValue_When_TheDocumentIsTheSame()
    {
        const string json = "{\"a\":\"é€😀\"}";
        var utf8 = Encoding.UTF8.GetBytes(json);

        Assert.Equal(RowChecksum.OfResult("pbt-36", 3, 17, 5, 250, 300, "completed", json), RowChecksum.OfResult("pbt-36", 3, 17, 5, 250, 300, "completed", utf8));
        Assert.Equal(RowChecksum.OfEvent("pbt-36", 3, 250, "exploited", json), RowChecksum.OfEvent("pbt-36", 3, 250, "exploited", utf8));
    }
}
