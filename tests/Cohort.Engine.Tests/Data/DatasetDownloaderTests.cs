using System.Security.Cryptography;
using Cohort.Engine.Data;

namespace Cohort.Engine.Tests.Data;

public sealed class DatasetDownloaderTests
{
    private const string LabelsFile = "mnist/t10k-labels-idx1-ubyte.gz";

    private static HttpClient LoopbackClient() => new(new SocketsHttpHandler { UseProxy = false });

    private static DatasetFile Registered(string relativePath) =>
        DatasetRegistry.Find(relativePath) ?? throw new InvalidOperationException(relativePath + " is not registered");

    private static byte[] Gunzip(byte[] gz)
    {
        using var input = new MemoryStream(gz);
        using var unzip = new System.IO.Compression.GZipStream(input, System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        unzip.CopyTo(output);
        return output.ToArray();
    }

    [SharedDataFact]
    public async Task Should_DownloadAndVerify_When_FileIsMissing()
    {
        using var server = LocalHttpServer.ServingFolder(SharedData.Root!);
        using var temp = new TempDirectory();
        using var http = LoopbackClient();
        var downloader = new DatasetDownloader(http, server.BaseUrl);
        var directory = new DataDirectory(temp.Root);

        var path = await downloader.EnsureAsync(directory, Registered(LabelsFile));

        Assert.Equal(directory.GetPath(LabelsFile), path);
        Assert.Equal(File.ReadAllBytes(SharedData.Path(LabelsFile)), File.ReadAllBytes(path));
        Assert.Equal(["/" + LabelsFile], server.Requests);
        Assert.Single(Directory.GetFiles(temp.Root, "*", SearchOption.AllDirectories)); // no leftover temporary file
        Assert.Equal(10000, IdxLoader.ReadLabels(path).Length);
    }

    [SharedDataFact]
    public async Task Should_AcceptRecompressedCopy_When_DecompressedContentMatches()
    {
        var content = Gunzip(File.ReadAllBytes(SharedData.Path(LabelsFile)));
        var recompressed = FormatWriter.Gzip(content);
        Assert.NotEqual(File.ReadAllBytes(SharedData.Path(LabelsFile)), recompressed);
        using var server = new LocalHttpServer(p => p == "/" + LabelsFile ? recompressed : null);
        using var temp = new TempDirectory();
        using var http = LoopbackClient();

        var path = await new DatasetDownloader(http, server.BaseUrl).EnsureAsync(new DataDirectory(temp.Root), Registered(LabelsFile));

        Assert.Equal(recompressed, File.ReadAllBytes(path));
    }

    [SharedDataFact]
    public async Task Should_RejectAndLeaveNoFile_When_DownloadIsCorrupted()
    {
        var content = Gunzip(File.ReadAllBytes(SharedData.Path(LabelsFile)));
        content[5000] = (byte)((content[5000] + 1) % 10); // still a valid IDX file, different data
        var corrupted = FormatWriter.Gzip(content);
        var actual = Convert.ToHexStringLower(SHA256.HashData(content));
        using var server = new LocalHttpServer(p => p == "/" + LabelsFile ? corrupted : null);
        using var temp = new TempDirectory();
        using var http = LoopbackClient();
        var downloader = new DatasetDownloader(http, server.BaseUrl);

        var ex = await Assert.ThrowsAsync<DatasetException>(() => downloader.EnsureAsync(new DataDirectory(temp.Root), Registered(LabelsFile)));

        Assert.Equal(
            $"{LabelsFile}: checksum mismatch: expected SHA-256 ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2, actual {actual}; downloaded from {server.BaseUrl}{LabelsFile}, so the download was discarded",
            ex.Message);
        Assert.Empty(Directory.GetFiles(temp.Root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Should_ReportHttpStatus_When_ServerHasNoSuchFile()
    {
        using var server = new LocalHttpServer(_ => null);
        using var temp = new TempDirectory();
        using var http = LoopbackClient();
        var downloader = new DatasetDownloader(http, server.BaseUrl);

        var ex = await Assert.ThrowsAsync<DatasetException>(() => downloader.EnsureAsync(new DataDirectory(temp.Root), Registered("boston/housing.data")));

        // Then the message names the file, says where to put it by hand and how to check it, and no folder is left
        var target = Path.Combine(temp.Root, "boston", "housing.data");
        Assert.Equal(
            $"boston/housing.data: download from {server.BaseUrl}boston/housing.data failed: HTTP 404 Not Found. " +
            $"To provide it by hand, download {Registered("boston/housing.data").Url} elsewhere and save it as {target} (SHA-256: {Registered("boston/housing.data").Sha256}).",
            ex.Message);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Should_NotDownload_When_FileIsAlreadyPresent()
    {
        using var server = new LocalHttpServer(_ => [1, 2, 3]);
        using var temp = new TempDirectory();
        using var http = LoopbackClient();
        File.WriteAllText(temp.Path("boston/housing.data"), "local copy");

        var path = await new DatasetDownloader(http, server.BaseUrl).EnsureAsync(new DataDirectory(temp.Root), Registered("boston/housing.data"));

        Assert.Equal("local copy", File.ReadAllText(path));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Should_VerifyFormat_When_NoChecksumIsKnown()
    {
        var good = FormatWriter.Gzip(FormatWriter.IdxLabels([.. Enumerable.Range(0, 10000).Select(i => (byte)(i % 10))]));
        var wrongCount = FormatWriter.Gzip(FormatWriter.IdxLabels([1, 2, 3]));
        var file = Registered("fashion-mnist/t10k-labels-idx1-ubyte.gz");
        Assert.Null(file.Sha256);
        using var temp = new TempDirectory();
        using var http = LoopbackClient();

        using (var bad = new LocalHttpServer(_ => wrongCount))
        {
            var ex = await Assert.ThrowsAsync<DatasetException>(() => new DatasetDownloader(http, bad.BaseUrl).EnsureAsync(new DataDirectory(temp.Root), file));
            Assert.StartsWith("fashion-mnist/t10k-labels-idx1-ubyte.gz: unexpected content: 3 labels, expected 10000", ex.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(temp.Root, "*", SearchOption.AllDirectories));
        }

        using (var ok = new LocalHttpServer(_ => good))
        {
            var path = await new DatasetDownloader(http, ok.BaseUrl).EnsureAsync(new DataDirectory(temp.Root), file);
            Assert.Equal(10000, IdxLoader.ReadLabels(path).Length);
        }
    }

    [Fact]
    public async Task Should_NameTheRegistryFile_When_DownloadIsNotIdx()
    {
        var file = Registered("fashion-mnist/train-images-idx3-ubyte.gz");
        using var server = new LocalHttpServer(_ => "<html>moved</html>"u8.ToArray());
        using var temp = new TempDirectory();
        using var http = LoopbackClient();

        var ex = await Assert.ThrowsAsync<DatasetException>(() => new DatasetDownloader(http, server.BaseUrl).EnsureAsync(new DataDirectory(temp.Root), file));

        Assert.StartsWith("fashion-mnist/train-images-idx3-ubyte.gz: invalid download: not an IDX images file", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(temp.Root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Should_UseCanonicalUrl_When_NoBaseUrlIsGiven()
    {
        using var http = LoopbackClient();
        var file = Registered(LabelsFile);

        Assert.Equal(file.Url, new DatasetDownloader(http).UrlFor(file));
        Assert.Equal(new Uri("http://127.0.0.1:9/mirror/" + LabelsFile), new DatasetDownloader(http, new Uri("http://127.0.0.1:9/mirror")).UrlFor(file));
    }

    [SharedDataFact]
    public void Should_MatchSharedCopies_When_CheckingRegisteredChecksums()
    {
        foreach (var file in DatasetRegistry.Files.Where(f => f.Sha256 is not null))
        {
            DatasetDownloader.Verify(SharedData.Path(file.RelativePath), file);
        }
    }

    private static byte[] TarGz(IEnumerable<(string Name, byte[] Data)> entries)
    {
        using var memory = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(memory, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new System.Formats.Tar.TarWriter(gz, System.Formats.Tar.TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (name, data) in entries)
            {
                var entry = new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) };
                tar.WriteEntry(entry);
            }
        }

        return memory.ToArray();
    }

    /// <summary>The registry's CIFAR-10 archive, but with 2-record batches so the test stays small.</summary>
    private static DatasetArchive SmallCifarArchive()
    {
        var real = DatasetRegistry.FindArchive("cifar10/data_batch_1.bin")!;
        return real with { Members = [.. real.Members.Select(m => m with { File = m.File with { ExpectedCount = 2 } })] };
    }

    [Fact]
    public async Task Should_ExtractAndVerifyBatches_When_Cifar10ArchiveIsDownloaded()
    {
        var archive = SmallCifarArchive();
        var batches = archive.Members.Select((m, k) => (m.EntryName, FormatWriter.Cifar(2, r => (byte)(k + r), (r, p) => (byte)(k * 3 + r + p)))).ToList();
        var body = TarGz(batches.Prepend(("cifar-10-batches-bin/readme.html", "<p>hi</p>"u8.ToArray())));
        using var server = new LocalHttpServer(p => p == "/cifar10/cifar-10-binary.tar.gz" ? body : null);
        using var temp = new TempDirectory();
        using var http = LoopbackClient();
        var directory = new DataDirectory(temp.Root);

        await new DatasetDownloader(http, server.BaseUrl).EnsureArchiveAsync(directory, archive);

        Assert.Equal(6, Directory.GetFiles(temp.Root, "*", SearchOption.AllDirectories).Length);
        for (var k = 0; k < 6; k++)
        {
            Assert.Equal(batches[k].Item2, File.ReadAllBytes(directory.GetPath(archive.Members[k].File.RelativePath)));
        }

        var test = Cifar10Loader.Load([directory.GetPath("cifar10/test_batch.bin")], "cifar10/test", recordsPerFile: 2);
        Assert.Equal([5f, 6f], test.Targets);
    }

    [Fact]
    public async Task Should_PlaceNoBatch_When_OneArchiveMemberIsInvalid()
    {
        var archive = SmallCifarArchive();
        var entries = archive.Members.Select((m, k) => (m.EntryName, FormatWriter.Cifar(2, r => k == 3 && r == 1 ? (byte)12 : (byte)1, (_, _) => 0))).ToList();
        var body = TarGz(entries);
        using var server = new LocalHttpServer(_ => body);
        using var temp = new TempDirectory();
        using var http = LoopbackClient();

        var ex = await Assert.ThrowsAsync<DatasetException>(() => new DatasetDownloader(http, server.BaseUrl).EnsureArchiveAsync(new DataDirectory(temp.Root), archive));

        Assert.StartsWith("cifar10/data_batch_4.bin: invalid download: record 1: label 12 is outside 0..9", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(temp.Root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Should_NameMissingEntry_When_ArchiveLacksABatch()
    {
        var archive = SmallCifarArchive();
        var body = TarGz(archive.Members.Take(5).Select(m => (m.EntryName, FormatWriter.Cifar(2, _ => 0, (_, _) => 0))));
        using var server = new LocalHttpServer(_ => body);
        using var temp = new TempDirectory();
        using var http = LoopbackClient();

        var ex = await Assert.ThrowsAsync<DatasetException>(() => new DatasetDownloader(http, server.BaseUrl).EnsureArchiveAsync(new DataDirectory(temp.Root), archive));

        Assert.Equal($"cifar10/cifar-10-binary.tar.gz: archive downloaded from {server.BaseUrl}cifar10/cifar-10-binary.tar.gz has no entry 'cifar-10-batches-bin/test_batch.bin' (for cifar10/test_batch.bin)", ex.Message);
        Assert.Empty(Directory.GetFiles(temp.Root, "*", SearchOption.AllDirectories));
    }
}
