using System.Security.Cryptography;
using Cohort.Engine.Data;

namespace Cohort.Engine.Tests.Data;

public sealed class DatasetVerifierTests
{
    private const string HousingData = "boston/housing.data";
    private const string HousingSha256 = "4a8425d42eb99b76feb7ee7cf0fb1d897a6cd19b72c437e4855d767cabb7e24e";

    [SharedDataFact]
    public void Should_NameFileBothHashesAndRemedy_When_OneDigitOfHousingDataChanged()
    {
        // Given a copy of the data directory whose housing.data says 28.60 where the original says 29.60 (same length)
        using var temp = new TempDirectory();
        var path = CopyHousingData(temp);
        var text = File.ReadAllText(path);
        var at = text.IndexOf("29.60", StringComparison.Ordinal);
        Assert.True(at >= 0);
        File.WriteAllText(path, string.Concat(text.AsSpan(0, at), "28.60", text.AsSpan(at + 5)));

        // When the catalog loads Boston
        var ex = Assert.Throws<DatasetException>(() => DatasetCatalog.LoadRaw("boston", new DataDirectory(temp.Root)));

        // Then the error names the file, the expected and the actual hash, and how to get the original back
        Assert.Equal(path, ex.FilePath);
        Assert.StartsWith($"{path}: checksum mismatch: expected SHA-256 {HousingSha256}, actual {Sha256(path)}; ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Delete it and run again to download it afresh from https://archive.ics.uci.edu/", ex.Message, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public void Should_RejectFile_When_HousingDataIsTruncatedAtALineBoundary()
    {
        // Given housing.data cut after 413 of its 506 rows (every remaining line still parses)
        using var temp = new TempDirectory();
        var path = CopyHousingData(temp);
        var lines = File.ReadAllLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).Take(413);
        File.WriteAllText(path, string.Concat(lines.Select(l => l + "\n")));
        Assert.Equal(413, TabularLoader.LoadBostonWhitespace(path).Count);

        // When / Then
        var ex = Assert.Throws<DatasetException>(() => DatasetCatalog.Load("boston", new DataDirectory(temp.Root)));
        Assert.StartsWith($"{path}: checksum mismatch: expected SHA-256 {HousingSha256}, actual {Sha256(path)}", ex.Message, StringComparison.Ordinal);
    }

    [SharedDataTheory]
    [InlineData(true, 1)]
    [InlineData(false, 2)] // just written: a same-length edit within the timestamp granularity could keep its time
    public void Should_RememberVerification_OnlyWhen_TheFileIsSettled(bool settled, int expectedHashes)
    {
        // Given an intact copy, written now or with a last-write time well in the past
        using var temp = new TempDirectory();
        var path = CopyHousingData(temp);
        if (settled)
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-1));
        }

        var verifier = new DatasetVerifier(TimeProvider.System);
        var directory = new DataDirectory(temp.Root);

        // When it is verified twice
        verifier.Verify(directory, HousingData);
        verifier.Verify(directory, HousingData);

        // Then it was hashed once if settled, else each time
        Assert.Equal(expectedHashes, verifier.HashCount);
    }

    [SharedDataFact]
    public void Should_HashAgainAndReject_When_RememberedFileIsModified()
    {
        // Given a settled copy that verified (and is remembered)
        using var temp = new TempDirectory();
        var path = CopyHousingData(temp);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-1));
        var verifier = new DatasetVerifier(TimeProvider.System);
        var directory = new DataDirectory(temp.Root);
        verifier.Verify(directory, HousingData);

        // When one byte is changed in place (same length; the write sets a new last-write time)
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = 100;
            var b = stream.ReadByte();
            stream.Position = 100;
            stream.WriteByte((byte)(b ^ 1));
        }

        // Then the next verification hashes again and fails
        var ex = Assert.Throws<DatasetException>(() => verifier.Verify(directory, HousingData));
        Assert.Equal(2, verifier.HashCount);
        Assert.Contains("checksum mismatch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_LeaveFileToItsLoader_When_RegistryHasNoChecksum()
    {
        // Given a Fashion-MNIST file (verified by format, not checksum) with arbitrary content
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.Path("fashion-mnist/t10k-labels-idx1-ubyte.gz"), [1, 2, 3]);
        var verifier = new DatasetVerifier(TimeProvider.System);

        // When / Then
        verifier.Verify(new DataDirectory(temp.Root), "fashion-mnist/t10k-labels-idx1-ubyte.gz");
        Assert.Equal(0, verifier.HashCount);
    }

    private static string CopyHousingData(TempDirectory temp)
    {
        var path = temp.Path(HousingData);
        File.WriteAllBytes(path, File.ReadAllBytes(SharedData.Path(HousingData))); // written now (File.Copy keeps the old time)
        return path;
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
